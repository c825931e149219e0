"""The flash counter itself (tests/support/flashes.py) on synthetic frames: a large area
blinking 5 times a second is 5 flashes; 3 a second is 3; a slow pulse, a small blinking
spot, a bright-only flicker (its dark end >= 0.8) and a single cut are none."""

from __future__ import annotations

import numpy as np

from tests.support.flashes import most_flashes_per_second, relative_luminance, transitions

FPS = 30


def film(seconds: float, level) -> tuple[list[np.ndarray], list[float]]:
    """Frames of 160 x 100 px; `level(t, y, x)` paints each (grey, 0-255)."""
    times = [i / FPS for i in range(int(seconds * FPS))]
    ys, xs = np.mgrid[0:100, 0:160]
    frames = []
    for t in times:
        grey = np.broadcast_to(np.asarray(level(t, ys, xs), dtype=np.uint8), (100, 160))
        frames.append(np.repeat(grey[..., None], 3, axis=2))
    return frames, times


def blink(hz: float, on: int = 255, off: int = 0, area=lambda y, x: True):
    return lambda t, y, x: np.where(area(y, x) & (int(t * hz * 2) % 2 == 0), on, off)


def test_relative_luminance_is_wcags():
    assert relative_luminance(np.array([255, 255, 255])) == 1.0
    assert relative_luminance(np.array([0, 0, 0])) == 0.0
    assert abs(float(relative_luminance(np.array([128, 128, 128]))) - 0.2158) < 1e-3


def test_a_whole_screen_blinking_5_times_a_second_is_5_flashes():
    report = most_flashes_per_second(*film(3, blink(5)))
    assert report.worst_per_second == 5 and report.fps > 29


def test_3_a_second_is_3():
    assert most_flashes_per_second(*film(3, blink(3))).worst_per_second == 3


def test_a_slow_pulse_a_cut_a_tiny_spot_and_a_bright_flicker_are_no_flashes():
    pulse = lambda t, y, x: 128 + 100 * np.sin(2 * np.pi * 0.6 * t)  # noqa: E731
    assert most_flashes_per_second(*film(3, pulse)).worst_per_second <= 1
    cut = lambda t, y, x: 255 if t > 1 else 0  # noqa: E731
    assert most_flashes_per_second(*film(3, cut)).worst_per_second == 0
    spot = blink(10, area=lambda y, x: (y < 5) & (x < 5))  # 0.2 % of the screen
    assert most_flashes_per_second(*film(3, spot)).worst_per_second == 0
    bright = blink(10, on=255, off=245)  # between 0.91 and 1.0: never dark enough
    assert most_flashes_per_second(*film(3, bright)).worst_per_second == 0


def test_transitions_need_a_swing_of_a_tenth():
    assert transitions([0.0, 0.05, 0.0, 0.05], [0, 1, 2, 3]) == []
    assert transitions([0.0, 0.2, 0.0, 0.2], [0, 1, 2, 3]) == [1, 2, 3]
