"""Staff effects: every call the old StaffFlow and PrintDesk made on the world.

Carried out by the handlers in kiosk/cli/_kiosk_parts.py (`staff_handlers`). The staff token
and the PIN never show in a repr: effects are logged by the host, so a PIN-carrying or
token-carrying effect masks it (tests/staff/test_flow_security.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from devices.printer.coupon import Coupon
from kiosk.api.models import StaffSession
from kiosk.flows.runtime import Effect
from kiosk.flows.staff.printing import JobOutcome


class StaffLogin(Effect):
    """Log in with a PIN or a badge; answered with a StaffSession (or the server's error)."""

    pin: str | None = field(default=None, repr=False)
    badge: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        how = "pin" if self.pin is not None else "badge"
        return f"StaffLogin({how}=****)"

    def undo(self, result: object) -> Effect | None:
        """A login answered after the staff member left: log that token out at once."""
        return StaffLogout(session=result) if isinstance(result, StaffSession) else None


class StaffLogout(Effect):
    """Tell the server the token is done (best effort: offline, it expires by itself)."""

    answered: ClassVar[bool] = False
    session: StaffSession | None = None  # StaffSession's repr hides the token


class FetchShop(Effect):
    """The shop's name and voucher images for coupons and the form; answered with ShopFacts."""


@dataclass(frozen=True)
class ShopFacts:
    name: str = ""
    images: tuple[str, ...] = ()


class SearchCards(Effect):
    query: str = ""
    session: StaffSession | None = None


class CardByToken(Effect):
    """The card behind a scanned token; answered with a voucher_form.Customer."""

    token: str = field(default="", repr=False)  # a card's scanned token is a credential too


class IssueVoucher(Effect):
    session: StaffSession | None = None
    body: dict[str, Any] = field(default_factory=dict[str, Any], hash=False)
    idempotency_key: str = ""


class RecordDay(Effect):
    """One line in the kiosk's day log (voucher_issued, coupon_printed)."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
    kind: str = ""
    at: datetime | None = None
    ref: str | None = None


class RenderPreview(Effect):
    """The coupon's picture for the issued page; answered with PNG bytes."""

    coupon: Coupon | None = None


class PrintCoupon(Effect):
    """Submit a coupon; answered with a JobOutcome (None: no printer)."""

    coupon: Coupon | None = None
    purpose: str = "issued"  # issued | test | summary: which answer this is


class RetryJob(Effect):
    job_id: str = ""


class Reprint(Effect):
    """An explicit reprint, marked REPRINT on paper: of the printer's job, else of the coupon."""

    job_id: str | None = None
    coupon: Coupon | None = None


class PrintSummary(Effect):
    """Read the day's figures and print them (answered with a JobOutcome, None: no log)."""

    day: date | None = None
    shop_name: str = ""
    lang: str = "en"
    at: datetime | None = None
    session: StaffSession | None = None  # the day's staff activity is printed too


@dataclass(frozen=True)
class SummaryPrinted:
    """PrintSummary's answer: `had_log` False = no day log to count from (nothing printed)."""

    had_log: bool = False
    job: JobOutcome | None = None


class LoadTools(Effect):
    """The tools page's facts; answered with ToolFacts."""

    printer: bool = False
    summary_day: date | None = None
    session: StaffSession | None = None  # the day's staff activity is shown too
    lang: str = ""  # the staff screens' language for it ("" = the kiosk's)


class LearnWord(Effect):
    """Remember a pinyin word the staff picked (it comes first next time)."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
    letters: str = ""
    word: str = ""


class PreloadPinyin(Effect):
    """Read the pinyin dictionary now, so the first key of a Chinese screen does not wait."""

    answered: ClassVar[bool] = False
