"""Serial scanners through a real pty pair (unplug = the pty closes, replug = a new one
behind the same by-id style symlink) and the keyboard wedge through a fake evdev device:
a pipe carrying recorded `struct input_event` records, read at the device's own boundary.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from devices.scanner import keycodes as e
from devices.scanner.backoff import Backoff
from devices.scanner.framing import LineFramer
from devices.scanner.hid import EVENT, HidScanner, parse_vid_pid
from devices.scanner.keymap import KeyDecoder
from devices.scanner.serial_scanner import SerialScanner, parse_terminator


def wait_for(cond, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


# -- framing ------------------------------------------------------------------------------
def test_terminator_framing_strips_controls_and_bounds_length() -> None:
    f = LineFramer(b"\r", idle_gap_s=10, max_length=20)
    assert f.feed(b"\x02SUMMER-", 0.0) == []
    assert f.feed(b"2026\x03\r\x1b[2JABC", 0.01) == ["SUMMER-2026"]
    assert f.feed(b"DEF\r", 0.02) == ["[2JABCDEF"]  # ESC removed; the rest is just text
    assert f.feed(b"X" * 200 + b"\rOK-1234\r", 0.03) == ["OK-1234"]  # over-long line dropped
    assert f.dropped == 1
    assert f.feed(b"\r\r", 0.04) == []


def test_idle_gap_framing() -> None:
    f = LineFramer(b"", idle_gap_s=0.08, max_length=64)
    assert f.feed(b"VOUCH", 0.00) == []
    assert f.feed(b"ER-1", 0.05) == []
    assert f.flush_idle(0.10) == []
    assert f.flush_idle(0.14) == ["VOUCHER-1"]
    assert f.feed(b"NEXT-2", 1.0) == []
    assert f.feed(b"", 1.2) == ["NEXT-2"]


def test_terminator_config_text() -> None:
    assert parse_terminator("\r") == b"\r"
    assert parse_terminator("\\r\\n") == b"\r\n"
    assert parse_terminator("") == b""


# -- serial over a pty ----------------------------------------------------------------------
class Pty:
    """A scanner on a pty; `link` is the stable name the kiosk is configured with."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master = -1
        self.plug()

    def plug(self) -> None:
        self.master, slave = os.openpty()
        name = os.ttyname(slave)
        os.close(slave)
        tmp = self.link.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(name)
        tmp.replace(self.link)

    def unplug(self) -> None:
        self.link.unlink(missing_ok=True)
        os.close(self.master)

    def type(self, data: bytes) -> None:
        os.write(self.master, data)


def test_serial_scanner_reads_lines_and_survives_unplug(tmp_path: Path) -> None:
    dev = Pty(tmp_path / "scanner")
    lines: list[tuple[str, str]] = []
    scanner = SerialScanner(
        str(dev.link),
        lambda t, s: lines.append((t, s)),
        terminator="\r\n",
        max_length=64,
        backoff=Backoff(0.05, 0.2),
    )
    scanner.start()
    try:
        assert wait_for(lambda: scanner.status == "ok")
        dev.type(b"https://loyalty.example.com/c/Serial_Token_0001\r\n")
        dev.type(b"\x1b[31mSTAFF:1:abcdef\r\n")
        assert wait_for(lambda: len(lines) == 2)
        dev.unplug()
        assert wait_for(
            lambda: scanner.status == "unplugged" or scanner.status.startswith("retrying")
        )
        assert wait_for(lambda: scanner.status.startswith("retrying"))
        dev.plug()
        assert wait_for(lambda: scanner.status == "ok")
        time.sleep(0.05)
        dev.type(b"AFTER-REPLUG\r\n")
        assert wait_for(lambda: len(lines) == 3)
    finally:
        scanner.stop()
        os.close(dev.master)
    assert lines == [
        ("https://loyalty.example.com/c/Serial_Token_0001", f"serial:{dev.link}"),
        ("[31mSTAFF:1:abcdef", f"serial:{dev.link}"),  # ESC stripped: never reaches anyone
        ("AFTER-REPLUG", f"serial:{dev.link}"),
    ]


def test_serial_idle_gap_over_a_pty(tmp_path: Path) -> None:
    dev = Pty(tmp_path / "nfc")
    lines: list[str] = []
    scanner = SerialScanner(
        str(dev.link),
        lambda t, s: lines.append(t),
        terminator="",
        idle_gap_ms=60,
        backoff=Backoff(0.05, 0.2),
    )
    scanner.start()
    try:
        assert wait_for(lambda: scanner.status == "ok")
        dev.type(b"PASS-")
        time.sleep(0.02)
        dev.type(b"0042")
        assert wait_for(lambda: lines == ["PASS-0042"])
    finally:
        scanner.stop()
        dev.unplug()


