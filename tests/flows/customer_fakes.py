"""Builders for customer-flow tests: cards, vouchers, scripted services, a manual runner.

The flow's services boundary is a Protocol (stamp, voucher lookups, redeem, print); these
fakes answer it from a script so every transition is driven without a network. The same
flow runs against the real reference server in tests/ui and tests/flows/test_customer_live.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from kiosk.api.models import Card, Milestone, RedeemCode, Voucher
from kiosk.flows.customer import PrintKind, StampAnswer, StampKind


def voucher(
    vid: str = "v1",
    redemption: str = "self_redeem",
    state: str = "active",
    code: str = "CAKE-1234",
    title: str = "Free cookie",
) -> Voucher:
    return Voucher(
        id=vid,
        card_id="c1",
        title=title,
        description="",
        image_url=None,
        redemption=redemption,  # type: ignore[arg-type]
        redeem_code=RedeemCode(code, "qr") if code else None,
        state=state,  # type: ignore[arg-type]
        valid_from=None,
        valid_until=None,
        redeemed_at=datetime(2026, 11, 29, 14, 5, tzinfo=UTC) if state == "redeemed" else None,
    )


def card(stamps: int = 4, vouchers: tuple[Voucher, ...] = ()) -> Card:
    return Card(
        id="c1",
        display_name="Mari",
        program_name="Coffee",
        stamps=stamps,
        goal=9,
        milestones=(
            Milestone(3, "Free cookie"),
            Milestone(6, "Free cake", "staff_scan"),
            Milestone(9, "Free coffee"),
        ),
        vouchers=vouchers,
        next_stamp_at=None,
    )


@dataclass
class ScriptedServices:
    """Answers from a script; an exception in the script is raised like the real client."""

    stamp_answer: StampAnswer | BaseException = field(
        default_factory=lambda: StampAnswer(StampKind.ADDED, card=card())
    )
    vouchers: dict[str, Voucher | BaseException] = field(default_factory=dict)
    redeem_answer: Voucher | BaseException | None = None
    print_answer: PrintKind | BaseException = PrintKind.PRINTED
    calls: list[tuple[str, Any]] = field(default_factory=list)

    @staticmethod
    def _give(answer: Any) -> Any:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def stamp(self, token: str, scanned_at: datetime) -> StampAnswer:
        self.calls.append(("stamp", token))
        return self._give(self.stamp_answer)

    def voucher_by_code(self, code: str) -> Voucher:
        self.calls.append(("voucher_by_code", code))
        return self._give(self.vouchers[code])

    def voucher_by_id(self, voucher_id: str) -> Voucher:
        self.calls.append(("voucher_by_id", voucher_id))
        return self._give(self.vouchers[voucher_id])

    def redeem(self, voucher_id: str, occurred_at: datetime) -> Voucher:
        self.calls.append(("redeem", voucher_id))
        if self.redeem_answer is not None:
            return self._give(self.redeem_answer)
        base = voucher(voucher_id)
        return replace(base, state="redeemed", redeemed_at=occurred_at)

    def print_voucher(self, v: Voucher, lang: str) -> PrintKind:
        self.calls.append(("print", v.id))
        return self._give(self.print_answer)


class ManualRunner:
    """Holds jobs until the test releases them: lets a test deliver an answer 'late'."""

    def __init__(self) -> None:
        self.pending: list[
            tuple[Callable[[], Any], Callable[[Any, BaseException | None], None]]
        ] = []

    def __call__(self, job, done) -> None:
        self.pending.append((job, done))

    def release_all(self) -> None:
        while self.pending:
            job, done = self.pending.pop(0)
            try:
                result = job()
            except Exception as exc:  # noqa: BLE001
                done(None, exc)
            else:
                done(result, None)
