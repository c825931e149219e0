"""A serial barcode scanner or NFC wallet reader: one scan per line of text.

Why a thread with its own reconnect loop: USB-serial devices vanish when unplugged
(EIO / SerialException) and come back, often under the same /dev/serial/by-id name; the
kiosk must notice, say so in the status, and pick the device up again by itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from devices.scanner.backoff import Backoff, retry_status
from devices.scanner.framing import LineFramer
from devices.scanner.reader_thread import ReaderThread

log = logging.getLogger(__name__)


class SerialPort(Protocol):
    """What the scanner uses of a pyserial port (opened with a short read timeout)."""

    def read(self, size: int = 1) -> bytes: ...

    def close(self) -> None: ...


def parse_terminator(value: str) -> bytes:
    """Config text ("\\r", "\\r\\n", literal CR) -> bytes; "" means idle-gap framing."""
    return value.encode("utf-8").decode("unicode_escape").encode("latin-1")


class SerialScanner(ReaderThread):
    def __init__(
        self,
        port: str,
        on_line: Callable[[str, str], None],
        *,
        baudrate: int = 9600,
        terminator: str = "\r",
        idle_gap_ms: int = 80,
        max_length: int = 512,
        backoff: Backoff | None = None,
    ) -> None:
        self.port = port
        self.on_line = on_line  # (text, source)
        self.baudrate = baudrate
        self.framer = LineFramer(parse_terminator(terminator), idle_gap_ms / 1000, max_length)
        self.backoff = backoff or Backoff()
        super().__init__(f"serial:{port}")

    def _run(self) -> None:
        import serial

        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.port, baudrate=self.baudrate, timeout=0.02)
            except (serial.SerialException, OSError, ValueError) as exc:
                delay = self.backoff.next_delay()
                self.status = retry_status(delay)
                log.warning("%s: cannot open (%s); %s", self.name, exc, self.status)
                self._stop.wait(delay)
                continue
            self.backoff.reset()
            self.status = "ok"
            try:
                self._read_until_error(port)
            except (serial.SerialException, OSError) as exc:
                self.status = "unplugged"
                log.warning("%s: lost (%s); reopening", self.name, exc)
                self._stop.wait(self.backoff.next_delay())
            finally:
                port.close()

    def _read_until_error(self, port: SerialPort) -> None:
        while not self._stop.is_set():
            data = port.read(256)
            for line in self.framer.feed(data, time.monotonic()):
                self.on_line(line, self.name)
