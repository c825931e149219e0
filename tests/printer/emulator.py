"""Printer emulators at the device's own boundary: a TCP server on 127.0.0.1 (port 9100
style) and a pty for serial. They record every byte, answer DLE EOT at command boundaries
like an Epson printer, and switch faults on demand: paper out (now or after N bytes), cover
open, offline bit, silent (no status), refuse connections, drop after N bytes, slow, stall.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import tty

from tests.printer.escpos_decoder import parse


class PrinterState:
    """The switchable faults and what the printer answers to DLE EOT n."""

    def __init__(self) -> None:
        self.paper_out = False
        self.near_end = False
        self.cover_open = False
        self.offline = False
        self.silent = False  # a clone that never answers status
        self.paper_out_after: int | None = None  # job bytes, then the roll ends
        self.drop_after: int | None = None  # close the connection after N bytes
        self.stall_after: int | None = None  # stop reading after N bytes
        self.slow_bytes_per_s: float | None = None

    def answer(self, n: int) -> bytes | None:
        if self.silent:
            return None
        stopped = self.paper_out or self.cover_open or self.offline
        if n == 1:
            return bytes([0x12 | (0x08 if stopped else 0)])
        if n == 2:
            return bytes(
                [0x12 | (0x04 if self.cover_open else 0) | (0x20 if self.paper_out else 0)]
            )
        if n == 4:
            return bytes([0x12 | (0x0C if self.near_end else 0) | (0x60 if self.paper_out else 0)])
        return None


class _Feeder:
    """Per-connection: record bytes, parse at command boundaries, answer status queries."""

    def __init__(self, state: PrinterState, reply) -> None:
        self.state, self.reply = state, reply
        self.buf = bytearray()
        self.pos = 0

    def feed(self, data: bytes) -> None:
        self.buf += data
        if self.state.paper_out_after is not None and len(self.buf) >= self.state.paper_out_after:
            self.state.paper_out = True
        cmds, used = parse(bytes(self.buf[self.pos :]))
        self.pos += used
        for c in cmds:
            if c.name == "STATUS":
                ans = self.state.answer(c.arg[0])
                if ans:
                    self.reply(ans)


class _TcpListener:
    """A port on 127.0.0.1 that accepts connections in a thread and keeps what each got."""

    def __init__(self) -> None:
        self.connections: list[bytearray] = []
        self._stop = threading.Event()
        self._srv = socket.create_server(("127.0.0.1", 0))
        self.port = self._srv.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._srv.accept()
            except OSError:
                return
            self._on_connect(conn)

    def _on_connect(self, conn: socket.socket) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class TcpPrinter(_TcpListener):
    def __init__(self) -> None:
        self.state = PrinterState()
        super().__init__()

    def refuse(self) -> None:
        """Switch the printer off: the port stops listening (connection refused)."""
        self._stop.set()
        with contextlib.suppress(OSError):
            self._srv.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._thread.join(timeout=2)
        self._srv.close()

    def close(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._srv.close()

    def jobs(self) -> list[bytes]:
        """Connections that carried more than status queries (i.e. a print job)."""
        out = []
        for c in self.connections:
            cmds, _ = parse(bytes(c))
            if any(x.name != "STATUS" for x in cmds):
                out.append(bytes(c))
        return out

    def _on_connect(self, conn: socket.socket) -> None:
        threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        st = self.state
        rec = bytearray()
        self.connections.append(rec)
        feeder = _Feeder(st, conn.sendall)
        feeder.buf = rec
        conn.settimeout(0.2)
        with conn:
            while not self._stop.is_set():
                if st.stall_after is not None and len(rec) >= st.stall_after:
                    time.sleep(0.05)  # jammed: takes nothing more
                    continue
                want = 4096
                if st.slow_bytes_per_s:
                    want = max(1, int(st.slow_bytes_per_s / 20))
                if st.drop_after is not None:
                    want = min(want, st.drop_after - len(rec))
                    if want <= 0:
                        conn.shutdown(socket.SHUT_RDWR)
                        return  # power cut: the connection just dies
                if st.stall_after is not None:
                    want = min(want, st.stall_after - len(rec))
                try:
                    data = conn.recv(want)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                try:
                    feeder.feed(data)
                except OSError:
                    return
                if st.slow_bytes_per_s:
                    time.sleep(len(data) / st.slow_bytes_per_s)


class BlackHolePrinter(_TcpListener):
    """A TCP port that accepts and then never answers: with `read_limit=None` it reads
    nothing at all (bytes pile up in the kernel's buffers, as with a hung printer); with
    `read_limit=N` it takes N bytes of each connection, silently, then closes it (a printer
    that dies halfway). Every connection's received bytes are kept for the test."""

    def __init__(self, read_limit: int | None = None) -> None:
        self.read_limit = read_limit
        self._held: list[socket.socket] = []
        super().__init__()

    def _on_connect(self, conn: socket.socket) -> None:
        rec = bytearray()
        self.connections.append(rec)
        self._held.append(conn)  # never closed by us while the test runs: a black hole
        if self.read_limit is not None:
            threading.Thread(target=self._take, args=(conn, rec), daemon=True).start()

    def _take(self, conn: socket.socket, rec: bytearray) -> None:
        assert self.read_limit is not None
        with contextlib.suppress(OSError):
            while len(rec) < self.read_limit:
                data = conn.recv(min(4096, self.read_limit - len(rec)))
                if not data:
                    break
                rec += data
            conn.close()

    def close(self) -> None:
        self._stop.set()
        for conn in [self._srv, *self._held]:
            with contextlib.suppress(OSError):
                conn.close()


class PtyPrinter:
    """A serial printer on a pty: the service opens `path` like /dev/ttyUSB0."""

    def __init__(self) -> None:
        self.state = PrinterState()
        self.master, slave = os.openpty()
        tty.setraw(slave)
        tty.setraw(self.master)
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty stays alive between jobs
        self.received = bytearray()
        self._feeder = _Feeder(self.state, lambda b: os.write(self.master, b))
        self._feeder.buf = self.received
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"serial:{self.path}?baudrate=115200"

    def _run(self) -> None:
        import select

        while not self._stop.is_set():
            r, _, _ = select.select([self.master], [], [], 0.1)
            if not r:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            self._feeder.feed(data)

    def close(self) -> None:
        self._stop.set()
        time.sleep(0.15)
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class FakeUsbPrinter:
    """A USB printer at pyusb's boundary (usb.core.find returns this device): bulk OUT
    writes are recorded and parsed, DLE EOT answers come back on bulk IN. USB hardware cannot
    exist here, so this is the one fake; everything above pyusb is the real code."""

    class _Backend:
        pass  # its __module__ is not libusb1, so escpos skips kernel-driver detaching

    def __init__(self) -> None:
        self.state = PrinterState()
        self.received = bytearray()
        self.write_timeouts: list[int] = []
        self._answers = bytearray()
        self._feeder = _Feeder(self.state, self._answers.extend)
        self._feeder.buf = self.received
        self.backend = FakeUsbPrinter._Backend()
        self.plugged = True

    def set_configuration(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def write(self, ep: int, data: bytes, timeout: int | None = None) -> int:
        import usb.core

        if not self.plugged:
            raise usb.core.USBError("No such device", errno=19)
        self.write_timeouts.append(timeout)
        self._feeder.feed(bytes(data))
        return len(data)

    def read(self, ep: int, size: int, timeout: int | None = None):
        import usb.core

        if not self._answers:
            raise usb.core.USBTimeoutError("timed out", errno=110)
        out = bytes(self._answers[:size])
        del self._answers[:size]
        return out
