"""ApplianceService: the calls `kiosk run` makes, seen from systemd's side of the socket."""

from __future__ import annotations

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
