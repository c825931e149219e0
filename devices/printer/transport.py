"""Transports chosen by one URI: usb:VID:PID, serial:/dev/ttyUSB0?baudrate=19200,
tcp://host:9100, file:/path, preview:/dir, dummy:.

WHY this shape: python-escpos's own defaults wait forever on USB (timeout 0) and a minute on
the network; every transport here takes an explicit timeout. A transport is opened per job
and closed on any error (a power-cycled printer can swallow writes on a stale handle).
Errors say whether they are transient (safe to try again: nothing was sent) and how many
bytes went out, so the service can refuse to resend a half-printed job by itself.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from devices.printer._escpos import DeviceNotFoundError, escpos_printer
from devices.printer.uri import PrinterUri as PrinterUri
from devices.printer.uri import parse_uri as parse_uri

if TYPE_CHECKING:
    from serial import Serial

log = logging.getLogger(__name__)

CHUNK = 4096
TRANSIENT_ERRNOS = {
    errno.EIO,
    errno.EBUSY,
    errno.ENODEV,
    errno.ECONNREFUSED,
    errno.ETIMEDOUT,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.EAGAIN,
    errno.ECONNRESET,
}


class TransportError(Exception):
    """A transport failure in words, with `transient` (retry is safe) and bytes `sent`."""

    def __init__(self, message: str, *, transient: bool = False, sent: int = 0) -> None:
        super().__init__(message)
        self.transient = transient
        self.sent = sent


def _transient(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, socket.timeout | TimeoutError):
            return True
        if isinstance(exc, OSError) and exc.errno in TRANSIENT_ERRNOS:
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _why(exc: BaseException) -> str:
    while (inner := exc.__cause__ or exc.__context__) is not None:
        exc = inner
    if isinstance(exc, PermissionError):
        return "permission denied (is the kiosk user in the printer's group? see config/udev/)"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    return str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__


class PrinterTransport(Protocol):
    """A byte pipe to one printer, opened per job: what PrinterService needs of a transport."""

    @property
    def supports_status(self) -> bool:
        """True when query() can get an answer from the printer."""
        ...

    @property
    def sent(self) -> int:
        """Bytes written so far in this job."""
        ...

    def open(self) -> None: ...

    def write(self, data: bytes) -> int: ...

    def query(self, command: bytes, timeout_s: float | None = None) -> int | None: ...

    def drain(self) -> None: ...

    def close(self) -> None: ...


class Transport:
    """Base: byte pipe to one printer, opened per job.

    The escpos printer objects the subclasses hold (`_p`) are Any: python-escpos has no type
    stubs. Only typed values (a socket, a pyserial port, bytes, ints) leave a transport.
    """

    supports_status = False

    def __init__(self, uri: PrinterUri, timeout_s: float) -> None:
        self.uri, self.timeout_s = uri, timeout_s
        self.sent = 0

    def open(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _write(self, chunk: bytes) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def write(self, data: bytes) -> int:
        """Send data in chunks, counting what went out; raises TransportError (not transient)."""
        for i in range(0, len(data), CHUNK):
            chunk = data[i : i + CHUNK]
            try:
                self._write(chunk)
            except Exception as exc:  # any failure mid-job ends the job
                raise TransportError(
                    f"{self.uri}: {_why(exc)} after {self.sent} of {len(data)} bytes",
                    sent=self.sent,
                ) from exc
            self.sent += len(chunk)
        return self.sent

    def query(self, command: bytes, timeout_s: float | None = None) -> int | None:
        """Send a real-time status query, return the one answer byte or None if none came."""
        return None

    def drain(self) -> None:
        """Drop unread input (stale status answers) before a new query."""

    def close(self) -> None:  # pragma: no cover - overridden
        pass


class TcpTransport(Transport):
    supports_status = True

    def open(self) -> None:
        self._p: Any = escpos_printer.Network(
            self.uri.target, self.uri.port, timeout=self.timeout_s
        )
        try:
            self._p.open()
        except DeviceNotFoundError as exc:
            raise TransportError(
                f"printer offline: cannot connect to {self.uri} ({_why(exc)})",
                transient=_transient(exc),
            ) from exc
        sock = self._p.device
        if sock is None:
            raise TransportError(f"printer offline: no connection to {self.uri}", transient=True)
        self.sock: socket.socket = sock

    def _write(self, chunk: bytes) -> None:
        self.sock.sendall(chunk)

    def query(self, command: bytes, timeout_s: float | None = None) -> int | None:
        try:
            self.sock.settimeout(timeout_s or self.timeout_s)
            self.sock.sendall(command)
            got = self.sock.recv(1)
        except TimeoutError:
            return None
        except OSError as exc:
            raise TransportError(
                f"{self.uri}: connection lost ({_why(exc)})", sent=self.sent
            ) from exc
        finally:
            self.sock.settimeout(self.timeout_s)
        if not got:
            raise TransportError(f"{self.uri}: the printer closed the connection", sent=self.sent)
        return got[0]

    def drain(self) -> None:
        self.sock.setblocking(False)
        try:
            while self.sock.recv(256):
                pass
        except OSError:
            pass
        finally:
            self.sock.setblocking(True)
            self.sock.settimeout(self.timeout_s)

    def close(self) -> None:
        p: Any = getattr(self, "_p", None)
        if p is not None and p._device:
            p.close()


class SerialTransport(Transport):
    supports_status = True

    def open(self) -> None:
        self._p: Any = escpos_printer.Serial(
            self.uri.target, baudrate=self.uri.baudrate, timeout=self.timeout_s
        )
        try:
            self._p.open()
        except DeviceNotFoundError as exc:
            raise TransportError(
                f"printer offline: cannot open {self.uri} ({_why(exc)})", transient=_transient(exc)
            ) from exc
        dev = self._p.device
        if dev is None:
            raise TransportError(f"printer offline: {self.uri} did not open", transient=True)
        self.dev: Serial = dev
        self.dev.write_timeout = self.timeout_s  # escpos leaves writes unbounded

    def _write(self, chunk: bytes) -> None:
        n = self.dev.write(chunk)
        if n != len(chunk):
            raise TimeoutError("write timed out")
        self.dev.flush()

    def query(self, command: bytes, timeout_s: float | None = None) -> int | None:
        try:
            self.dev.timeout = timeout_s or self.timeout_s
            self.dev.write(command)
            got = self.dev.read(1)
        except OSError as exc:
            raise TransportError(f"{self.uri}: {_why(exc)}", sent=self.sent) from exc
        finally:
            self.dev.timeout = self.timeout_s
        return got[0] if got else None

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            self.dev.reset_input_buffer()

    def close(self) -> None:
        p: Any = getattr(self, "_p", None)
        if p is not None and p._device:
            with contextlib.suppress(OSError):
                p.close()


class UsbTransport(Transport):
    """USB bulk endpoints via pyusb (escpos Usb). Timeouts in ms, never 0 (= forever)."""

    supports_status = True

    def open(self) -> None:
        ms = max(1, int(self.timeout_s * 1000))
        try:
            self._p: Any = escpos_printer.Usb(self.uri.vid, self.uri.pid, timeout=ms)
            self._p.open()
        except Exception as exc:  # pyusb raises many kinds
            raise TransportError(
                f"printer offline: cannot open {self.uri} ({_why(exc)})", transient=_transient(exc)
            ) from exc

    def _write(self, chunk: bytes) -> None:
        self._p._raw(chunk)

    def query(self, command: bytes, timeout_s: float | None = None) -> int | None:
        ms = max(1, int((timeout_s or self.timeout_s) * 1000))
        try:
            self._p._raw(command)
            usb: Any = self._p.device  # pyusb's Device.read, untyped in its stubs
            got: Sequence[int] = usb.read(self._p.in_ep, 16, ms)  # an array of bytes
        except Exception:  # a USB timeout is "no answer"
            log.debug("no status answer from %s", self.uri, exc_info=True)
            return None
        return got[-1] if len(got) else None

    def close(self) -> None:
        p: Any = getattr(self, "_p", None)
        if p is not None:
            with contextlib.suppress(Exception):  # closing a dead device must not raise
                p.close()


class FileTransport(Transport):
    """Appends to a file or a character device such as /dev/usb/lp0 (no status)."""

    def open(self) -> None:
        try:
            self.fh: BinaryIO = open(Path(self.uri.target), "ab", buffering=0)  # noqa: SIM115
        except OSError as exc:
            raise TransportError(
                f"cannot open {self.uri} ({_why(exc)})", transient=_transient(exc)
            ) from exc

    def _write(self, chunk: bytes) -> None:
        self.fh.write(chunk)

    def close(self) -> None:
        fh: BinaryIO | None = getattr(self, "fh", None)
        if fh is not None:
            try:
                fh.flush()
                os.fsync(fh.fileno()) if Path(self.uri.target).is_file() else None
            except OSError:
                pass
            fh.close()


class DummyTransport(Transport):
    """Keeps every job's bytes in memory (bench, demo without a printer)."""

    jobs: list[bytes] = []  # shared on purpose: survives a transport per job

    def open(self) -> None:
        self.buf = bytearray()

    def _write(self, chunk: bytes) -> None:
        self.buf += chunk

    def close(self) -> None:
        DummyTransport.jobs.append(bytes(self.buf))


TRANSPORTS: dict[str, type[Transport]] = {
    "tcp": TcpTransport,
    "serial": SerialTransport,
    "usb": UsbTransport,
    "file": FileTransport,
    "dummy": DummyTransport,
}


def make_transport(uri: PrinterUri, timeout_s: float) -> PrinterTransport:
    if uri.scheme not in TRANSPORTS:
        raise ValueError(f"{uri}: no byte transport (preview is handled by the service)")
    return TRANSPORTS[uri.scheme](uri, timeout_s)
