"""A keyboard-wedge scanner (or NFC reader in keyboard mode) read from its evdev device.

Why an exclusive grab of one device found by VID:PID: a wedge scanner types into whatever
has focus; grabbed, its keystrokes reach only us, and every other keyboard (a technician's)
keeps working. Events are read as raw `struct input_event` records from the device's fd,
so a test can stand in a pipe for the kernel device (the device's own boundary).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import struct
from collections.abc import Callable
from typing import Protocol

from devices.scanner.backoff import Backoff, retry_status
from devices.scanner.evdev_reader import DeviceNotFound, EventDevice, find_event_device
from devices.scanner.keymap import KeyDecoder
from devices.scanner.reader_thread import ReaderThread

log = logging.getLogger(__name__)
EVENT = struct.Struct("llHHi")  # struct input_event: timeval (sec, usec), type, code, value
EV_KEY = 1


class InputDeviceLike(Protocol):
    fd: int

    def grab(self) -> None: ...

    def ungrab(self) -> None: ...

    def close(self) -> None: ...


def parse_vid_pid(value: str) -> tuple[int, int]:
    vid, _, pid = value.partition(":")
    try:
        return int(vid, 16), int(pid, 16)
    except ValueError:
        raise ValueError(
            f"hid_device must be VID:PID in hex, e.g. 05e0:1200 (got {value!r})"
        ) from None


def find_evdev(vid_pid: str) -> InputDeviceLike:
    """The input device with that VID:PID (or a /dev/input/eventN path), opened."""
    if vid_pid.startswith("/dev/"):
        return EventDevice(vid_pid)
    return find_event_device(*parse_vid_pid(vid_pid))


class HidScanner(ReaderThread):
    def __init__(
        self,
        device: str,
        on_line: Callable[[str, str], None],
        *,
        max_length: int = 512,
        finder: Callable[[str], InputDeviceLike] = find_evdev,
        backoff: Backoff | None = None,
    ) -> None:
        self.device = device
        self.on_line = on_line
        self.finder = finder
        self.keys = KeyDecoder(max_length)
        self.backoff = backoff or Backoff()
        super().__init__(f"hid:{device}")

    def _run(self) -> None:
        while not self._stop.is_set():
            dev = None
            try:
                dev = self.finder(self.device)
                dev.grab()  # EBUSY when another program holds it: retry, never share it
            except (DeviceNotFound, OSError, ValueError) as exc:
                if dev is not None:
                    self._release(dev)
                delay = self.backoff.next_delay()
                self.status = retry_status(delay)
                log.warning("%s: %s; %s", self.name, exc, self.status)
                self._stop.wait(delay)
                continue
            self.backoff.reset()
            self.status = "ok"
            try:
                self._read(dev)
            except OSError as exc:  # ENODEV when unplugged
                log.warning("%s: lost (%s); reopening", self.name, exc)
            finally:
                self._release(dev)
            if not self._stop.is_set():
                self.status = "unplugged"
                self.keys = KeyDecoder(self.keys.max_length)  # a half-typed line is gone
                self._stop.wait(self.backoff.next_delay())

    def _read(self, dev: InputDeviceLike) -> None:
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([dev.fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(dev.fd, EVENT.size * 64)
            if not data:
                raise OSError(errno.ENODEV, "device closed")
            pending += data
            n = len(pending) - len(pending) % EVENT.size
            for _sec, _usec, etype, code, value in EVENT.iter_unpack(pending[:n]):
                if etype == EV_KEY:
                    line = self.keys.feed(code, value)
                    if line:
                        self.on_line(line, self.name)
            pending = pending[n:]

    @staticmethod
    def _release(dev: InputDeviceLike) -> None:
        for action in (dev.ungrab, dev.close):
            with contextlib.suppress(OSError):
                action()
