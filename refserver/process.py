"""The reference server as a child process: `kiosk server` on 127.0.0.1, started, waited
for, stopped. Shared by `kiosk demo` and the tests so both run the server the way outside
checks do (same command line, same SQLite file across restarts)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """One `kiosk server --port --db` child; stop() then start() keeps port and database."""

    def __init__(
        self,
        db: Path,
        *,
        port: int | None = None,
        log_path: Path | None = None,
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.db = Path(db)
        self.port = port or free_port()
        self.log_path = log_path or self.db.with_suffix(".log")
        self.args = list(args)
        self.env = dict(env or {})
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> None:
        """Start and return once the port accepts connections (uvicorn binds after the app
        is built, so an open port means the server answers)."""
        cmd = [sys.executable, "-m", "kiosk", "server", "--port", str(self.port)]
        cmd += ["--db", str(self.db), *self.args]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:  # the child keeps its own copy of the fd
            self.proc = subprocess.Popen(
                cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env}
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"the reference server exited ({self.log_path}):\n{tail}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the reference server did not start within {timeout:.0f} s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
