"""The immutable view states of staff mode; each names the staff_* screen that renders it.

Why here and frozen: the UI only renders what it gets, so a state must never hold a
secret. The PIN pad state carries how MANY digits were typed, never which; no state
carries the staff token or badge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.api.models import CardSummary
from kiosk.day_summary import DaySummary
from kiosk.flows.base import ViewState
from kiosk.flows.field_composer import CandidateBar
from kiosk.flows.voucher_form import FieldError, VoucherForm

CLOSED_SCREEN = "staff_closed"  # not a screen: tells the controller staff mode has ended


@dataclass(frozen=True)
class Message:
    """Something to say in words: an i18n key, its values, and whether it is bad news."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()
    error: bool = False

    @classmethod
    def of(cls, key: str, error: bool = False, **values: Any) -> Message:
        return cls(key, tuple(sorted(values.items())), error)

    def kwargs(self) -> dict[str, Any]:
        return dict(self.values)


@dataclass(frozen=True)
class StaffView(ViewState):
    """Base of the staff states: the UI language the staff screens speak."""

    lang: str = "en"


@dataclass(frozen=True)
class StaffClosed(StaffView):
    screen: str = CLOSED_SCREEN


@dataclass(frozen=True)
class StaffPin(StaffView):
    screen: str = "staff_pin"
    pin_length: int = 0
    message: Message | None = None
    busy: bool = False


@dataclass(frozen=True)
class StaffLocked(StaffView):
    screen: str = "staff_locked"
    seconds_left: int = 0


@dataclass(frozen=True)
class StaffMenu(StaffView):
    screen: str = "staff_menu"
    staff_name: str = ""
    tools: tuple[str, ...] = ()
    message: Message | None = None
    timeout_s: int = 60


@dataclass(frozen=True)
class StaffIssueForm(StaffView):
    screen: str = "staff_issue_form"
    form: VoucherForm = field(default_factory=VoucherForm)
    errors: tuple[tuple[str, FieldError], ...] = ()  # only the fields to show errors for
    focus: str = "title"  # the text field the keyboard types into; "" = none (DoneTyping)
    results: tuple[CardSummary, ...] = ()
    message: Message | None = None
    busy: bool = False
    min_date: str = ""  # today, ISO: the date picker never goes below it
    candidates: CandidateBar | None = None  # pinyin being typed: the bar above the keyboard

    def error_for(self, name: str) -> FieldError | None:
        return dict(self.errors).get(name)


@dataclass(frozen=True)
class StaffIssued(StaffView):
    screen: str = "staff_issued"
    title: str = ""
    customer_name: str = ""  # "" = a free voucher (printed as a coupon)
    redeem_code: str = ""
    valid_until: str = ""  # ISO date or "" for unlimited
    print_state: str = ""  # "", "printed", "unconfirmed" (sent, no answer), "failed"
    print_reason: str = ""
    preview_png: bytes = field(default=b"", repr=False)
    can_print: bool = False  # a customer voucher not printed yet
    can_retry: bool = False
    message: Message | None = None


@dataclass(frozen=True)
class StaffTools(StaffView):
    screen: str = "staff_tools"
    tools: tuple[str, ...] = ()
    printer_lines: tuple[str, ...] = ()
    summary: DaySummary | None = None
    has_last_coupon: bool = False
    message: Message | None = None
    activity: tuple[str, ...] = ()  # the day's staff activity (server), in words
