"""Fonts: Noto Sans CJK from the OS package fonts-noto-cjk, registered as Kivy's default.

Why the OS package and not a shipped font: Noto Sans CJK is ~100 MB per weight; Debian /
Raspberry Pi OS package it (fonts-noto-cjk, installed by scripts/bootstrap.sh). One face
covers Latin, Estonian diacritics, Hangul and Hanzi, so every label in every language
renders with the same metrics. The .ttc's first face (index 0) is used by SDL_ttf; its
Han glyphs follow the Japanese regional forms, close enough for short UI strings, and a
NotoSansCJKsc-*.otf next to it (if installed) is preferred for Simplified Chinese shapes.
Registering it under Kivy's DEFAULT_FONT name makes staff and technician screens use it
too without any change in their code.

Why Latin-only text is drawn in Roboto (bundled with Kivy) instead: FreeType draws Noto Sans
CJK's š ž Š Ž with the caron beside the letter, not above it (every face of the .ttc, every
size, through SDL_ttf and Pillow alike), and Estonian needs them ("vautšer", "režiim").
Text that holds Hangul or Han keeps the CJK font (text_font decides, label by label).
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),  # Debian, Raspberry Pi OS
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/noto-cjk"),  # Arch
)
FONT_NAME = "KioskSans"
LATIN_FONT = "KioskLatin"  # Kivy's own Roboto, registered under a name nobody overrides
_registered_latin = False
_registered_cjk = False


def has_cjk(text: str) -> bool:
    """Hangul or Han (or CJK punctuation, full-width forms) in the text."""
    return any(
        0x1100 <= o <= 0x11FF or 0x2E80 <= o <= 0xD7AF or 0xF900 <= o <= 0xFFEF
        for o in map(ord, text)
    )


def latin_font() -> str:
    """The name of Kivy's bundled Roboto (regular + bold), registered on first use."""
    global _registered_latin
    if not _registered_latin:
        from kivy import kivy_data_dir
        from kivy.core.text import LabelBase

        fonts = Path(kivy_data_dir) / "fonts"
        LabelBase.register(
            LATIN_FONT,
            fn_regular=str(fonts / "Roboto-Regular.ttf"),
            fn_bold=str(fonts / "Roboto-Bold.ttf"),
        )
        _registered_latin = True
    return LATIN_FONT


def text_font(text: str, cjk: str | None = None) -> str:
    """The font for one label's text: Noto Sans CJK (or `cjk`) when it holds Hangul or
    Han, else Roboto."""
    if has_cjk(text):
        return cjk or cjk_font()
    return latin_font()


def cjk_font() -> str:
    """Noto Sans CJK by its registered name (regular + bold faces) once register_fonts ran,
    else by its file; Kivy's default font if it is not installed."""
    if _registered_cjk:
        return FONT_NAME
    found = find_font()
    if found is not None:
        return str(found)
    from kivy.core.text import DEFAULT_FONT

    return DEFAULT_FONT or "Roboto"  # Kivy's own default, set when its text core loads


@functools.cache  # asked on every label's text change: fonts do not appear at run time
def find_font(weight: str = "Regular") -> Path | None:
    for folder in FONT_DIRS:
        for name in (f"NotoSansCJKsc-{weight}.otf", f"NotoSansCJK-{weight}.ttc"):
            if (folder / name).is_file():
                return folder / name
    return None


def register_fonts() -> str | None:
    """Register Noto Sans CJK as the default font; returns the file used (None = Kivy's Roboto)."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    regular, bold = find_font("Regular"), find_font("Bold")
    if regular is None:
        log.warning("fonts-noto-cjk not installed: Korean and Chinese text will not render")
        return None
    global _registered_cjk
    files = {"fn_regular": str(regular), "fn_bold": str(bold or regular)}
    LabelBase.register(FONT_NAME, **files)
    LabelBase.register(DEFAULT_FONT, **files)
    _registered_cjk = True
    return str(regular)
