"""Import python-escpos without its side effects.

WHY: escpos.capabilities calls tempfile.mkdtemp() on every import to cache a pickle of its
printer database, leaving one empty folder in /tmp per process (FIELD-NOTES). It reads
ESCPOS_CAPABILITIES_PICKLE_DIR, but as `environ.get(NAME, mkdtemp())`: the default is made
even when the variable is set. So we set the variable to one folder of our own, private to
this user (the cache is a pickle: a folder others can write to would let them run code in
us), and for the duration of the import point tempfile's mkdtemp at that same folder, so no
new folder is created. Every module of devices/printer imports escpos through here.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path
from typing import Any, Protocol, cast

from PIL import Image

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _private_dir(path: Path) -> bool:
    """True if `path` exists (or was made) as a folder owned by us, not writable by others."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = path.stat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(st.st_mode)
        and st.st_uid == os.getuid()
        and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        and os.access(path, os.W_OK)
    )


def cache_dir() -> Path:
    """Where the escpos capabilities pickle lives: $KIOSK_ESCPOS_CACHE, ~/.cache, else /tmp."""
    candidates: list[Path] = []
    if os.environ.get("KIOSK_ESCPOS_CACHE"):
        candidates.append(Path(os.environ["KIOSK_ESCPOS_CACHE"]))
    xdg = os.environ.get("XDG_CACHE_HOME") or (Path.home() / ".cache")
    candidates.append(Path(xdg) / "stamp-kiosk" / "escpos")
    candidates.append(Path(tempfile.gettempdir()) / f"stamp-kiosk-escpos-{os.getuid()}")
    for cand in candidates:
        if _private_dir(cand):
            return cand
    return Path(tempfile.mkdtemp(prefix="stamp-kiosk-escpos-"))  # last resort, still private


if not os.environ.get(ENV):
    os.environ[ENV] = str(cache_dir())

# escpos.capabilities also calls logging.basicConfig() on import, which would make the
# app's own later basicConfig(level=...) a silent no-op: undo the handler it adds.
_root_handlers = list(logging.root.handlers)
_real_mkdtemp = tempfile.mkdtemp


def _our_cache_dir(*_args: object, **_kwargs: object) -> str:
    return os.environ[ENV]


tempfile.mkdtemp = _our_cache_dir
try:
    from escpos import capabilities  # pyright: ignore[reportMissingTypeStubs] - no stubs: Any below
finally:
    tempfile.mkdtemp = _real_mkdtemp
    for _h in logging.root.handlers[:]:
        if _h not in _root_handlers:
            logging.root.removeHandler(_h)

from escpos import printer  # noqa: E402  # pyright: ignore[reportMissingTypeStubs] - as above
from escpos.constants import QR_ECLEVEL_M  # noqa: E402  # pyright: ignore[reportMissingTypeStubs] - as above
from escpos.exceptions import DeviceNotFoundError  # noqa: E402  # pyright: ignore[reportMissingTypeStubs] - as above

# python-escpos ships no type stubs and annotates little, so its printer classes are Any
# here; the rest of devices/printer gets them only through the typed names below.
escpos_printer: Any = printer
_capabilities: Any = capabilities


def profile_data(name: str) -> dict[str, object]:
    """The capabilities database entry of one printer model (JSON: features, media, codePages)."""
    return cast(dict[str, object], _capabilities.get_profile(name).profile_data)


class EscposCommands(Protocol):
    """What the renderer asks of escpos's Dummy printer: commands collected as bytes."""

    @property
    def output(self) -> bytes: ...

    def clear(self) -> None: ...

    def image(self, img_source: Image.Image, *, impl: str, center: bool) -> None: ...

    def qr(self, content: str, *, ec: int, size: int, native: bool) -> None: ...

    def barcode(
        self,
        code: str,
        bc: str,
        *,
        height: int,
        width: int,
        pos: str,
        function_type: str,
        align_ct: bool,
    ) -> None: ...

    def cut(self) -> None: ...


def command_buffer(profile: str) -> EscposCommands:
    """An escpos Dummy printer for the `profile` model: escpos commands in, bytes out."""
    dummy: EscposCommands = escpos_printer.Dummy(profile=profile)
    return dummy


__all__ = [
    "DeviceNotFoundError",
    "QR_ECLEVEL_M",
    "EscposCommands",
    "cache_dir",
    "command_buffer",
    "escpos_printer",
    "profile_data",
]
