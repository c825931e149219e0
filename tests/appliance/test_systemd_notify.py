"""sd_notify: a real AF_UNIX datagram socket stands in for systemd's notify socket."""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from kiosk.appliance.systemd_notify import LoopWatchdog, Notifier


@pytest.fixture
def notify_socket(tmp_path: Path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.05)
    yield path, sock
    sock.close()


def drain(sock: socket.socket, seconds: float = 0.2) -> list[str]:
    """Every datagram that arrives within `seconds`."""
    got, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            got.append(sock.recv(4096).decode())
        except TimeoutError:
            continue
    return got


def test_ready_status_and_watchdog_arrive_exactly(notify_socket):
    path, sock = notify_socket
    n = Notifier.from_env({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "30000000"})
    assert n.enabled and n.watchdog_interval_s == 30.0
    assert n.ready()
    assert n.status("camera ok\nprinter: paper out")
    assert n.watchdog()
    assert drain(sock) == ["READY=1", "STATUS=camera ok printer: paper out", "WATCHDOG=1"]


def test_noop_without_notify_socket():
    n = Notifier.from_env({})
    assert not n.enabled
    assert n.ready() is False and n.watchdog() is False and n.status("x") is False


def test_watchdog_usec_for_another_pid_is_ignored(notify_socket):
    path, _ = notify_socket
    env = {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}
    assert Notifier.from_env(env).watchdog_interval_s is None
    env["WATCHDOG_PID"] = str(os.getpid())
    assert Notifier.from_env(env).watchdog_interval_s == 1.0


def test_abstract_namespace_socket():
    name = f"kiosk-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(b"\0" + name.encode())
    sock.settimeout(1)
    try:
        assert Notifier("@" + name).ready("up")
        assert sock.recv(100) == b"READY=1\nSTATUS=up"
    finally:
        sock.close()


def test_dead_socket_never_raises(tmp_path):
    n = Notifier(str(tmp_path / "nobody-listens.sock"))
    assert n.watchdog() is False  # logged once, no exception reaches the UI loop
    assert n.watchdog() is False


def test_pings_while_loop_runs_and_none_once_stuck(notify_socket):
    """The pinger is driven by the loop's tick: a stuck loop means silence, so systemd restarts."""
    path, sock = notify_socket
    n = Notifier.from_env({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "100000"})
    wd = LoopWatchdog(n)  # half of WatchdogSec = 50 ms
    assert wd.interval_s == pytest.approx(0.05)
    stuck, stop = threading.Event(), threading.Event()
    release = threading.Event()

    def ui_loop():  # stands in for Kivy's Clock calling tick every frame (~16 ms)
        while not stop.is_set():
            if stuck.is_set():
                release.wait()  # a frozen UI: the loop never comes back to tick()
            wd.tick()
            time.sleep(0.016)

    t = threading.Thread(target=ui_loop, daemon=True)
    t.start()
    try:
        running = drain(sock, 0.6)
        assert running and set(running) == {"WATCHDOG=1"}
        assert 6 <= len(running) <= 13, running  # ~one per 50 ms, not one per frame
        stuck.set()
        time.sleep(0.1)  # let an in-flight tick finish
        drain(sock, 0.05)
        assert drain(sock, 0.5) == []  # stuck loop: no pings at all
    finally:
        stop.set()
        release.set()
        t.join(2)


def test_status_sent_only_on_change(notify_socket):
    path, sock = notify_socket
    wd = LoopWatchdog(Notifier(str(path)), interval_s=10, clock=lambda: 0.0)
    assert wd.set_status("camera ok, printer ok, cloud online")
    assert not wd.set_status("camera ok, printer ok, cloud online")
    assert wd.set_status("camera ok, printer PAPER OUT, cloud online")
    assert drain(sock) == [
        "STATUS=camera ok, printer ok, cloud online",
        "STATUS=camera ok, printer PAPER OUT, cloud online",
    ]


def test_tick_rate_limited_by_clock(notify_socket):
    path, sock = notify_socket
    now = [100.0]
    wd = LoopWatchdog(Notifier(str(path)), interval_s=5, clock=lambda: now[0])
    sent = []
    for _ in range(20):  # 20 frames at 0.5 s each = 10 s -> pings at 0, 5 (and not at 10)
        sent.append(wd.tick(0.5))
        now[0] += 0.5
    assert sent.count(True) == 2
    assert drain(sock) == ["WATCHDOG=1", "WATCHDOG=1"]


def _past_the_queue() -> int:
    """More datagrams than the kernel queues for a reader that never reads (the sysctl
    net.unix.max_dgram_qlen: 10 on some hosts, 512 on others)."""
    try:
        qlen = int(Path("/proc/sys/net/unix/max_dgram_qlen").read_text())
    except (OSError, ValueError):
        qlen = 512
    return 2 * qlen + 100


def test_a_full_notify_queue_never_blocks_the_ui_loop(notify_socket):
    """Nobody reads the socket (a stalled systemd): sends fail fast, they never block."""
    path, sock = notify_socket
    n = Notifier(str(path))
    t0 = time.monotonic()
    results = [n.watchdog() for _ in range(_past_the_queue())]
    assert time.monotonic() - t0 < 1.0
    assert results[0] is True and results[-1] is False and n.dropped > 0
    assert drain(sock, 0.1)[0] == "WATCHDOG=1"
    assert n.watchdog() is True  # room again: pings flow as soon as the reader catches up
