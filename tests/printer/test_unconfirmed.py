"""A printer that takes the connection and then says nothing, or dies halfway, is never
reported "printed": the job is "unconfirmed" or "failed", staff may retry it, and no byte
goes out a second time unless a person asks (issue 13, item 6)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from devices.printer.jobs import JobStore
from devices.printer.service import PrinterService
from tests.printer.conftest import COUPONS, settings
from tests.printer.emulator import BlackHolePrinter


@pytest.fixture
def black_hole():
    p = BlackHolePrinter()
    yield p
    p.close()


def carried(printer: BlackHolePrinter) -> list[bytes]:
    """Connections that received more than a few status query bytes (i.e. a job)."""
    return [bytes(c) for c in printer.connections if len(c) > 16]


def wait_for_bytes(printer: BlackHolePrinter, n: int, within_s: float = 2.0) -> None:
    end = time.monotonic() + within_s
    while time.monotonic() < end and sum(len(c) for c in printer.connections) < n:
        time.sleep(0.02)


def test_black_hole_printer_is_unconfirmed_not_printed(black_hole, tmp_path):
    svc = PrinterService(settings(black_hole.uri, timeout_s=0.4), tmp_path)
    t0 = time.monotonic()
    job = svc.submit(COUPONS["en"])
    took = time.monotonic() - t0
    assert job.state == "unconfirmed", job.reason
    assert "not confirmed" in job.reason and "check the paper" in job.reason
    assert job.bytes_sent == job.bytes_total > 0
    assert took < 2.0, f"{took:.1f} s: a silent printer is asked once, not three times"
    # the record on disk says the same after a restart: never 'printed'
    [stored] = JobStore(tmp_path / "printer" / "jobs.json").all()
    assert stored.state == "unconfirmed"
    time.sleep(0.5)
    assert len(black_hole.connections) == 1  # nothing resent by itself


def test_unconfirmed_job_may_be_retried_by_a_person(black_hole, tmp_path):
    svc = PrinterService(settings(black_hole.uri, timeout_s=0.3), tmp_path)
    job = svc.submit(COUPONS["en"])
    again = svc.retry(job.id)  # the person at the counter asked
    assert again.id == job.id and again.attempts == 2 and again.state == "unconfirmed"
    assert len(black_hole.connections) == 2


def test_printer_that_closes_halfway_fails_and_is_not_resent(tmp_path):
    size = len(PrinterService(settings("dummy:"), tmp_path).render(COUPONS["en"]))
    half = BlackHolePrinter(read_limit=size // 2)
    try:
        svc = PrinterService(settings(half.uri, timeout_s=0.4), tmp_path)
        job = svc.submit(COUPONS["en"])
        assert job.state in ("failed", "unconfirmed") and job.state != "printed", job.reason
        assert "check the paper" in job.reason
        wait_for_bytes(half, size // 2)
        assert len(half.connections) == 1 and len(half.connections[0]) <= size // 2
        time.sleep(0.3)
        assert len(half.connections) == 1  # no automatic resend of a half-printed coupon
        svc.retry(job.id)  # allowed: a person asks
        assert len(half.connections) == 2
    finally:
        half.close()


def test_emulated_printer_dropping_mid_job_can_be_retried(tcp_printer, tmp_path):
    tcp_printer.state.drop_after = 400  # answers status, then dies inside the job
    svc = PrinterService(settings(tcp_printer.uri), tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and job.bytes_sent > 0 and not job.retry_safe
    tcp_printer.state.drop_after = None
    assert svc.retry(job.id).state == "printed"
    assert len(tcp_printer.jobs()) == 2


def test_print_test_exits_non_zero_for_a_black_hole(black_hole, tmp_path):
    t0 = time.monotonic()
    res = subprocess.run(
        [sys.executable, "-m", "kiosk", "print-test", "--printer", black_hole.uri]
        + ["--state-dir", str(tmp_path / "state"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"KIOSK__PRINTER__TIMEOUT_S": "0.5", "PATH": "/usr/bin:/bin"},
    )
    assert res.returncode == 75, (res.returncode, res.stdout, res.stderr)
    report = json.loads(res.stdout)
    assert report["job"]["state"] == "unconfirmed"
    assert report["status"]["online"] is None
    assert time.monotonic() - t0 < 15
