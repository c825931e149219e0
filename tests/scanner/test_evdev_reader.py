"""The stdlib evdev reader: key codes equal the kernel's header, the scanner is found in a
sysfs tree by VID:PID and its keyboard interface, and a grab on a non-input fd fails the way
HidScanner retries on (OSError), never silently."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devices.scanner import keycodes
from devices.scanner.evdev_reader import (
    LONG_BITS,
    DeviceNotFound,
    EventDevice,
    find_event_device,
    has_key,
)

HEADER = Path("/usr/include/linux/input-event-codes.h")


@pytest.mark.skipif(not HEADER.exists(), reason="linux-libc-dev headers not installed")
def test_key_codes_equal_the_kernel_header() -> None:
    defined = dict(
        re.findall(r"#define\s+((?:KEY|EV)_\w+)\s+(0x[0-9a-f]+|\d+)", HEADER.read_text())
    )
    ours = {k: v for k, v in vars(keycodes).items() if k.startswith(("KEY_", "EV_"))}
    assert len(ours) > 60
    for name, value in ours.items():
        assert int(defined[name], 0) == value, name


def bitmap(*keys: int) -> str:
    """A capability bitmap as sysfs prints it: C longs, most significant word first."""
    words = [0] * (max(keys) // LONG_BITS + 1)
    for k in keys:
        words[k // LONG_BITS] |= 1 << (k % LONG_BITS)
    return " ".join(f"{w:x}" for w in reversed(words))


def add_device(sysfs: Path, name: str, vid: str, pid: str, keys: str) -> None:
    d = sysfs / name / "device"
    (d / "id").mkdir(parents=True)
    (d / "capabilities").mkdir()
    (d / "id" / "vendor").write_text(vid + "\n")
    (d / "id" / "product").write_text(pid + "\n")
    (d / "capabilities" / "key").write_text(keys + "\n")


def test_has_key_reads_multiword_bitmaps() -> None:
    text = bitmap(keycodes.KEY_ENTER, keycodes.KEY_A, 150)
    assert has_key(text, keycodes.KEY_ENTER) and has_key(text, 150)
    assert not has_key(text, keycodes.KEY_B) and not has_key(text, 400) and not has_key("", 28)


def test_finds_the_keyboard_interface_of_that_scanner(tmp_path: Path) -> None:
    sysfs, dev = tmp_path / "sys", tmp_path / "dev"
    dev.mkdir()
    add_device(sysfs, "event2", "05e0", "1200", bitmap(113, 114, 115))  # consumer control
    add_device(sysfs, "event10", "05e0", "1200", bitmap(keycodes.KEY_A, keycodes.KEY_ENTER))
    add_device(sysfs, "event3", "046d", "c31c", bitmap(keycodes.KEY_A, keycodes.KEY_ENTER))
    for n in ("event2", "event3", "event10"):
        (dev / n).write_bytes(b"")
    found = find_event_device(0x05E0, 0x1200, sysfs=sysfs, dev=dev)
    try:
        assert found.path == str(dev / "event10")
    finally:
        found.close()
    with pytest.raises(DeviceNotFound, match="05e0:9999"):
        find_event_device(0x05E0, 0x9999, sysfs=sysfs, dev=dev)


def test_grab_on_something_that_is_not_an_input_device_raises(tmp_path: Path) -> None:
    plain = tmp_path / "event0"
    plain.write_bytes(b"")
    device = EventDevice(plain)
    try:
        with pytest.raises(OSError):
            device.grab()
    finally:
        device.close()
