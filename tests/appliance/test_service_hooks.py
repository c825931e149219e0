"""ApplianceService: the calls `kiosk run` makes, seen from systemd's side of the socket."""

from __future__ import annotations

import contextlib
import socket

from kiosk.appliance.service import ApplianceService, status_line
from kiosk.appliance.systemd_notify import Notifier
from kiosk.config import Settings
from tests.appliance.test_systemd_notify import drain, notify_socket  # noqa: F401


def test_status_line():
    assert status_line({"camera": "ok", "printer": "paper out", "queue_depth": 2}) == (
        "camera ok; printer paper out; queue depth 2"
    )
    assert status_line({}) == "running"


def test_ready_once_then_ticks_ping_and_status_follows_devices(notify_socket):  # noqa: F811
    path, sock = notify_socket
    state = {"camera": "ok", "printer": "ok", "cloud": "online"}
    svc = ApplianceService.from_settings(
        Settings(),
        None,
        lambda: dict(state),
        environ={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "20000000"},
    )
    svc.tick()  # before the first frame: ping only, no STATUS
    svc.ready()
    svc.ready()  # idempotent
    svc.tick()  # same status: nothing new (ping rate-limited to 10 s)
    state["printer"] = "paper out"
    svc.tick()
    svc.stop()
    assert drain(sock) == [
        "WATCHDOG=1",
        "READY=1\nSTATUS=camera ok; printer ok; cloud online",
        "STATUS=camera ok; printer paper out; cloud online",
        "STOPPING=1",
    ]


def test_broken_status_source_never_raises(notify_socket):  # noqa: F811
    path, sock = notify_socket

    def boom():
        raise RuntimeError("x")

    svc = ApplianceService(Notifier(str(path)), None, boom)
    svc.ready()
    svc.tick()
    got = drain(sock)
    assert got[0] == "READY=1\nSTATUS=status unknown (RuntimeError)"
    assert isinstance(sock, socket.socket)


def test_kivy_clock_drives_the_watchdog_and_a_blocked_loop_stops_it(notify_socket):  # noqa: F811
    """The real integration: ApplianceService.tick scheduled on Kivy's Clock (no window)."""
    import time

    from kivy.clock import Clock

    path, sock = notify_socket
    svc = ApplianceService.from_settings(
        Settings(), None, environ={"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "100000"}
    )
    event = Clock.schedule_interval(svc.tick, 0)  # every frame
    sock.setblocking(False)
    alive: list[str] = []
    try:
        deadline = time.monotonic() + 0.6
        while time.monotonic() < deadline:  # the app's main loop, frame by frame
            Clock.tick()
            time.sleep(0.01)
            with contextlib.suppress(BlockingIOError):  # systemd reads as they come
                alive.append(sock.recv(100).decode())
        sock.settimeout(0.05)
        alive += drain(sock, 0.05)
        assert alive.count("WATCHDOG=1") >= 6, alive
        assert svc.notifier.dropped == 0
        time.sleep(0.5)  # the loop is stuck (no Clock.tick): nothing may be sent
        assert drain(sock, 0.1) == []
        Clock.tick()  # the loop recovers: pings resume at once
        assert drain(sock, 0.1) == ["WATCHDOG=1"]
    finally:
        event.cancel()
