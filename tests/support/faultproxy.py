"""A TCP proxy on 127.0.0.1 in front of the reference server that misbehaves on demand.

Why a proxy and not a mock: the kiosk's HTTP client, its timeouts, its keep-alive
connections and the server's idempotency all take part, exactly as in a shop where the
Wi-Fi or a load balancer misbehaves. It understands just enough HTTP/1.1 (a head and a
Content-Length or chunked body) to act per request on a kept-alive connection.

Faults, per request:
  pass           forward, answer
  delay_request  wait `delay_s`, then forward (the server applies late)
  delay_answer   forward, then hold the answer `delay_s` (applied at once, told late)
  500/502/503    answer that status without forwarding (502 with an HTML body, like nginx)
  reset          RST the connection without forwarding
  drop_answer    forward, read the server's full answer, then RST: applied, never acknowledged
  blackhole      read the request, never answer (until the client gives up)

`set(mode)` changes the default; `script(m1, m2, ...)` applies modes to the next requests
in order; `only="/stamps"` limits faults to requests whose request line contains that.
"""

from __future__ import annotations

import collections
import contextlib
import json
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

MODES = (
    "pass",
    "delay_request",
    "delay_answer",
    "500",
    "502",
    "503",
    "reset",
    "drop_answer",
    "blackhole",
)


class _Closed(Exception):
    pass


def _recv_until(sock: socket.socket, buf: bytearray, marker: bytes) -> int:
    while True:
        idx = buf.find(marker)
        if idx >= 0:
            return idx
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed()
        buf.extend(chunk)


def _recv_exact(sock: socket.socket, buf: bytearray, n: int) -> bytes:
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise _Closed()
        buf.extend(chunk)
    out = bytes(buf[:n])
    del buf[:n]
    return out


def _read_message(sock: socket.socket, buf: bytearray, *, is_response: bool = False) -> bytes:
    """One HTTP/1.1 message (head + body) from `sock`, bytes exactly as sent."""
    end = _recv_until(sock, buf, b"\r\n\r\n") + 4
    head = _recv_exact(sock, buf, end)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if is_response:
        status = int(lines[0].split()[1])
        if status in (204, 304) or 100 <= status < 200:
            return head
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = bytearray()
        while True:
            idx = _recv_until(sock, buf, b"\r\n") + 2
            size_line = _recv_exact(sock, buf, idx)
            body += size_line
            size = int(size_line.split(b";")[0].strip(), 16)
            body += _recv_exact(sock, buf, size + 2)
            if size == 0:
                return head + bytes(body)
    length = int(headers.get("content-length", "0") or 0)
    return head + _recv_exact(sock, buf, length)


def _rst(sock: socket.socket) -> None:
    """Close with a TCP RST (what a crashed middlebox or a yanked cable looks like)."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _error_answer(status: int, retry_after: float | None) -> bytes:
    if status == 502:
        body = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
        ctype = "text/html"
    else:
        problem = {"type": "about:blank", "title": "unavailable", "status": status}
        if retry_after is not None:
            problem["retry_after"] = retry_after
        body = json.dumps(problem).encode()
        ctype = "application/problem+json"
    head = (
        f"HTTP/1.1 {status} Proxy Fault\r\nContent-Type: {ctype}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode() + body


@dataclass
class FaultProxy:
    upstream_port: int
    upstream_host: str = "127.0.0.1"
    mode: str = "pass"
    delay_s: float = 1.0
    retry_after: float | None = None
    only: str | None = None
    counts: collections.Counter = field(default_factory=collections.Counter)
    lines: list[str] = field(default_factory=list)  # every request line seen, in order

    def __post_init__(self) -> None:
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._script: collections.deque[str] = collections.deque()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="faultproxy", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FaultProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        with self._lock:
            socks = list(self._socks)
        for s in socks:
            with contextlib.suppress(OSError):
                s.close()

    def set(
        self,
        mode: str,
        *,
        delay_s: float | None = None,
        retry_after: float | None = None,
        only: str | None = None,
    ) -> None:
        assert mode in MODES, mode
        with self._lock:
            self.mode = mode
            if delay_s is not None:
                self.delay_s = delay_s
            self.retry_after = retry_after
            self.only = only
            self._script.clear()

    def script(self, *modes: str) -> None:
        for m in modes:
            assert m in MODES, m
        with self._lock:
            self._script.extend(modes)

    def _next_mode(self, request_line: str) -> str:
        with self._lock:
            if self.only and self.only not in request_line:
                return "pass"
            if self._script:
                return self._script.popleft()
            return self.mode

    # -- plumbing -----------------------------------------------------------------------

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.discard(sock)

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream: socket.socket | None = None
        cbuf, ubuf = bytearray(), bytearray()
        try:
            while not self._stopped.is_set():
                request = _read_message(client, cbuf)
                line = request.split(b"\r\n", 1)[0].decode("latin-1")
                self.lines.append(line)
                mode = self._next_mode(line)
                self.counts[mode] += 1
                self.counts["requests"] += 1
                if mode in ("500", "502", "503"):
                    client.sendall(_error_answer(int(mode), self.retry_after))
                    continue
                if mode == "reset":
                    _rst(client)
                    return
                if mode == "blackhole":
                    self._stopped.wait(3600)
                    return
                if mode == "delay_request":
                    time.sleep(self.delay_s)
                if upstream is None:
                    upstream = socket.create_connection((self.upstream_host, self.upstream_port))
                    self._track(upstream)
                upstream.sendall(request)
                answer = _read_message(upstream, ubuf, is_response=True)
                self.counts["forwarded"] += 1
                if mode == "drop_answer":
                    self.counts["applied_unacknowledged"] += 1
                    _rst(client)
                    return
                if mode == "delay_answer":
                    time.sleep(self.delay_s)
                client.sendall(answer)
        except (_Closed, OSError, ValueError, IndexError):
            pass
        finally:
            for s in (client, upstream):
                if s is not None:
                    self._untrack(s)
                    with contextlib.suppress(OSError):
                        s.close()