# -- keyboard wedge ---------------------------------------------------------------------------
def keystrokes(text: str, *, enter: bool = True) -> bytes:
    """What the kernel would deliver for a US-layout scanner typing `text`."""
    rev = {}
    from devices.scanner.keymap import _PLAIN

    for code, (lo, up) in sorted(_PLAIN.items(), reverse=True):
        rev.setdefault(lo, (code, False))
        if up != lo:
            rev.setdefault(up, (code, True))
    out = b""
    t = 0

    def ev(etype: int, code: int, value: int) -> bytes:
        nonlocal t
        t += 1
        return EVENT.pack(1700000000, t, etype, code, value) + EVENT.pack(1700000000, t, 0, 0, 0)

    for ch in text:
        code, shift = rev[ch]
        if shift:
            out += ev(e.EV_KEY, e.KEY_LEFTSHIFT, 1)
        out += ev(4, 4, 458756)  # EV_MSC scan code noise, as real keyboards send
        out += ev(e.EV_KEY, code, 1) + ev(e.EV_KEY, code, 0)
        if shift:
            out += ev(e.EV_KEY, e.KEY_LEFTSHIFT, 0)
    if enter:
        out += ev(e.EV_KEY, e.KEY_ENTER, 1) + ev(e.EV_KEY, e.KEY_ENTER, 0)
    return out


class FakeEvdevDevice:
    """The device boundary: an fd delivering input_event records, plus grab bookkeeping."""

    def __init__(self) -> None:
        self.fd, self.writer = os.pipe()
        self.grabbed = False
        self.closed = False

    def grab(self) -> None:
        self.grabbed = True

    def ungrab(self) -> None:
        self.grabbed = False

    def close(self) -> None:
        self.closed = True
        os.close(self.fd)

    def unplug(self) -> None:
        os.close(self.writer)


def test_key_decoder_shift_caps_and_bounds() -> None:
    k = KeyDecoder(max_length=8)
    for code, value in [
        (e.KEY_LEFTSHIFT, 1),
        (e.KEY_A, 1),
        (e.KEY_A, 0),
        (e.KEY_LEFTSHIFT, 0),
        (e.KEY_B, 1),
        (e.KEY_B, 2),
        (e.KEY_1, 1),
        (e.KEY_F1, 1),
        (e.KEY_CAPSLOCK, 1),
        (e.KEY_C, 1),
        (e.KEY_MINUS, 1),
    ]:
        assert k.feed(code, value) is None
    assert k.feed(e.KEY_ENTER, 1) == "Ab1C-"
    for _ in range(9):
        k.feed(e.KEY_X, 1)
    assert k.feed(e.KEY_KPENTER, 1) is None and k.dropped == 1  # too long: dropped whole


def test_hid_wedge_grabs_reads_and_recovers_from_unplug() -> None:
    devices: list[FakeEvdevDevice] = []
    plugged = threading.Event()
    plugged.set()

    def finder(vid_pid: str) -> FakeEvdevDevice:
        assert vid_pid == "05e0:1200"
        if not plugged.is_set():
            raise OSError(19, "No such device")
        devices.append(FakeEvdevDevice())
        return devices[-1]

    lines: list[tuple[str, str]] = []
    scanner = HidScanner(
        "05e0:1200", lambda t, s: lines.append((t, s)), finder=finder, backoff=Backoff(0.05, 0.2)
    )
    scanner.start()
    try:
        assert wait_for(lambda: scanner.status == "ok")
        assert devices[0].grabbed  # exclusive: its keystrokes never reach the UI
        os.write(devices[0].writer, keystrokes("https://loyalty.example.com/c/Hid_Token_0001"))
        os.write(devices[0].writer, keystrokes("STAFF:7:Secret_1"))
        assert wait_for(lambda: len(lines) == 2)
        plugged.clear()
        os.write(devices[0].writer, keystrokes("HALF", enter=False))
        devices[0].unplug()
        assert wait_for(lambda: scanner.status.startswith("retrying"))
        assert not devices[0].grabbed and devices[0].closed
        plugged.set()
        assert wait_for(lambda: scanner.status == "ok" and len(devices) == 2)
        os.write(devices[1].writer, keystrokes("AFTER-REPLUG"))
        assert wait_for(lambda: len(lines) == 3)
    finally:
        scanner.stop()
    assert [t for t, _ in lines] == [
        "https://loyalty.example.com/c/Hid_Token_0001",
        "STAFF:7:Secret_1",
        "AFTER-REPLUG",  # the half-typed line from before the unplug is gone
    ]
    assert lines[0][1] == "hid:05e0:1200"


def test_vid_pid_parsing() -> None:
    assert parse_vid_pid("05e0:1200") == (0x05E0, 0x1200)
    try:
        parse_vid_pid("scanner")
    except ValueError as exc:
        assert "VID:PID" in str(exc)
    else:
        raise AssertionError("accepted a bad VID:PID")


def test_manager_starts_the_serial_source_the_config_names(tmp_path: Path) -> None:
    from devices.scanner.events import ScanEvent
    from devices.scanner.manager import ScannerManager
    from kiosk.config import ScannerSection

    dev = Pty(tmp_path / "ttyACM-by-id")
    events: list[ScanEvent] = []
    settings = ScannerSection(
        camera="", serial_port=str(dev.link), serial_terminator="\r", debounce_s=5
    )
    manager = ScannerManager(settings, events.append)
    manager.start()
    try:
        assert wait_for(lambda: manager.status() == {f"serial:{dev.link}": "ok"})
        dev.type(b"SUMMER-2026\rSUMMER-2026\r")  # a double read by the scanner: one event
        assert wait_for(lambda: len(events) == 1)
        time.sleep(0.2)
    finally:
        manager.stop()
        dev.unplug()
    assert [(e.text, e.symbology, e.source) for e in events] == [
        ("SUMMER-2026", "serial", f"serial:{dev.link}")
    ]
