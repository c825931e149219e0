"""Fixtures of the outbox tests: small and read-only file systems, a kiosk config."""

from __future__ import annotations

import contextlib
import gc
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

FAST = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _mount_tmpfs(path: Path, size: str, *, ro: bool = False) -> bool:
    """A real small file system when we may mount one (root in a container/VM)."""
    if os.geteuid() != 0:
        return False
    opts = f"size={size},mode=0755" + (",ro" if ro else "")
    res = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True
    )
    return res.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextlib.contextmanager
def small_fs(path: Path, size: str = "512k") -> Iterator[bool]:
    """Yields True with a tmpfs of `size` mounted at `path`, False when we cannot mount."""
    path.mkdir(parents=True, exist_ok=True)
    mounted = _mount_tmpfs(path, size)
    try:
        yield mounted
    finally:
        if mounted:
            _umount(path)


def remount_read_only(path: Path, mounted: bool) -> None:
    """Make a state dir read-only the way an SD card with errors goes: remount ro
    (or, without root, take the write permission away)."""
    if mounted:
        # A file closed a moment ago (a sync thread finishing, a connection the garbage
        # collector has not freed yet) makes the kernel answer "busy": collect and retry.
        for _ in range(50):
            gc.collect()
            done = subprocess.run(["mount", "-o", "remount,ro", str(path)], capture_output=True)
            if done.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"cannot remount {path} read-only: {done.stderr.decode()}")
    else:
        path.chmod(0o555)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    d = tmp_path / "state"
    d.mkdir()
    return d


# -- a shop: the reference server, a fault proxy in front, a paired device ---------------

import uuid  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

from kiosk.config import Settings, load_settings  # noqa: E402
from kiosk.stamping import Services, open_services  # noqa: E402
from tests.support.faultproxy import FaultProxy  # noqa: E402
from tests.support.refserver import RefServer  # noqa: E402

# Short timeouts and backoffs: the same code as in a shop, on a test's time scale.
TEST_OFFLINE = {
    "degraded_deadline_ms": 400,
    "retry_base_s": 0.05,
    "retry_max_s": 0.5,
    "sync_poll_s": 0.2,
}


@dataclass
class Shop:
    server: RefServer
    proxy: FaultProxy
    root: Path
    device_token: str = ""
    program_id: str = ""
    opened: list[Services] = field(default_factory=list)

    def setup(self) -> Shop:
        self.device_token = self.server.pair_device()
        self.program_id = self.server.program(cooldown_seconds=0)
        (self.root / "device.token").write_text(self.device_token)
        return self

    def card(self, program_id: str | None = None) -> dict:
        return self.server.card(program_id or self.program_id)

    def state_dir(self) -> Path:
        d = self.root / f"state-{uuid.uuid4().hex[:8]}"
        d.mkdir()
        return d

    def config(self, state_dir: Path, **offline: object) -> Path:
        """A real kiosk.toml for the CLI, pointing at the proxy."""
        values = {**TEST_OFFLINE, **offline}
        lines = [
            "[device]",
            f'state_dir = "{state_dir}"',
            f'token_file = "{self.root / "device.token"}"',
            "[server]",
            f'url = "{self.proxy.url}"',
            "connect_timeout_s = 1.0",
            "read_timeout_s = 2.0",
            "[offline]",
            *(f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in values.items()),
        ]
        path = state_dir.parent / f"{state_dir.name}.toml"
        path.write_text("\n".join(lines) + "\n")
        return path

    def settings(self, state_dir: Path, **offline: object) -> Settings:
        return load_settings(self.config(state_dir, **offline), environ={})

    def services(self, state_dir: Path | None = None, **offline: object) -> Services:
        svc = open_services(self.settings(state_dir or self.state_dir(), **offline))
        self.opened.append(svc)
        return svc

    def ledger(self, card_id: str) -> list[dict]:
        return self.server.admin("GET", f"/admin/cards/{card_id}")["ledger"]

    def close(self) -> None:
        for svc in self.opened:
            svc.close()
        self.opened.clear()
        self.proxy.set("pass")


def _shop(root: Path) -> Iterator[Shop]:
    server = RefServer(db=root / "ref.sqlite").start()
    proxy = FaultProxy(server.port).start()
    shop = Shop(server, proxy, root).setup()
    try:
        yield shop
    finally:
        shop.close()
        proxy.stop()
        server.stop()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    """One server + proxy for a test module; each test uses its own cards and state dir."""
    yield from _shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture
def clean_shop(shop: Shop) -> Iterator[Shop]:
    yield shop
    shop.close()
