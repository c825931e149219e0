"""The customer's side of a lottery milestone: what the wheel shows, and whether a stamp
saved offline reaches a lottery (then "your spin is waiting").

Pure functions of the card the kiosk knows: the kiosk never draws. The server's draw
arrives in the stamp's answer (or later, through the sync worker) and the wheel only
lands where the server decided.
"""

from __future__ import annotations

from kiosk.api.models import Card, LotteryDraw, LotteryOutcome

# Shown when the card does not list the lottery's outcomes (an old cache): the drawn one
# with the two ways of not winning, so the wheel still has something to turn past.
_FALLBACK = (LotteryOutcome("try_again", ""), LotteryOutcome("no_prize", ""))


def segments(card: Card | None, draw: LotteryDraw) -> tuple[tuple[str, str], ...]:
    """The wheel's segments (kind, title), the drawn outcome among them."""
    pool: tuple[LotteryOutcome, ...] = ()
    if card is not None:
        for m in card.milestones:
            if m.stamps == draw.milestone and m.variants:
                pool = m.variants
    if draw.outcome not in pool:
        pool = (draw.outcome, *(o for o in _FALLBACK if o.kind != draw.outcome.kind))
    return tuple((o.kind, o.title) for o in pool)


def landing(segments: tuple[tuple[str, str], ...], draw: LotteryDraw) -> int:
    """The segment the wheel stops on: the drawn outcome's (first match)."""
    want = (draw.outcome.kind, draw.outcome.title)
    return segments.index(want) if want in segments else 0


def reaches(card: Card | None, pending: int) -> bool:
    """Do the `pending` stamps not yet sent (this one included) reach a lottery milestone?
    Counted from the last card the cloud told us about, rounds included."""
    if card is None or pending <= 0 or card.goal <= 0:
        return False
    lotteries = {m.stamps for m in card.milestones if m.redemption == "lottery"}
    stamps = card.stamps
    for _ in range(pending):
        if stamps >= card.goal:
            stamps = 0
        stamps += 1
        if stamps in lotteries:
            return True
    return False
