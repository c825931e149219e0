"""A seeded corpus of distorted phone-screen frames with known payloads (tests, bench).

Why a generator and not checked-in images: the frames are reproducible from a seed, cost
nothing in the repository, and the bench can ask for many more than the tests.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from devices.scanner.synth import SYMBOLOGIES, TIERS, render_phone_frame

SIZES = ((640, 480), (1280, 720))
_TOKEN = string.ascii_letters + string.digits + "-_"


def payload_for(symbology: str, rng: np.random.Generator) -> str:
    """A payload like a wallet pass of that symbology carries."""
    if symbology == "ean13":
        digits = "".join(str(d) for d in rng.integers(0, 10, 12))
        weights = [1, 3] * 6
        check = (10 - sum(int(c) * w for c, w in zip(digits, weights, strict=True)) % 10) % 10
        return digits + str(check)
    if symbology == "code128":
        return "".join(rng.choice(list(string.ascii_uppercase + string.digits), 12))
    token = "".join(rng.choice(list(_TOKEN), 22))
    return f"https://loyalty.example.com/c/{token}"


@dataclass(frozen=True)
class Sample:
    text: str
    symbology: str
    size: tuple[int, int]
    tier: str
    seed: int

    def frame(self) -> np.ndarray:
        return render_phone_frame(
            self.text, self.symbology, self.size, tier=self.tier, seed=self.seed
        )

    @property
    def name(self) -> str:
        return f"{self.symbology}_{self.size[0]}x{self.size[1]}_{self.tier}_{self.seed}"


def corpus(
    per_cell: int,
    *,
    seed: int = 1,
    sizes: Sequence[tuple[int, int]] = SIZES,
    tiers: Sequence[str] = tuple(TIERS),
    symbologies: Sequence[str] = SYMBOLOGIES,
) -> Iterator[Sample]:
    """`per_cell` samples for every (symbology, size, tier), reproducible from `seed`."""
    rng = np.random.default_rng(seed)
    for sym in symbologies:
        for size in sizes:
            for tier in tiers:
                for _ in range(per_cell):
                    yield Sample(payload_for(sym, rng), sym, size, tier, int(rng.integers(1 << 31)))
