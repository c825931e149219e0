"""A throwaway PostgreSQL server for tests: Debian's `postgresql` package, a temporary data
directory, a free port on 127.0.0.1, trust auth, fsync off; stopped and deleted after.

Debian keeps the server binaries in /usr/lib/postgresql/<major>/bin (not on PATH). The
server refuses to run as root, so as root it runs as the package's `postgres` user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from refserver.process import free_port

SKIP_REASON = "PostgreSQL server missing: apt-get install postgresql (CI installs it)"


def server_bin() -> Path | None:
    """The newest installed major version's bin directory, else initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _major(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


class PostgresServer:
    def __init__(self, *, durable: bool = False) -> None:
        """`durable`: fsync on and commits not waited for (synchronous_commit=off), like
        the reference server's SQLite (WAL, synchronous=NORMAL): for benchmarks. Else
        nothing is synced, for fast tests."""
        self.durable = durable
        bindir = server_bin()
        if bindir is None:
            raise RuntimeError(SKIP_REASON)
        self.bindir = bindir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
        self.data = self.root / "data"
        self.proc: subprocess.Popen[bytes] | None = None
        self.user: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            self.user = pwd.getpwnam("postgres")
            os.chmod(self.root, 0o755)

    def _as_user(self) -> dict:
        if self.user is None:
            return {}
        uid, gid = self.user.pw_uid, self.user.pw_gid
        return {"user": uid, "group": gid, "extra_groups": []}

    def start(self) -> PostgresServer:
        self.data.mkdir(mode=0o700)
        sock = self.root / "sock"
        sock.mkdir()
        if self.user is not None:
            for p in (self.data, sock):
                os.chown(p, self.user.pw_uid, self.user.pw_gid)
        subprocess.run(
            [str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--no-locale", "--no-sync"],
            check=True, capture_output=True, cwd=self.root, **self._as_user(),
        )  # fmt: skip
        log = open(self.root / "server.log", "ab")  # noqa: SIM115 - the child keeps it
        self.proc = subprocess.Popen(
            [str(self.bindir / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-k", str(sock), "-c", "listen_addresses=127.0.0.1",
             "-c", "synchronous_commit=off", "-c", "max_connections=200", *self._sync_args()],
            stdout=log, stderr=subprocess.STDOUT, cwd=self.root, **self._as_user(),
        )  # fmt: skip
        self._wait_ready()
        return self

    def _sync_args(self) -> list[str]:
        return [] if self.durable else ["-c", "fsync=off", "-c", "full_page_writes=off"]

    def _wait_ready(self, timeout: float = 30.0) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError((self.root / "server.log").read_text()[-2000:])
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError("PostgreSQL did not start in time")

    def url(self, db: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: smart shutdown
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        shutil.rmtree(self.root, ignore_errors=True)
