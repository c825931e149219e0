"""Find fonts for rasterised text and the preview, on any Debian/Raspberry Pi OS box.

WHY: a receipt printer's code page cannot hold Korean or Chinese, so such text is drawn
as an image. Noto Sans CJK (apt: fonts-noto-cjk) covers Hangul, Han, Kana, Latin and
Cyrillic; DejaVu (fonts-dejavu-core) is the Latin/Cyrillic/Greek/Hebrew/Arabic fallback
and gives the monospace face the preview uses to imitate the printer's own font.
Lookup: fontconfig (fc-match) first, then a glob over the usual folders.
"""

from __future__ import annotations

import functools
import glob
import shutil
import subprocess
from pathlib import Path

from PIL import ImageFont

FONT_DIRS = ["/usr/share/fonts", "/usr/local/share/fonts", str(Path.home() / ".fonts")]

# family for fc-match, file-name globs as fallback
_WANTED = {
    "cjk": ("Noto Sans CJK KR", ["**/NotoSansCJK-Regular.ttc", "**/NotoSansCJK*.ttc"]),
    "cjk-bold": ("Noto Sans CJK KR:bold", ["**/NotoSansCJK-Bold.ttc", "**/NotoSansCJK*.ttc"]),
    "sans": ("DejaVu Sans", ["**/DejaVuSans.ttf"]),
    "sans-bold": ("DejaVu Sans:bold", ["**/DejaVuSans-Bold.ttf"]),
    "mono": ("DejaVu Sans Mono", ["**/DejaVuSansMono.ttf"]),
    "mono-bold": ("DejaVu Sans Mono:bold", ["**/DejaVuSansMono-Bold.ttf"]),
}
# face names inside the Noto CJK collection, per language (all faces hold all CJK glyphs;
# the regional face draws the shapes readers of that language expect)
_CJK_FACE = {"ko": "KR", "zh": "SC", "ja": "JP"}


def _fc_match(pattern: str) -> str | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


@functools.cache
def find_font(kind: str) -> str | None:
    """Path of the font file for `kind` (see _WANTED), or None if none is installed."""
    family, globs = _WANTED[kind]
    path = _fc_match(family)
    wanted_stem = Path(globs[0]).name.split("*")[0].split(".")[0]
    if path and Path(path).name.startswith(wanted_stem):
        return path
    for d in FONT_DIRS:
        for g in globs:
            hits = sorted(glob.glob(str(Path(d) / g), recursive=True))
            if hits:
                return hits[0]
    return None


@functools.cache
def _cjk_index(path: str, language: str) -> int:
    want = _CJK_FACE.get(language, "KR")
    for i in range(12):
        try:
            name = ImageFont.truetype(path, 10, index=i).getname()[0] or ""
        except OSError:
            break
        if name.endswith(f" {want}"):
            return i
    return 0


@functools.cache
def load(
    kind: str, size: int, language: str = "en"
) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font; falls back to Pillow's built-in font so printing never stops on fonts."""
    path = find_font(kind)
    if not path:
        fallback = {"cjk": "sans", "cjk-bold": "sans-bold"}.get(kind)
        if fallback:
            return load(fallback, size, language)
        return ImageFont.load_default(size)
    index = _cjk_index(path, language) if path.endswith(".ttc") else 0
    return ImageFont.truetype(path, size, index=index)


def needs_cjk(text: str) -> bool:
    """True when text holds Hangul, Han or Kana (DejaVu has none of them)."""
    for ch in text:
        o = ord(ch)
        if (
            0x1100 <= o <= 0x11FF
            or 0x2E80 <= o <= 0x9FFF
            or 0xAC00 <= o <= 0xD7AF
            or 0xF900 <= o <= 0xFAFF
            or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x3FFFF
        ):
            return True
    return False


def describe() -> dict[str, str | None]:
    """Which font files are in use (for `kiosk doctor` and docs)."""
    return {kind: find_font(kind) for kind in _WANTED}
