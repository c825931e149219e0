"""The Linux key codes a keyboard-wedge scanner sends (linux/input-event-codes.h).

Why a table of our own instead of the `evdev` package: evdev ships no wheel, so installing it
compiles C, and Raspberry Pi OS Lite has no compiler headers. These numbers are kernel ABI
and never change; tests/scanner/test_evdev_reader.py checks them against the header.
"""

from __future__ import annotations

EV_KEY = 1

KEY_1, KEY_2, KEY_3, KEY_4, KEY_5, KEY_6, KEY_7, KEY_8, KEY_9, KEY_0 = range(2, 12)
KEY_MINUS, KEY_EQUAL = 12, 13
KEY_Q, KEY_W, KEY_E, KEY_R, KEY_T, KEY_Y, KEY_U, KEY_I, KEY_O, KEY_P = range(16, 26)
KEY_LEFTBRACE, KEY_RIGHTBRACE, KEY_ENTER = 26, 27, 28
KEY_A, KEY_S, KEY_D, KEY_F, KEY_G, KEY_H, KEY_J, KEY_K, KEY_L = range(30, 39)
KEY_SEMICOLON, KEY_APOSTROPHE, KEY_GRAVE, KEY_LEFTSHIFT, KEY_BACKSLASH = range(39, 44)
KEY_Z, KEY_X, KEY_C, KEY_V, KEY_B, KEY_N, KEY_M = range(44, 51)
KEY_COMMA, KEY_DOT, KEY_SLASH, KEY_RIGHTSHIFT, KEY_KPASTERISK = range(51, 56)
KEY_SPACE, KEY_CAPSLOCK, KEY_F1 = 57, 58, 59
KEY_KP7, KEY_KP8, KEY_KP9, KEY_KPMINUS = 71, 72, 73, 74
KEY_KP4, KEY_KP5, KEY_KP6, KEY_KPPLUS = 75, 76, 77, 78
KEY_KP1, KEY_KP2, KEY_KP3, KEY_KP0, KEY_KPDOT = 79, 80, 81, 82, 83
KEY_KPENTER, KEY_KPSLASH = 96, 98


def code(name: str) -> int:
    """KEY_<name> by name (keymap builds its table from names)."""
    return globals()[f"KEY_{name}"]
