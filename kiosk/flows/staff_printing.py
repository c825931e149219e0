"""Staff mode's side of the printer: coupons from vouchers, reprints, test print, day summary.

Why a separate desk: printing has its own failure story (paper out, offline) that must
never lose a coupon or print one twice unasked. The printer service keeps failed jobs; this
desk remembers the last coupon job so staff can retry it or, explicitly, reprint it (the
printer marks a reprint "REPRINT"). Every figure it prints comes from the kiosk's own day
log; nothing it logs or records holds a staff secret.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from devices.printer.coupon import Coupon
from kiosk.api.models import Voucher
from kiosk.config import Settings
from kiosk.day_summary import DayLog, DaySummary
from kiosk.flows.base import Clock
from kiosk.flows.staff_states import Message, StaffIssued
from kiosk.flows.voucher_form import Customer
from kiosk.i18n import tr

log = logging.getLogger(__name__)


def job_id(job: Any) -> str | None:
    for name in ("id", "job_id"):
        value = getattr(job, name, None)
        if value is not None:
            return str(value)
    return None


def job_failed(job: Any) -> bool:
    return str(getattr(job, "state", "failed")) != "printed"


def job_message(job: Any) -> Message:
    """What went wrong, in words for the person at the counter (not the service's reason).

    Why three: "unconfirmed" (sent, the printer never answered) may well be on paper, so
    staff look before retrying; bytes that stopped halfway leave a torn coupon to remove;
    a job that sent nothing can simply be tried again once the printer is fixed."""
    state = str(getattr(job, "state", "failed"))
    if state == "unconfirmed":
        return Message.of("staff.print.unconfirmed", error=True)
    if int(getattr(job, "bytes_sent", 0) or 0) > 0:
        return Message.of("staff.print.partial", error=True)
    reason = str(getattr(job, "reason", "") or "")
    return Message.of("staff.print.failed", error=True, reason=reason)


class PrintDesk:
    def __init__(
        self,
        printer: Any,
        settings: Settings,
        clock: Clock,
        device_log: DayLog | None,
        *,
        shop_name: str = "",
    ) -> None:
        self.printer = printer
        self.settings = settings
        self.clock = clock
        self.device_log = device_log
        self.shop_name = shop_name
        self.images: tuple[str, ...] = ()
        self.last_coupon: Coupon | None = None
        self.last_job: str | None = None

    # -- shop facts from the cloud --------------------------------------------------------------

    def fetch_shop_name(self, client: Any) -> None:
        """Shop name and images for coupons and the form, once; offline keeps the old ones."""
        if self.shop_name and self.images:
            return
        try:
            info = client.device()
        except Exception as exc:  # noqa: BLE001 - a missing name must not stop staff mode
            log.info("shop name not fetched: %s", type(exc).__name__)
            return
        self.shop_name = self.shop_name or info.location.name
        images = info.branding.get("voucher_images") or info.branding.get("images") or ()
        self.images = tuple(str(i) for i in images if isinstance(i, str))

    def record(self, kind: str, ref: str | None = None) -> None:
        if self.device_log is not None:
            self.device_log.record(kind, self.clock.now(), ref)

    # -- vouchers ----------------------------------------------------------------------------------

    def coupon_for(self, voucher: Voucher) -> Coupon:
        code = voucher.redeem_code
        return Coupon(
            title=voucher.title,
            shop_name=self.shop_name,
            description=voucher.description,
            redeem_code=code.value if code else None,
            symbology=code.symbology if code else "qr",
            valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else None,
            voucher_id=voucher.id,
            issued_at=self.clock.now(),
            footer=self.settings.printer.footer,
            language=self.settings.ui.language,
        )

    def issued_state(self, voucher: Voucher, customer: Customer | None) -> StaffIssued:
        code = voucher.redeem_code
        self.last_coupon = self.coupon_for(voucher)
        self.last_job = None
        return StaffIssued(
            title=voucher.title,
            customer_name=customer.display_name if customer else "",
            redeem_code=code.value if code else "",
            valid_until=voucher.valid_until.date().isoformat() if voucher.valid_until else "",
            preview_png=self._preview(self.last_coupon),
            can_print=customer is not None,
        )

    def print_last(self, state: StaffIssued) -> StaffIssued:
        if self.last_coupon is None:
            return state
        job = self._submit(self.last_coupon)
        return self._with_job(state, job)

    def retry_last(self, state: StaffIssued) -> StaffIssued:
        if self.printer is None or self.last_job is None:
            return state
        try:
            job = self.printer.retry(self.last_job)
        except Exception as exc:  # noqa: BLE001 - shown in words, the job stays kept
            log.warning("coupon retry failed: %s", type(exc).__name__)
            return replace(state, print_state="failed", print_reason=type(exc).__name__)
        if not job_failed(job) and self.last_coupon is not None:
            self.record("coupon_printed", self.last_coupon.voucher_id)
        return self._with_job(state, job)

    def _with_job(self, state: StaffIssued, job: Any) -> StaffIssued:
        if job is None:
            msg = Message.of("staff.print.no_printer", error=True)
            return replace(state, print_state="failed", can_retry=False, message=msg)
        failed = job_failed(job)
        reason = str(getattr(job, "reason", "") or "")
        msg = job_message(job) if failed else None
        shown = "unconfirmed" if str(getattr(job, "state", "")) == "unconfirmed" else "failed"
        return replace(
            state,
            print_state=shown if failed else "printed",
            print_reason=reason,
            can_print=False,
            can_retry=failed,
            message=msg,
        )

    def _submit(self, coupon: Coupon) -> Any:
        """Submit one coupon; the printer service keeps the job even when it fails."""
        if self.printer is None:
            return None
        try:
            job = self.printer.submit(coupon)
        except Exception as exc:  # noqa: BLE001 - the flow must survive any printer fault
            log.warning("coupon print failed: %s", type(exc).__name__)
            return _FailedJob(reason=type(exc).__name__)
        self.last_job = job_id(job) or self.last_job
        if not job_failed(job):
            self.record("coupon_printed", coupon.voucher_id)
        return job

    def _preview(self, coupon: Coupon) -> bytes:
        if self.printer is None:
            return b""
        try:
            return bytes(self.printer.preview_png(coupon))
        except Exception as exc:  # noqa: BLE001 - a missing preview is not a failure
            log.info("coupon preview failed: %s", type(exc).__name__)
            return b""

    # -- counter tools -------------------------------------------------------------------------------

    def has_last_coupon(self) -> bool:
        return self.last_job is not None or self.last_coupon is not None

    def reprint_last(self) -> Message:
        """An explicit reprint, marked REPRINT on paper; never done without staff asking."""
        if self.printer is None:
            return Message.of("staff.print.no_printer", error=True)
        if self.last_coupon is None and self.last_job is None:
            return Message.of("staff.tools.nothing_to_reprint", error=True)
        try:
            if self.last_job is not None and hasattr(self.printer, "reprint"):
                job = self.printer.reprint(self.last_job)
            else:
                assert self.last_coupon is not None
                job = self.printer.submit(replace(self.last_coupon, reprint=True))
        except Exception as exc:  # noqa: BLE001
            log.warning("reprint failed: %s", type(exc).__name__)
            return Message.of("staff.print.failed", error=True, reason=type(exc).__name__)
        if job_failed(job):
            return job_message(job)
        return Message.of("staff.tools.reprinted")

    def test_print(self) -> Message:
        lang = self.settings.ui.language
        coupon = Coupon(
            title=tr("staff.tools.test_title", lang),
            shop_name=self.shop_name,
            description=tr("staff.tools.test_body", lang),
            redeem_code="TEST-PRINT",
            symbology="qr",
            issued_at=self.clock.now(),
            language=lang,
        )
        return self._tool_print(coupon, "staff.tools.test_printed")

    def summary(self) -> DaySummary | None:
        if self.device_log is None:
            return None
        return self.device_log.summary(self.clock.now().astimezone().date())

    def print_summary(self) -> Message:
        summary = self.summary()
        if summary is None:
            return Message.of("staff.tools.no_log", error=True)
        lang = self.settings.ui.language
        lines = [f"{tr(key, lang)}: {n}" for key, n in summary.lines()]
        coupon = Coupon(
            title=tr("staff.summary.title", lang, day=summary.day.isoformat()),
            shop_name=self.shop_name,
            description="\n".join(lines),
            issued_at=self.clock.now(),
            language=lang,
            staff_copy=True,
        )
        return self._tool_print(coupon, "staff.tools.summary_printed")

    def _tool_print(self, coupon: Coupon, ok_key: str) -> Message:
        if self.printer is None:
            return Message.of("staff.print.no_printer", error=True)
        try:
            job = self.printer.submit(coupon)
        except Exception as exc:  # noqa: BLE001
            return Message.of("staff.print.failed", error=True, reason=type(exc).__name__)
        if job_failed(job):
            return job_message(job)
        return Message.of(ok_key)

    def status_lines(self) -> tuple[str, ...]:
        """The printer's status as short lines (the service's own words, shown to staff)."""
        if self.printer is None:
            return (tr("staff.print.no_printer", self.settings.ui.language),)
        try:
            status = self.printer.status()
        except Exception as exc:  # noqa: BLE001
            return (f"status: {type(exc).__name__}",)
        return status_to_lines(status)


def status_to_lines(status: Any) -> tuple[str, ...]:
    if isinstance(status, dict):
        items = status.items()
    elif hasattr(status, "__dataclass_fields__"):
        items = ((k, getattr(status, k)) for k in status.__dataclass_fields__)
    else:
        return (str(status),)
    return tuple(f"{k}: {v}" for k, v in items if v not in (None, "", ()))


class _FailedJob:
    """Stands for a job the printer service could not even accept (it raised)."""

    state = "failed"

    def __init__(self, reason: str) -> None:
        self.reason = reason
