"""Write a file so a power cut leaves the old or the new content, never half of one.

Why temp file + fsync + rename + fsync of the folder: rename is atomic on POSIX, but only
once the data and then the directory entry are on disk. The temp file is created with the
final mode (0600 for anything secret), so the content is never readable by others, not
even for the moment before a chmod.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_atomic(path: Path, content: str | bytes, mode: int = 0o644) -> None:
    """Replace `path` with `content` (str as UTF-8), file mode `mode` from the first byte."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)  # left by a crash of an earlier process with our pid
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, mode)  # a new file of ours, never one planted or linked there
    try:
        os.fchmod(fd, mode)  # the umask may have narrowed it; be explicit
        os.write(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink in `folder` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):  # e.g. a filesystem without directory fsync
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
