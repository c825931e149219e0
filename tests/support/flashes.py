"""Counting flashes in recorded frames, after WCAG 2's general flash threshold (2.3.1).

A *transition* is a change in relative luminance of at least 0.1 (of the maximum 1.0)
between a local high and a local low, where the darker of the two is below 0.8; a *flash*
is a pair of opposing transitions. More than 3 flashes in any one second, over a *large
area*, fails. The large area: WCAG's "25 % of any 10 degree visual field" is about
341 x 256 px of a 1024 x 768 screen (11 %); here the frame is cut into tiles of 1/4 by
1/4 of the screen (6 %, smaller, so stricter), overlapping by half a tile, and each tile's
mean relative luminance over time is one series. Luminance is averaged in linear light.

Pure numpy, so it is tested on synthetic frames (tests/ui/test_flashes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STEP = 0.10  # a transition: this much of the maximum relative luminance
DARK = 0.80  # ... where the darker state is below this
GRID = 8  # cells per side; a tile is 2 x 2 cells (1/4 x 1/4), moved by one cell


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    """sRGB (0-255, ... x 3) to relative luminance (0-1), as WCAG defines it."""
    c = rgb.astype(np.float32) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin[..., 0] * 0.2126 + lin[..., 1] * 0.7152 + lin[..., 2] * 0.0722


def tile_means(rgb: np.ndarray) -> np.ndarray:
    """One frame (h x w x 3) -> the mean luminance of every tile ((GRID-1)^2 values)."""
    lum = relative_luminance(rgb[..., :3])
    h, w = lum.shape
    ch, cw = h // GRID, w // GRID
    cells = lum[: ch * GRID, : cw * GRID].reshape(GRID, ch, GRID, cw).mean(axis=(1, 3))
    tiles = (cells[:-1, :-1] + cells[1:, :-1] + cells[:-1, 1:] + cells[1:, 1:]) / 4
    return tiles.ravel()


def transitions(series: Sequence[float], times: Sequence[float]) -> list[float]:
    """When the series made a transition: from the highest point since the last one, a
    fall of >= STEP to below DARK; from the lowest (below DARK), a rise of >= STEP."""
    found: list[float] = []
    low = high = series[0]
    rising: bool | None = None  # the direction of the last transition
    for value, at in zip(series, times, strict=True):
        if rising is not False:  # after a rise (or at the start): watch for a fall
            high = max(high, value)
            if high - value >= STEP and value < DARK:
                found.append(at)
                rising, low = False, value
                continue
        if rising is not True:  # after a fall (or at the start): watch for a rise
            low = min(low, value)
            if value - low >= STEP and low < DARK:
                found.append(at)
                rising, high = True, value
    return found


@dataclass(frozen=True)
class FlashReport:
    worst_per_second: int  # the most flashes in any one second, over every tile
    tile: int  # where
    frames: int
    seconds: float

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


def most_flashes_per_second(frames: Sequence[np.ndarray], times: Sequence[float]) -> FlashReport:
    """Frames (h x w x 3 uint8) at `times` (seconds): the worst one-second window."""
    series = np.stack([tile_means(f) for f in frames])  # frames x tiles
    worst, where = 0, -1
    for tile in range(series.shape[1]):
        at = transitions(series[:, tile].tolist(), times)
        for i, start in enumerate(at):
            in_window = sum(1 for t in at[i:] if t < start + 1.0)
            flashes = in_window // 2
            if flashes > worst:
                worst, where = flashes, tile
    return FlashReport(worst, where, len(frames), float(times[-1] - times[0]) if times else 0.0)
