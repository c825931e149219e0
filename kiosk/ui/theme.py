"""Colours and sizes: high contrast (cream on dark espresso, amber actions), readable from 1 m.

Why a unit `u` = min(width, height) / 480: the same layout must work from an 800x480
7-inch panel to a 1920x1080 screen in both orientations. At u = 1 (800x480 on a 7" panel,
~133 px per inch) a 64*u px button is ~12 mm, above the 9 mm touch-target minimum.
"""

from __future__ import annotations

BG = (0.11, 0.09, 0.08, 1)  # espresso
PANEL = (0.19, 0.16, 0.14, 1)
TEXT = (1.0, 0.97, 0.92, 1)  # cream; contrast with BG ~ 16:1
MUTED = (0.85, 0.80, 0.74, 1)  # still ~10:1 on BG
ACCENT = (0.96, 0.65, 0.25, 1)  # amber; dark text on it ~ 9:1
ACCENT_TEXT = (0.11, 0.09, 0.08, 1)
GOOD = (0.45, 0.80, 0.50, 1)
WARN = (0.98, 0.78, 0.35, 1)
EMPTY = (0.32, 0.28, 0.25, 1)

MIN_TOUCH_MM = 9.0
BUTTON_H = 64  # in units of u


def unit(width: float, height: float) -> float:
    return max(0.5, min(width, height) / 480.0)
