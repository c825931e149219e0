"""Builders for customer-flow tests: cards, vouchers, and scripted handlers.

The flow's boundary is its effects (Stamp, LookUpVoucher, Redeem, PrintVoucher); these fakes
answer them from a script so the host-driven tests run without a network. The same flow runs
against the real reference server in tests/ui and tests/flows/test_customer_live.py.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from kiosk.api.models import Card, Milestone, RedeemCode, Voucher
from kiosk.flows.customer import (
    CustomerFlow,
    CustomerSettings,
    LookUpVoucher,
    PrintKind,
    PrintVoucher,
    Redeem,
    Stamp,
)
from kiosk.flows.customer.access import Speak
from kiosk.flows.runtime import Handlers
from kiosk.outcomes import RedeemKind, RedeemOutcome, StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

CARD = ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop")
CODE = ClassifiedScan(ScanKind.VOUCHER, "CAKE-1234")
WALL = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def journey(**settings: Any) -> Transcript:
    """A started customer flow as a transcript (idle timeout 20 s unless `settings` say)."""
    cfg = CustomerSettings(**{"idle_timeout_s": 20.0, **settings})
    t = Transcript(CustomerFlow(cfg, tz=UTC), wall=WALL)
    t.start()
    return t


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


class ScriptedServices(Handlers):
    """The customer flow's handlers, answering from a script (for the controller and the UI
    tests, which run the real host); an exception in the script is raised like the real
    path. Transcript tests answer effects by hand instead (tests/support/transcript.py)."""

    def __init__(self, **script: Any) -> None:
        super().__init__()
        self.stamp_answer: StampOutcome | BaseException = StampOutcome(StampKind.ADDED, card=card())
        self.vouchers: dict[str, Voucher | BaseException] = {}
        self.redeem_answer: RedeemOutcome | BaseException | None = None
        self.print_answer: PrintKind | BaseException = PrintKind.PRINTED
        self.calls: list[tuple[str, Any]] = []
        for name, value in script.items():
            setattr(self, name, value)
        self.on(Stamp, self.stamp).on(LookUpVoucher, self.look_up)
        self.on(Redeem, self.redeem).on(PrintVoucher, self.print_voucher)
        self.spoken: list[Speak] = []  # the accessibility mode's speech, in order
        self.on(Speak, self.spoken.append)

    @staticmethod
    def _give(answer: Any) -> Any:
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def stamp(self, effect: Stamp) -> StampOutcome:
        self.calls.append(("stamp", effect.token))
        return self._give(self.stamp_answer)

    def look_up(self, effect: LookUpVoucher) -> Voucher:
        if effect.voucher_id:
            self.calls.append(("voucher_by_id", effect.voucher_id))
            return self._give(self.vouchers[effect.voucher_id])
        self.calls.append(("voucher_by_code", effect.code))
        return self._give(self.vouchers[effect.code])

    def redeem(self, effect: Redeem) -> RedeemOutcome:
        self.calls.append(("redeem", effect.voucher_id))
        if self.redeem_answer is not None:
            return self._give(self.redeem_answer)
        done = replace(voucher(effect.voucher_id), state="redeemed", redeemed_at=effect.at)
        return RedeemOutcome(RedeemKind.REDEEMED, "key-1", done)

    def print_voucher(self, effect: PrintVoucher) -> PrintKind:
        self.calls.append(("print", effect.voucher.id))
        return self._give(self.print_answer)


class HeldExecutor(Executor):
    """Holds submitted jobs until the test releases them: lets an answer arrive 'late'."""

    def __init__(self) -> None:
        self.pending: list[Callable[[], Any]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        self.pending.append(lambda: fn(*args, **kwargs))

    def release_all(self) -> None:
        while self.pending:
            self.pending.pop(0)()
