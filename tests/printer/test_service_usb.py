"""usb:VID:PID through escpos's Usb class with pyusb faked at usb.core.find."""

from __future__ import annotations

import pytest
import usb.core
import usb.util

from devices.printer.service import PrinterService
from tests.printer.conftest import COUPONS, settings
from tests.printer.emulator import FakeUsbPrinter
from tests.printer.escpos_decoder import decode, qr_payloads


@pytest.fixture
def usb_printer(monkeypatch):
    dev = FakeUsbPrinter()
    found = []

    def find(**kw):
        found.append(kw)
        return (
            dev if dev.plugged and (kw["idVendor"], kw["idProduct"]) == (0x04B8, 0x0202) else None
        )

    monkeypatch.setattr(usb.core, "find", find)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda d: None)
    dev.found = found
    return dev


def test_usb_job_with_status_and_explicit_timeout(usb_printer, tmp_path):
    svc = PrinterService(settings("usb:04b8:0202", timeout_s=1.5), tmp_path)
    assert svc.status().ready
    job = svc.submit(COUPONS["en"])
    assert job.state == "printed", job.reason
    cmds = decode(bytes(usb_printer.received))
    assert [c.name for c in cmds].count("CUT") == 1
    assert qr_payloads(cmds) == [b"CAFE-2026-XK4"]
    assert set(usb_printer.write_timeouts) == {1500}  # ms, never escpos's 0 (= forever)


def test_usb_paper_out_and_unplugged(usb_printer, tmp_path):
    svc = PrinterService(settings("usb:04b8:0202", retries=0), tmp_path)
    usb_printer.state.paper_out = True
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "paper out" in job.reason and job.bytes_sent == 0
    usb_printer.plugged = False
    job2 = svc.submit(COUPONS["en"])
    assert job2.state == "failed" and "usb:04b8:0202" in job2.reason and job2.retry_safe
    assert svc.status().online is False
