"""The real `kiosk run` as a child process, paired with a reference server, for tests and bench.

What it gives a test or a benchmark, each at the kiosk's own boundary:
- a paired config in a folder of its own (token file 0600, preview printer, no camera);
- a serial scanner that is a pty: `scan(payload)` types a line into it, as a USB scanner does;
- the sd_notify socket the kiosk talks to under systemd: READY=1 and every WATCHDOG=1 ping,
  with the time it arrived (the pings come from the UI loop's clock, so their gaps measure
  how late the loop runs);
- the child's RSS, open descriptors and threads from /proc.
The window is whatever the environment says: DISPLAY unset draws offscreen, DISPLAY=:N on
an X server (Xvfb).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[2]


def pair_device(server_url: str, admin: Callable[[str, str, Any], Any], name: str) -> str:
    """A device token for a new kiosk, through the contract's own pairing call."""
    code = admin("POST", "/admin/pairing-codes", {"location_name": "Soak cafe"})["code"]
    r = requests.post(
        f"{server_url}/api/v1/devices/pair",
        json={"pairing_code": code, "device_name": name, "hardware": {}},
        timeout=10,
    )
    r.raise_for_status()
    return r.json()["device_token"]


def write_paired_config(folder: Path, server_url: str, token: str, serial_port: str = "") -> Path:
    """kiosk.toml for a paired kiosk whose every device is a stand-in (no camera, preview)."""
    folder.mkdir(parents=True, exist_ok=True)
    token_file = folder / "device.token"
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(token)
    config = folder / "kiosk.toml"
    config.write_text(
        f"""[device]
name = "soak"
state_dir = "{folder / "state"}"
token_file = "{token_file}"

[server]
url = "{server_url}"

[scanner]
camera = ""
serial_port = "{serial_port}"
serial_terminator = "\\r"

[printer]
uri = "preview:{folder / "prints"}"

[ui]
fullscreen = false
""",
        encoding="utf-8",
    )
    return config


class NotifySocket:
    """The sd_notify datagram socket, read on a thread: (monotonic time, message) pairs."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.messages: list[tuple[float, str]] = []
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._sock.bind(str(path))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="notify", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                data = self._sock.recv(4096)
                self.messages.append((time.monotonic(), data.decode(errors="replace")))

    def times_of(self, word: str) -> list[float]:
        return [t for t, m in list(self.messages) if word in m]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._sock.close()


@dataclass
class KioskProcess:
    """A running `kiosk run`; use as a context manager so it always ends."""

    config: Path
    env: Mapping[str, str] | None = None  # the child's whole environment; None: ours
    watchdog_usec: int = 200_000  # ping at most every 0.1 s: every UI tick (0.25 s) pings
    proc: subprocess.Popen | None = None
    notify: NotifySocket | None = None
    scanner_fd: int = -1
    log_path: Path | None = None

    @staticmethod
    def open_scanner_pty() -> tuple[int, str]:
        """A pty pair: the kiosk opens the slave as its serial scanner, we type into the master."""
        master, slave = os.openpty()
        path = os.ttyname(slave)
        os.close(slave)
        return master, path

    def start(self) -> KioskProcess:
        folder = self.config.parent
        self.notify = NotifySocket(folder / "notify.sock")
        env = dict(os.environ if self.env is None else self.env)
        env.update(
            NOTIFY_SOCKET=str(self.notify.path),
            WATCHDOG_USEC=str(self.watchdog_usec),
            KIVY_HOME=str(folder / "kivy"),
        )
        self.log_path = folder / "kiosk-run.log"
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--config", str(self.config)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        return self

    def wait_ready(self, timeout: float = 60.0) -> float:
        """Seconds from start to READY=1 (after the first frame); raises with the log tail."""
        assert self.proc is not None and self.notify is not None
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.notify.times_of("READY=1"):
                return self.notify.times_of("READY=1")[0] - start
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"kiosk run never sent READY=1:\n{self.log_tail()}")

    def scan(self, payload: str) -> None:
        os.write(self.scanner_fd, payload.encode() + b"\r")

    def log_tail(self, n: int = 3000) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")[-n:]

    # -- what /proc says --------------------------------------------------------------------

    def _status(self, key: str) -> int:
        assert self.proc is not None
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        raise KeyError(key)

    def rss_mib(self) -> float:
        return self._status("VmRSS") / 1024

    def threads(self) -> int:
        return self._status("Threads")

    def fds(self) -> int:
        assert self.proc is not None
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.notify is not None:
            self.notify.close()
        if self.scanner_fd >= 0:
            os.close(self.scanner_fd)
            self.scanner_fd = -1

    def __enter__(self) -> KioskProcess:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
