"""Fonts: Noto Sans CJK from the OS package fonts-noto-cjk, registered as Kivy's default.

Why the OS package and not a shipped font: Noto Sans CJK is ~100 MB per weight; Debian /
Raspberry Pi OS package it (fonts-noto-cjk, installed by scripts/bootstrap.sh). One face
covers Latin, Estonian diacritics, Hangul and Hanzi, so every label in every language
renders with the same metrics. The .ttc's first face (index 0) is used by SDL_ttf; its
Han glyphs follow the Japanese regional forms, close enough for short UI strings, and a
NotoSansCJKsc-*.otf next to it (if installed) is preferred for Simplified Chinese shapes.
Registering it under Kivy's DEFAULT_FONT name makes staff and technician screens use it
too without any change in their code.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIRS = (Path("/usr/share/fonts/opentype/noto"), Path("/usr/share/fonts/truetype/noto"))
FONT_NAME = "KioskSans"


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
    files = {"fn_regular": str(regular), "fn_bold": str(bold or regular)}
    LabelBase.register(FONT_NAME, **files)
    LabelBase.register(DEFAULT_FONT, **files)
    return str(regular)
