"""Staff mode's side of the printer, as pure functions: coupons, job outcomes in words.

Why pure: printing has its own failure story (paper out, offline) that must never lose a
coupon or print one twice unasked. The flow remembers the last coupon and the printer's job
for it (the model), so staff can retry it or, explicitly, reprint it; the handlers in the
composition root only submit, and answer with a `JobOutcome`. Nothing here holds a secret.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, cast

from devices.printer.coupon import Coupon
from kiosk.api.models import Voucher
from kiosk.day_summary import DaySummary
from kiosk.flows.runtime import Answered
from kiosk.flows.staff_states import Message, StaffIssued
from kiosk.flows.voucher_form import Customer
from kiosk.i18n import tr

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobOutcome:
    """What became of one print job: the printer service's words, reduced to what we show."""

    state: str = "failed"  # printed | unconfirmed | failed | queued ...
    reason: str = ""
    bytes_sent: int = 0
    job_id: str | None = None

    @property
    def failed(self) -> bool:
        return self.state != "printed"


@dataclass(frozen=True)
class ToolFacts:
    """The tools page's facts: the printer's status lines and the day's figures."""

    printer_lines: tuple[str, ...] = ()
    summary: DaySummary | None = None
    activity: tuple[str, ...] = ()  # the day's staff activity, in words


def outcome_of(job: Any) -> JobOutcome:
    """A printer service job (or anything with its attributes) as a JobOutcome."""
    job_id = None
    for name in ("id", "job_id"):
        value = getattr(job, name, None)
        if value is not None:
            job_id = str(value)
            break
    return JobOutcome(
        state=str(getattr(job, "state", "failed")),
        reason=str(getattr(job, "reason", "") or ""),
        bytes_sent=int(getattr(job, "bytes_sent", 0) or 0),
        job_id=job_id,
    )


def job_message(job: JobOutcome) -> Message:
    """What went wrong, in words for the person at the counter (not the service's reason).

    Why three: "unconfirmed" (sent, the printer never answered) may well be on paper, so
    staff look before retrying; bytes that stopped halfway leave a torn coupon to remove;
    a job that sent nothing can simply be tried again once the printer is fixed."""
    if job.state == "unconfirmed":
        return Message.of("staff.print.unconfirmed", error=True)
    if job.bytes_sent > 0:
        return Message.of("staff.print.partial", error=True)
    return Message.of("staff.print.failed", error=True, reason=job.reason)


def tool_message(job: JobOutcome | None, ok_key: str) -> Message:
    if job is None:
        return Message.of("staff.print.no_printer", error=True)
    return job_message(job) if job.failed else Message.of(ok_key)


@dataclass(frozen=True)
class CouponFacts:
    """What every coupon carries besides the voucher: the shop, the footer, the language."""

    shop_name: str = ""
    footer: str = ""
    language: str = "en"


def coupon_for(voucher: Voucher, facts: CouponFacts, at: datetime) -> Coupon:
    code = voucher.redeem_code
    return Coupon(
        title=voucher.title,
        shop_name=facts.shop_name,
        description=voucher.description,
        redeem_code=code.value if code else None,
        symbology=code.symbology if code else "qr",
        valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else None,
        voucher_id=voucher.id,
        issued_at=at,
        footer=facts.footer,
        language=facts.language,
    )


def issued_state(voucher: Voucher, customer: Customer | None) -> StaffIssued:
    """The issued page before the preview and the print: what was issued, to whom."""
    code = voucher.redeem_code
    return StaffIssued(
        title=voucher.title,
        customer_name=customer.display_name if customer else "",
        redeem_code=code.value if code else "",
        valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else "",
        can_print=customer is not None,
    )


def with_job(state: StaffIssued, job: JobOutcome | None) -> StaffIssued:
    """The issued page after a print or a retry."""
    if job is None:
        msg = Message.of("staff.print.no_printer", error=True)
        return replace(state, print_state="failed", can_retry=False, message=msg)
    failed = job.failed
    shown = "unconfirmed" if job.state == "unconfirmed" else "failed"
    return replace(
        state,
        print_state=shown if failed else "printed",
        print_reason=job.reason,
        can_print=False,
        can_retry=failed,
        message=job_message(job) if failed else None,
    )


def test_coupon(shop_name: str, lang: str, at: datetime) -> Coupon:
    return Coupon(
        title=tr("staff.tools.test_title", lang),
        shop_name=shop_name,
        description=tr("staff.tools.test_body", lang),
        redeem_code="TEST-PRINT",
        symbology="qr",
        issued_at=at,
        language=lang,
    )


def summary_coupon(
    summary: DaySummary,
    shop_name: str,
    lang: str,
    at: datetime,
    activity: tuple[str, ...] = (),
) -> Coupon:
    lines = [f"{tr(key, lang)}: {n}" for key, n in summary.lines()]
    if activity:  # who stamped by hand, redeemed, issued (the server's list)
        lines += ["", tr("staff.activity.title", lang), *activity]
    return Coupon(
        title=tr("staff.summary.title", lang, day=summary.day.isoformat()),
        shop_name=shop_name,
        description="\n".join(lines),
        issued_at=at,
        language=lang,
        staff_copy=True,
    )


def local_day(at: datetime) -> date:
    """The kiosk's calendar day for `at` (the day log and the date picker count in it)."""
    return at.astimezone().date()


def status_to_lines(status: Any) -> tuple[str, ...]:
    """The printer's status as short lines (the service's own words, shown to staff)."""
    items: Iterable[tuple[str, Any]]
    if isinstance(status, dict):
        items = cast(dict[str, Any], status).items()
    elif hasattr(status, "__dataclass_fields__"):
        items = ((k, getattr(status, k)) for k in status.__dataclass_fields__)
    else:
        return (str(status),)
    return tuple(f"{k}: {v}" for k, v in items if v not in (None, "", ()))


def job_of(answer: Answered) -> JobOutcome | None:
    """A print answer as a JobOutcome; a printer that raised is a failed job (kept)."""
    if answer.error is not None:
        log.warning("coupon print failed: %s", type(answer.error).__name__)
        return JobOutcome(state="failed", reason=type(answer.error).__name__)
    result = answer.result
    if isinstance(result, JobOutcome):
        return result
    return None
