"""The shop's images (logo, slides, voucher images): downloaded once, checked, resized once,
kept in the state directory, and used from there (offline too).

Why so careful: the image URL comes from the cloud, and an image file is attacker-shaped
input for a decoder. Before anything is decoded: the size in bytes is capped, the file
must be a PNG, JPEG, WebP or GIF by its own header, and its width x height (read from the
header alone) must stay under MAX_PIXELS, so a "decompression bomb" (a tiny file that
decodes to gigapixels) is refused without allocating it. A refused image is a log line and
the default look; it never stops the kiosk.

Resized once on download to fit the screen (never decoded at full size per frame): the
kiosk's slide rotation then only loads small PNGs, and Kivy keeps their textures.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # 40 MP: any real photo; a bomb claims far more
FORMATS = ("PNG", "JPEG", "WEBP", "GIF")

Download = Callable[[str, int], bytes]  # (url, max_bytes) -> body; kiosk.api's download


class BadImage(ValueError):
    """Why an image was refused (the log line says it; the default look stays)."""


def prepare(data: bytes, box: tuple[int, int]) -> bytes:
    """Checked and resized to fit `box`: the PNG bytes to cache. Raises BadImage."""
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_BYTES:
        raise BadImage(f"too big ({len(data)} bytes > {MAX_BYTES})")
    try:
        img = Image.open(io.BytesIO(data))  # reads the header only
    except Image.DecompressionBombError:
        raise BadImage("a decompression bomb (Pillow's own limit)") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise BadImage(f"not an image ({type(exc).__name__})") from None
    if img.format not in FORMATS:
        raise BadImage(f"format {img.format} not accepted")
    width, height = img.size
    if width <= 0 or height <= 0 or width * height > MAX_PIXELS:
        raise BadImage(f"{width}x{height} px: a decompression bomb or far too large")
    try:
        img.draft("RGB", box)  # JPEG: decode at a reduced scale straight away
        img.thumbnail(box)  # the one full decode, already shrinking
        out = io.BytesIO()
        img.convert("RGBA").save(out, "PNG", optimize=False)
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
        raise BadImage(f"cannot decode ({type(exc).__name__})") from None
    return out.getvalue()


def host_of(url: str) -> str:
    """For a log line: the host, never the full URL (it may carry a signed token)."""
    return urlsplit(url).hostname or "?"


class MediaCache:
    """Images by URL and size, as small PNG files under <state_dir>/media."""

    def __init__(self, state_dir: Path | str) -> None:
        self.folder = Path(state_dir) / "media"

    def path_for(self, url: str, box: tuple[int, int]) -> Path:
        digest = hashlib.sha256(f"{url}\n{box[0]}x{box[1]}".encode()).hexdigest()[:32]
        return self.folder / f"{digest}.png"

    def cached(self, url: str, box: tuple[int, int]) -> Path | None:
        path = self.path_for(url, box)
        return path if path.is_file() else None

    def fetch(self, url: str, box: tuple[int, int], download: Download) -> Path | None:
        """The cached file (downloaded, checked and resized the first time), or None."""
        have = self.cached(url, box)
        if have is not None:
            return have
        try:
            data = download(url, MAX_BYTES)
            png = prepare(data, box)
        except BadImage as exc:
            log.warning("media: image from %s refused: %s", host_of(url), exc)
            return None
        except Exception as exc:  # noqa: BLE001 - offline or a broken server: default look
            log.info("media: image from %s not downloaded: %s", host_of(url), exc)
            return None
        return self._store(self.path_for(url, box), png)

    def _store(self, path: Path, png: bytes) -> Path | None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(png)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("media: not cached (%s)", exc)
            return None
        return path
