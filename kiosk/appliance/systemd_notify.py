"""sd_notify without libsystemd: READY, WATCHDOG, STATUS to $NOTIFY_SOCKET.

Why our own 40 lines instead of a dependency: the protocol is one datagram per message on
an AF_UNIX socket, and we need two properties a library does not give us:
  - a no-op when NOTIFY_SOCKET is unset (desktop, tests, `kiosk demo`), never an error;
  - watchdog pings driven by the UI loop's own clock (`LoopWatchdog.tick()`), never by a
    free-running thread. A thread would keep pinging while the Kivy loop is frozen, and
    systemd would never restart a kiosk whose screen is stuck.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

log = logging.getLogger(__name__)

_MAX_STATUS = 200  # systemctl shows one line; keep it short and readable


def _clean_status(text: str) -> str:
    """STATUS= is one line of printable text: newlines would start a new assignment."""
    flat = " ".join(str(text).split())
    return "".join(ch for ch in flat if ch.isprintable())[:_MAX_STATUS]


class Notifier:
    """Sends sd_notify messages; every method is a cheap no-op when not under systemd."""

    def __init__(self, address: str | None, *, watchdog_usec: int | None = None) -> None:
        self.address = address or None
        self.watchdog_usec = watchdog_usec
        self._sock: socket.socket | None = None
        self._warned = False
        self.dropped = 0  # messages not sent because the receiver's queue was full

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        """Read NOTIFY_SOCKET and WATCHDOG_USEC (honouring WATCHDOG_PID) like sd_watchdog_enabled."""
        env = os.environ if environ is None else environ
        usec: int | None = None
        raw = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if raw.isdigit() and int(raw) > 0 and (not pid or pid == str(os.getpid())):
            usec = int(raw)
        return cls(env.get("NOTIFY_SOCKET"), watchdog_usec=usec)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def watchdog_interval_s(self) -> float | None:
        """systemd's WatchdogSec in seconds, or None when the watchdog is off."""
        return self.watchdog_usec / 1_000_000 if self.watchdog_usec else None

    def _target(self) -> str | bytes:
        assert self.address is not None
        if self.address.startswith("@"):  # abstract namespace socket
            return b"\0" + self.address[1:].encode()
        return self.address

    def notify(self, *assignments: str) -> bool:
        """Send one datagram of newline-separated assignments. Never raises."""
        if not self.enabled:
            return False
        payload = "\n".join(assignments).encode("utf-8", "replace")
        try:
            if self._sock is None:
                # non-blocking: called from the UI loop, which must never wait for systemd.
                # A full queue (the kernel allows only net.unix.max_dgram_qlen = 10
                # unread datagrams) drops this message; the next ping comes soon enough.
                self._sock = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK
                )
            self._sock.sendto(payload, self._target())
            return True
        except BlockingIOError:
            self.dropped += 1
            return False
        except OSError as exc:
            if not self._warned:  # once: a broken socket must not flood the journal
                log.warning("sd_notify to %s failed: %s", self.address, exc)
                self._warned = True
            return False

    def ready(self, status: str | None = None) -> bool:
        """READY=1: call after the first frame is on screen (systemd then counts us started)."""
        parts = ["READY=1"]
        if status:
            parts.append("STATUS=" + _clean_status(status))
        return self.notify(*parts)

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.notify("STATUS=" + _clean_status(text))

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class LoopWatchdog:
    """Pings WATCHDOG=1 from the UI loop: call `tick()` from a Kivy Clock interval.

    A tick sends at most one ping per `interval_s` (default: half of WatchdogSec, as
    sd_watchdog_enabled(3) advises). If the loop stops ticking, pings stop, and systemd
    restarts the frozen kiosk. STATUS is sent only when it changes, to keep the bus quiet.
    """

    def __init__(
        self,
        notifier: Notifier,
        interval_s: float | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notifier = notifier
        wd = notifier.watchdog_interval_s
        self.interval_s = interval_s if interval_s is not None else (wd / 2 if wd else 5.0)
        self._clock = clock
        self._last_ping: float | None = None
        self._last_status: str | None = None

    def tick(self, *_: object) -> bool:
        """Called by the loop (Kivy passes dt; ignored). Returns True when a ping was sent."""
        now = self._clock()
        if self._last_ping is not None and now - self._last_ping < self.interval_s:
            return False
        self._last_ping = now
        return self.notifier.watchdog()

    def ready(self, status: str) -> bool:
        """READY=1 with the first STATUS (remembered, so the next tick does not repeat it)."""
        self._last_status = _clean_status(status)
        return self.notifier.ready(self._last_status)

    def set_status(self, text: str) -> bool:
        text = _clean_status(text)
        if text == self._last_status:
            return False
        self._last_status = text
        return self.notifier.status(text)
