"""A serial printer on a pty: the same job, status and paper-out handling as TCP."""

from __future__ import annotations

import time

from devices.printer.service import PrinterService
from tests.printer.conftest import COUPONS, settings
from tests.printer.escpos_decoder import decode, qr_payloads


def test_serial_job_and_status(pty_printer, tmp_path):
    svc = PrinterService(settings(pty_printer.uri), tmp_path)
    assert svc.status().ready
    job = svc.submit(COUPONS["et"])
    assert job.state == "printed", job.reason
    time.sleep(0.2)
    cmds = decode(bytes(pty_printer.received))
    assert [c.name for c in cmds].count("CUT") == 1
    assert qr_payloads(cmds) == [b"EST-7781"]


def test_serial_paper_out(pty_printer, tmp_path):
    pty_printer.state.paper_out = True
    svc = PrinterService(settings(pty_printer.uri), tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "paper out" in job.reason and job.bytes_sent == 0
    time.sleep(0.2)
    assert all(c.name == "STATUS" for c in decode(bytes(pty_printer.received)))


def test_missing_serial_port_is_a_clear_failure(tmp_path):
    svc = PrinterService(settings("serial:/dev/does-not-exist?baudrate=9600"), tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "/dev/does-not-exist" in job.reason and job.retry_safe
