"""file: and dummy: transports, and bad URIs: clear outcomes without status."""

from __future__ import annotations

import pytest

from devices.printer.service import PrinterService
from devices.printer.transport import DummyTransport, parse_uri
from tests.printer.conftest import COUPONS, settings
from tests.printer.escpos_decoder import decode, qr_payloads


def test_file_transport_appends_each_job(tmp_path):
    out = tmp_path / "lp0.bin"
    svc = PrinterService(settings(f"file:{out}"), tmp_path)
    assert svc.status().online is None and "cannot report status" in svc.status().advisory
    a, b = svc.submit(COUPONS["en"]), svc.submit(COUPONS["et"])
    assert a.state == b.state == "printed" and "does not report status" in a.reason
    cmds = decode(out.read_bytes())
    assert [c.name for c in cmds].count("CUT") == 2
    assert qr_payloads(cmds) == [b"CAFE-2026-XK4", b"EST-7781"]


def test_file_transport_unwritable_path_fails_clearly(tmp_path):
    svc = PrinterService(settings(f"file:{tmp_path}/no/such/dir/out.bin"), tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "cannot open" in job.reason and job.retry_safe


def test_dummy_keeps_bytes(tmp_path):
    DummyTransport.jobs.clear()
    job = PrinterService(settings("dummy:"), tmp_path).submit(COUPONS["zh"])
    assert job.state == "printed" and len(DummyTransport.jobs) == 1
    assert qr_payloads(decode(DummyTransport.jobs[0])) == [b"ZH-88990"]


@pytest.mark.parametrize(
    "uri,expect",
    [
        ("tcp://printer.local", ("tcp", "printer.local", 9100)),
        ("serial:/dev/ttyUSB0?baudrate=9600", ("serial", "/dev/ttyUSB0", 0)),
        ("usb:04b8:0202", ("usb", "04b8:0202", 0)),
    ],
)
def test_parse_uri(uri, expect):
    u = parse_uri(uri)
    assert (u.scheme, u.target, u.port) == expect
    if u.scheme == "serial":
        assert u.baudrate == 9600
    if u.scheme == "usb":
        assert (u.vid, u.pid) == (0x04B8, 0x0202)


@pytest.mark.parametrize("bad", ["usb:zz:1", "tcp://", "serial:", "lpt:1"])
def test_bad_uris_say_what_was_expected(bad):
    with pytest.raises(ValueError, match="expected"):
        parse_uri(bad)
