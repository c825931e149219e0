"""How every file under [device] state_dir is created, replaced and moved aside.

Why one module: the outbox, the card cache, the day log and the print record hold card
tokens, first names and redeem codes. Outside systemd (a technician's shell, a test, a
desktop) the umask may be 022 or even 000, so a file made the ordinary way would be
world-readable from its first byte. Here every state file is created 0600 with O_EXCL
whatever the umask. SQLite gives its -wal, -shm and -journal files the mode of the
database file, so creating the database file first covers them too.

And a damaged file is moved aside, never over another one: each move gets a name of its
own (time plus a random part) and is done with link + unlink, which refuses to replace.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import uuid
from datetime import UTC, datetime
from pathlib import Path

PRIVATE = 0o600
# group may read (0640 with the kiosk group is fine); group write and any "other" bit not
LOOSE_BITS = stat.S_IWGRP | stat.S_IRWXO | stat.S_IXGRP
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def tighten(path: Path) -> None:
    """Take group-write and every 'other' bit off an existing file (made by an old build)."""
    with contextlib.suppress(FileNotFoundError):
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & LOOSE_BITS:
            os.chmod(path, mode & ~LOOSE_BITS & 0o777)


def create_private(path: Path) -> bool:
    """Create `path` empty with mode 0600 unless it exists (then tighten it); True if made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE)
    except FileExistsError:
        tighten(path)
        return False
    os.close(fd)
    return True


def prepare_sqlite(path: Path) -> None:
    """Call before sqlite3.connect(path): the database (and so its side files) is 0600."""
    create_private(path)
    for suffix in SQLITE_SIDE_FILES:
        tighten(Path(f"{path}{suffix}"))


SQLITE_CACHE_KIB = 512  # per connection; SQLite's default is 2000 KiB


def bound_sqlite_memory(conn: sqlite3.Connection) -> None:
    """Call right after sqlite3.connect: cap this connection's page cache.

    Why: each connection's page cache grows with the pages it touches until its cap, so a
    kiosk's RSS crept for thousands of scans (outbox rows are kept up to 10,000) before it
    settled at SQLite's default 2 MiB a connection. A small fixed cap makes the memory budget
    known and reached within a day; the OS page cache still holds the file, so reads stay
    fast (bench/soak.py measures the creep, issue 20).
    """
    conn.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


def _link_away(src: Path, dst: Path) -> None:
    """Move without ever replacing: link fails if `dst` exists, then drop the old name."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: check, then rename
        if os.path.lexists(dst):
            raise FileExistsError(dst) from None
        os.rename(src, dst)
        return
    os.unlink(src)


def move_aside(path: Path, label: str = "corrupt", side_files: tuple[str, ...] = ()) -> Path:
    """Rename `path` (and its side files) to a name no other move can have; returns it.

    <name>.<label>-<UTC time>-<random>: two moves in the same second still differ, and a
    name that exists anyway is never overwritten (FileExistsError -> a new random part).
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    while True:
        moved = path.with_name(f"{path.name}.{label}-{stamp}-{uuid.uuid4().hex[:8]}")
        try:
            _link_away(path, moved)
            break
        except FileExistsError:
            continue
    for suffix in side_files:
        src = Path(f"{path}{suffix}")
        if src.exists():
            _link_away(src, Path(f"{moved}{suffix}"))
    return moved
