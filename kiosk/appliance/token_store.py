"""The device token file: written atomically with mode 0600, read back, removed.

Why atomic: a power cut during provisioning must leave either the old token or the new
one, never half a token (the kiosk would then be unpaired without anyone noticing). The
file is created 0600 from the first byte (os.open with the mode, not chmod afterwards),
fsynced, renamed over the old one, and the folder is fsynced so the rename survives.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from kiosk.appliance.logging_setup import register_secret

TOKEN_MODE = 0o600


class TokenStore:
    """One token in one file. Reading a token registers it for log redaction."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def read(self) -> str | None:
        """The token, or None when the kiosk is not paired (file missing or empty)."""
        try:
            token = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        register_secret(token)
        return token or None

    def write(self, token: str) -> None:
        token = token.strip()
        if not token or "\n" in token:
            raise ValueError("a device token is one non-empty line")
        register_secret(token)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, TOKEN_MODE)
        try:
            os.fchmod(fd, TOKEN_MODE)  # umask cannot widen it, but be explicit
            os.write(fd, (token + "\n").encode("utf-8"))
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        os.close(fd)
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)

    def remove(self) -> bool:
        """Delete the token; True when there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        _fsync_dir(self.path.parent)
        return True

    def mode(self) -> int | None:
        """Permission bits of the file (e.g. 0o600), or None when it does not exist."""
        try:
            return stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return None


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some filesystems refuse O_RDONLY dir fsync
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
