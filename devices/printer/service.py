"""PrinterService: the one entry point flows, the UI and the CLI use to print.

WHY these rules: a coupon is value. A job runs once; if anything may already have reached
the paper (bytes sent), it is never sent again by itself: staff decide (retry, or a reprint
marked REPRINT). Only failures before the first byte (cannot connect, device busy) are
retried automatically. Status is read before the job (paper out -> nothing is sent) and
after it, on the same connection, as a barrier: the printer answers only after it has
taken every byte, so "printed" means the printer confirmed, not that a socket buffer filled.
A printer that takes the connection but never answers (switched to another mode, hung,
a black hole) gets "unconfirmed": the bytes left the kiosk, nobody knows if they reached
paper. Staff check the paper and may retry; nothing is resent by itself.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from pathlib import Path

from devices.printer.coupon import Coupon
from devices.printer.escpos_render import render_escpos
from devices.printer.jobs import (
    FAILED,
    MAX_JOBS,
    PRINTED,
    PRINTING,
    RETRYABLE,
    UNCONFIRMED,
    JobStore,
    PrintJob,
)
from devices.printer.layout import Layout, layout_coupon
from devices.printer.preview import png_bytes, render_layout
from devices.printer.profile import PrinterProfile
from devices.printer.settings import PrinterSettings
from devices.printer.status import DLE_EOT, PrinterStatus, parse
from devices.printer.transport import (
    PrinterTransport,
    TransportError,
    make_transport,
    parse_uri,
)

log = logging.getLogger(__name__)
BARRIER_BYTES_PER_S = 1000  # slowest link we wait for (9600-baud serial is ~960 B/s)


class PrinterService:
    def __init__(self, settings: PrinterSettings, state_dir: Path) -> None:
        self.settings = settings
        self.uri = parse_uri(settings.uri)
        self.profile = PrinterProfile.from_settings(settings)
        self.timeout_s = settings.timeout_s
        self.retries = settings.retries
        self.store = JobStore(Path(state_dir) / "printer" / "jobs.json")
        for job in self.store.recover_interrupted():
            log.warning("print job %s was interrupted by a restart; kept for staff", job.id)
        self._lock = threading.Lock()  # one job at a time, in submission order

    # ---- layout -------------------------------------------------------------------
    def layout(self, coupon: Coupon) -> Layout:
        return layout_coupon(
            coupon,
            self.profile,
            footer=self.settings.footer,
            code128_with_qr=self.settings.code128_with_qr,
        )

    def render(self, coupon: Coupon) -> bytes:
        """The exact ESC/POS bytes a job for this coupon sends."""
        return render_escpos(self.layout(coupon))

    def preview_png(self, coupon: Coupon) -> bytes:
        """The same layout as a PNG (what the paper will look like)."""
        return png_bytes(render_layout(self.layout(coupon)))

    # ---- jobs ---------------------------------------------------------------------
    def submit(self, coupon: Coupon) -> PrintJob:
        """Print a coupon once; the returned job says printed or failed, and why."""
        return self._run(PrintJob(coupon=coupon))

    def retry(self, job_id: str) -> PrintJob:
        """Run a failed or unconfirmed job again: an explicit staff decision, never automatic."""
        job = self.store.get(job_id)
        if job.state not in RETRYABLE:
            raise ValueError(
                f"job {job_id} is {job.state}; only a failed or unconfirmed job can be retried"
            )
        return self._run(job)

    def reprint(self, job_id: str) -> PrintJob:
        """A new job for the same coupon, marked REPRINT on the paper."""
        old = self.store.get(job_id)
        coupon = dataclasses.replace(old.coupon, reprint=True)
        return self._run(PrintJob(coupon=coupon, reprint_of=old.id))

    def jobs(self) -> list[PrintJob]:
        return self.store.all()

    def _run(self, job: PrintJob) -> PrintJob:
        with self._lock:
            job.state, job.reason, job.bytes_sent = PRINTING, "", 0
            job.attempts += 1
            self.store.put(job)  # a crash from here on leaves it 'printing' -> interrupted
            try:
                self._print(job)
            except Exception as exc:  # a job must always get an outcome
                log.exception("print job %s failed unexpectedly", job.id)
                job.state, job.reason = FAILED, f"internal error: {exc}"
            self.store.put(job)
            log.info("print job %s: %s %s", job.id, job.state, job.reason)
            return job

    def _print(self, job: PrintJob) -> None:
        layout = self.layout(job.coupon)
        if self.uri.scheme == "preview":
            self._preview(job, layout)
            return
        data = render_escpos(layout)
        job.bytes_total = len(data)
        transport = self._open()
        if isinstance(transport, str):
            job.state, job.reason = FAILED, transport + "; nothing was sent"
            return
        try:
            self._send(job, transport, data)
        finally:
            transport.close()

    def _send(self, job: PrintJob, t: PrinterTransport, data: bytes) -> None:
        try:
            before = self._query(t, self.timeout_s) if t.supports_status else None
        except TransportError as exc:
            job.state, job.reason = FAILED, f"{exc}; nothing was sent"
            return
        if before is not None and not before.ready:
            job.status = before.to_dict()
            job.state, job.reason = FAILED, f"{before.error}; nothing was sent"
            return
        try:
            t.write(data)
        except TransportError as exc:
            job.bytes_sent = exc.sent
            job.state = FAILED
            job.reason = (
                f"{exc}: the coupon may be partly printed; check the paper, then retry or reprint"
            )
            return
        job.bytes_sent = t.sent
        if before is None:  # file:, dummy: the transport itself cannot ask the printer
            job.state = PRINTED
            job.reason = "sent; this printer does not report status, check the paper"
            return
        self._confirm(job, t, before, len(data))

    def _confirm(
        self, job: PrintJob, t: PrinterTransport, before: PrinterStatus, size: int
    ) -> None:
        """The barrier after the bytes: only a printer's own answer makes a job 'printed'."""
        spoke_before = before.online is not None
        # a printer that never answered before will hardly answer now: do not wait long
        wait = self.timeout_s + (size / BARRIER_BYTES_PER_S if spoke_before else 0)
        try:
            after = self._query(t, wait)
        except TransportError as exc:
            job.state, job.reason = FAILED, f"{exc} before confirming the job; check the paper"
            return
        job.status = after.to_dict()
        if after.online is None:
            job.state = UNCONFIRMED
            job.reason = (
                f"sent, not confirmed: the printer did not answer within {wait:.1f} s "
                "(hung, busy, or not an ESC/POS printer); check the paper, then retry or reprint"
            )
        elif not after.ready:
            job.state = FAILED
            job.reason = f"{after.error} during printing; the coupon is likely incomplete"
        else:
            job.state, job.reason = PRINTED, ""

    def _open(self) -> PrinterTransport | str:
        """Open with a few retries on transient errors (nothing has been sent yet)."""
        last = ""
        for attempt in range(self.retries + 1):
            t = make_transport(self.uri, self.timeout_s)
            try:
                t.open()
                return t
            except TransportError as exc:
                t.close()
                last = str(exc)
                if not exc.transient:
                    break
                time.sleep(min(2.0, 0.2 * 2**attempt))
        return last

    def _query(self, t: PrinterTransport, timeout_s: float) -> PrinterStatus:
        """Ask DLE EOT 1, 2, 4; a printer silent on the first is not asked twice more
        (each unanswered question costs a whole timeout)."""
        t.drain()
        answers: dict[str, int | None] = {}
        for key, cmd in DLE_EOT.items():
            answers[key] = t.query(cmd, timeout_s)
            if answers[key] is None:
                break
        return parse(answers, str(self.uri))

    def _preview(self, job: PrintJob, layout: Layout) -> None:
        folder = Path(self.uri.target)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            out = folder / f"coupon-{job.id}.png"
            tmp = out.with_suffix(".tmp")
            # 0600 whatever the umask: the picture carries a redeem code, which is money
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(png_bytes(render_layout(layout)))
            tmp.replace(out)
        except OSError as exc:
            job.state, job.reason = FAILED, f"cannot write the preview: {exc}"
            return
        job.output, job.state, job.reason = str(out), PRINTED, ""
        _prune(folder, keep=MAX_JOBS)

    # ---- status -------------------------------------------------------------------
    def status(self) -> PrinterStatus:
        """Read the printer's state now (opens and closes the transport)."""
        uri = str(self.uri)
        if self.uri.scheme == "preview":
            ok = _writable(Path(self.uri.target))
            return PrinterStatus(
                online=ok,
                transport=uri,
                advisory="preview: coupons are written as PNG files",
                error="" if ok else f"cannot write to {self.uri.target}",
            )
        with self._lock:
            t = self._open()
            if isinstance(t, str):
                return PrinterStatus(online=False, transport=uri, error=t)
            try:
                if not t.supports_status:
                    return PrinterStatus(
                        online=None,
                        transport=uri,
                        advisory=f"{self.uri.scheme}: this transport cannot report status",
                    )
                return self._query(t, self.timeout_s)
            except TransportError as exc:
                return PrinterStatus(online=False, transport=uri, error=str(exc))
            finally:
                t.close()


def _prune(folder: Path, keep: int) -> None:
    """Keep the newest `keep` preview PNGs: a kiosk runs for years on a small SD card."""
    pngs = sorted(folder.glob("coupon-*.png"), key=lambda p: p.stat().st_mtime)
    for old in pngs[:-keep]:
        old.unlink(missing_ok=True)


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(folder, os.W_OK)
