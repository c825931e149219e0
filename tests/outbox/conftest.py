"""Fixtures of the outbox tests: small and read-only file systems, a kiosk config."""

from __future__ import annotations

import contextlib
import os
import subprocess
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
        subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True)
    else:
        path.chmod(0o555)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    d = tmp_path / "state"
    d.mkdir()
    return d
