"""Lottery milestones: validating a pool of variants, and the server's draw.

Why the server draws: the customer (and the kiosk) must never be able to influence the
outcome, so the kiosk only shows what the server decided. The draw uses the operating
system's CSPRNG (`secrets`), one integer in [0, 100) mapped onto the variants' whole-percent
buckets. It happens inside the stamp's own transaction, and the stamp's answer (with the
outcome) is what an Idempotency-Key replay returns, so a replayed stamp replays the same
outcome and never draws again. Every draw is also kept in `lottery_draws`, one per stamp
and milestone.

`REFSERVER_LOTTERY_SEED` swaps the CSPRNG for a seeded generator: for demos and statistical
tests only (a seeded draw is predictable, so the server logs a warning at start).
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from refserver.problems import Problem

log = logging.getLogger("refserver")

ENV_SEED = "REFSERVER_LOTTERY_SEED"
WINNING = ("award", "voucher")  # the kinds that issue a voucher
NOTHING = ("try_again", "no_prize")

# A source of integers in [0, n): secrets.randbelow, or a seeded Random's randrange.
Below = Callable[[int], int]


@dataclass(frozen=True)
class Variant:
    kind: str
    title: str
    probability: int
    redemption: str | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Variant:
        return cls(
            kind=str(data["kind"]),
            title=str(data["title"]),
            probability=int(data["probability"]),
            redemption=data.get("redemption"),
        )

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": self.kind, "title": self.title}
        body["probability"] = self.probability
        if self.redemption is not None:
            body["redemption"] = self.redemption
        return body


def source_from_env() -> Below:
    """The CSPRNG, unless a seed is set for a demo or a test."""
    seed = os.environ.get(ENV_SEED)
    if not seed:
        return secrets.randbelow
    log.warning("lottery draws use the fixed seed %s (demo/test only, predictable)", seed)
    return random.Random(seed).randrange  # asked for explicitly, for demos


def draw(variants: Sequence[Variant], below: Below = secrets.randbelow) -> Variant:
    """One outcome: a whole number in [0, 100) falls in exactly one variant's bucket."""
    roll = below(100)
    for variant in variants:
        if roll < variant.probability:
            return variant
        roll -= variant.probability
    raise AssertionError("the probabilities do not add up to 100 (validated at creation)")


def _name(i: int, j: int, variant: Any) -> str:
    return f"milestones[{i}].variants[{j}] ({variant.title!r})"


def validate(i: int, title: str, redemption: str, variants: Sequence[Any] | None) -> None:
    """A clear 422 naming the milestone and the variant at fault."""
    where = f"milestones[{i}] ({title!r})"
    if redemption != "lottery":
        if variants:
            raise Problem("validation_error", f"{where}: only a lottery milestone has variants")
        return
    if not variants:
        raise Problem("validation_error", f"{where}: a lottery needs variants")
    for j, v in enumerate(variants):
        if v.kind in NOTHING and v.redemption is not None:
            raise Problem(
                "validation_error", f"{_name(i, j, v)}: a {v.kind} variant has nothing to redeem"
            )
    total = sum(v.probability for v in variants)
    if total != 100:
        listed = ", ".join(f"{v.title!r} {v.probability}%" for v in variants)
        raise Problem(
            "validation_error",
            f"{where}.variants: the probabilities add up to {total}%, not 100% ({listed})",
        )


def record(
    conn: sqlite3.Connection,
    *,
    stamp_id: str,
    card_id: str,
    milestone: int,
    outcome: Variant,
    voucher_id: str | None,
    drawn_at: str,
) -> None:
    conn.execute(
        "INSERT INTO lottery_draws(stamp_id, card_id, milestone, kind, title, voucher_id, "
        "drawn_at) VALUES (?,?,?,?,?,?,?)",
        (stamp_id, card_id, milestone, outcome.kind, outcome.title, voucher_id, drawn_at),
    )
