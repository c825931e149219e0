"""The device token file: written atomically with mode 0600, read back, removed.

Why atomic: a power cut during provisioning must leave either the old token or the new
one, never half a token (the kiosk would then be unpaired without anyone noticing). The
file is created 0600 from the first byte (os.open with the mode, not chmod afterwards),
fsynced, renamed over the old one, and the folder is fsynced so the rename survives.
"""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.appliance.logging_setup import register_secret
from kiosk.files.atomic import fsync_dir, write_atomic

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
        write_atomic(self.path, token + "\n", TOKEN_MODE)

    def remove(self) -> bool:
        """Delete the token; True when there was one."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        fsync_dir(self.path.parent)
        return True

    def mode(self) -> int | None:
        """Permission bits of the file (e.g. 0o600), or None when it does not exist."""
        try:
            return stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return None
