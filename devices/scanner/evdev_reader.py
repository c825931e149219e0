"""Find and grab a keyboard-wedge scanner's /dev/input/eventN, with the standard library.

Why not the `evdev` package: it has no wheel for any platform, so pip compiles it, and a kiosk
(Pi OS Lite) has no compiler or python3-dev. Finding needs only sysfs (vendor, product and the
key-capability bitmap of each event device); grabbing is one ioctl, EVIOCGRAB; reading raw
`struct input_event` records is HidScanner's job already.
"""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

from devices.scanner.keycodes import KEY_ENTER

SYSFS_INPUT = Path("/sys/class/input")
DEV_INPUT = Path("/dev/input")
# _IOW('E', 0x90, int): direction write (1 << 30) | sizeof(int) << 16 | 'E' << 8 | 0x90
EVIOCGRAB = (1 << 30) | (4 << 16) | (ord("E") << 8) | 0x90
LONG_BITS = struct.calcsize("l") * 8  # the capability bitmap is printed in C longs


class DeviceNotFound(Exception):
    pass


class EventDevice:
    """An opened event device: its fd for HidScanner's reads, and the exclusive grab."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)

    def grab(self) -> None:
        """Keystrokes reach only this fd; EBUSY when another program holds the grab."""
        fcntl.ioctl(self.fd, EVIOCGRAB, 1)

    def ungrab(self) -> None:
        fcntl.ioctl(self.fd, EVIOCGRAB, 0)

    def close(self) -> None:
        os.close(self.fd)


def has_key(bitmap: str, key: int) -> bool:
    """Is `key` set in a sysfs capability bitmap ("120013 803078f800d001 ..."; last word = bits 0..)?"""
    words = bitmap.split()
    index, bit = divmod(key, LONG_BITS)
    if index >= len(words):
        return False
    return bool(int(words[-1 - index], 16) >> bit & 1)


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def matches(event_dir: Path, vid: int, pid: int) -> bool:
    """That VID:PID and a keyboard interface (scanners also expose consumer-control ones)."""
    ids = event_dir / "device" / "id"
    try:
        vendor, product = int(_read(ids / "vendor"), 16), int(_read(ids / "product"), 16)
    except ValueError:
        return False
    keys = _read(event_dir / "device" / "capabilities" / "key")
    return (vendor, product) == (vid, pid) and has_key(keys, KEY_ENTER)


def find_event_device(
    vid: int, pid: int, *, sysfs: Path = SYSFS_INPUT, dev: Path = DEV_INPUT
) -> EventDevice:
    """The first event device of that scanner, opened (numeric order, as the kernel made them)."""
    candidates = sorted(sysfs.glob("event*"), key=lambda p: int(p.name[5:] or 0))
    for event_dir in candidates:
        if matches(event_dir, vid, pid):
            return EventDevice(dev / event_dir.name)
    raise DeviceNotFound(
        f"no input device {vid:04x}:{pid:04x} (unplugged, or user not in 'input' group?)"
    )
