"""Fast stand-ins for flow and UI tests; test_server.py runs the same journeys against the
real reference server and PrinterService over a TCP printer emulator.

`FakePrinter` has PrinterService's interface with a switchable paper-out, and renders its
previews with the real printer layout. `MemoryApi` answers like the reference server for
screenshots and flow tests that need no HTTP round trip.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from devices.printer.coupon import Coupon
from kiosk.api import errors
from kiosk.api.models import Card, CardSummary, RedeemCode, StaffSession, Voucher

PIN = "2468"
BADGE = "STAFF:7:s3cr3t-badge"
TOKEN = "staff-token-DO-NOT-LEAK-0123456789"


@dataclass
class PrintJob:
    id: str
    coupon: Coupon
    state: str
    reason: str = ""


@dataclass
class FakePrinter:
    """The printer service's interface; `paper_out` makes jobs fail and keeps them."""

    paper_out: bool = False
    jobs: dict[str, PrintJob] = field(default_factory=dict)
    printed: list[Coupon] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _run(self, job: PrintJob) -> PrintJob:
        if self.paper_out:
            job.state, job.reason = "failed", "paper out"
        else:
            job.state, job.reason = "printed", ""
            self.printed.append(job.coupon)
        return job

    def submit(self, coupon: Coupon) -> PrintJob:
        job = PrintJob(f"job-{next(self._ids)}", coupon, "queued")
        self.jobs[job.id] = job
        return self._run(job)

    def retry(self, job_id: str) -> PrintJob:
        job = self.jobs[job_id]
        return job if job.state == "printed" else self._run(job)

    def reprint(self, job_id: str) -> PrintJob:
        return self.submit(replace(self.jobs[job_id].coupon, reprint=True))

    def status(self) -> dict:
        return {"online": True, "paper": "out" if self.paper_out else "ok"}

    def preview_png(self, coupon: Coupon) -> bytes:
        """The real printer layout's PNG (the same picture staff see on the kiosk)."""
        import tempfile

        from devices.printer.service import PrinterService
        from kiosk.config import PrinterSection

        folder = tempfile.mkdtemp(prefix="staff-preview-")
        service = PrinterService(PrinterSection(uri=f"preview:{folder}"), folder)
        return service.preview_png(coupon)


class MemoryApi:
    """An in-memory loyalty API for UI tests (screenshots need no server round trips)."""

    def __init__(self, permissions: tuple[str, ...] = ("*",)) -> None:
        self.permissions = permissions
        self.issued: list[dict] = []
        self.cards = {"tok-mari-0000000001": Card("card-1", "Mari", "Coffee", 4, 9, (), (), None)}

    def staff_login(self, *, pin=None, badge=None) -> StaffSession:
        if pin == PIN or badge == BADGE:
            return StaffSession(TOKEN, "7", "Anna", self.permissions, None)
        raise errors.Unauthorized("wrong pin", status=401)

    def issue_voucher(self, staff, voucher, *, idempotency_key) -> Voucher:
        self.issued.append(dict(voucher))
        code = voucher.get("redeem_code")
        rc = None
        if code:
            rc = RedeemCode(code.get("value") or "GEN-7Q2K9", code.get("symbology", "qr"))
        return Voucher(
            id=f"v{len(self.issued)}",
            card_id=voucher.get("card_id"),
            title=voucher["title"],
            description=voucher.get("description", ""),
            image_url=None,
            redemption="redeem_code" if rc else "staff_scan",
            redeem_code=rc,
            state="active",
            valid_from=datetime(2026, 11, 29, tzinfo=UTC),
            valid_until=None,
            redeemed_at=None,
        )

    def search_cards(self, query, *, staff):
        return [CardSummary("card-1", "Mari", 4, 9)] if "mar" in query.lower() else []

    def card_by_token(self, token):
        if token not in self.cards:
            raise errors.CardNotFound("no card", status=404)
        return self.cards[token]

    def device(self):
        raise errors.Offline("no device info in memory")
