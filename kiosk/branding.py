"""The shop's look on its kiosk: logo, two colours, voucher images, checked and cached.

Why the colours are checked here: they come from the shop's admin, and a pale primary with
the kiosk's cream text would make "Scan your card here" unreadable. Before use each colour
must give the text drawn on it (or with it) a WCAG contrast of at least 4.5:1; a colour
that fails is not used (the default stays) and the reason is kept for `kiosk doctor`.

What the cloud sends (GET /device `branding`): `logo_url`, `primary` (the screens'
background), `accent` (titles, the main button), `voucher_images` (milestone stamps ->
URL). The images go through kiosk/media.py (checked, resized once, cached); the result is
written to <state_dir>/branding.json and read at start, so the look survives offline.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.media import Download, MediaCache

log = logging.getLogger(__name__)

FILE_NAME = "branding.json"
MIN_CONTRAST = 4.5
LOGO_BOX = (400, 400)
VOUCHER_BOX = (800, 500)
# the default look's text colours (kiosk/ui/theme.py CUSTOMER): what a colour must carry
TEXT = "#FFF8EB"  # cream text on the background
MUTED = "#D9CCBD"  # muted text on the background
DARK = "#1C1714"  # the label on an accent-coloured button


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of #RRGGBB."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def rgba(hex_colour: str) -> tuple[float, float, float, float]:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r, g, b, 1.0)


@dataclass(frozen=True)
class Look:
    """What the kiosk uses: local files and checked colours (None: the default)."""

    logo: str | None = None
    primary: str | None = None
    accent: str | None = None
    voucher_images: dict[str, str] = field(default_factory=dict)  # image URL -> local file
    fallbacks: tuple[str, ...] = ()  # why a colour was not used (doctor shows these)

    @classmethod
    def load(cls, state_dir: Path | str) -> Look:
        try:
            data = json.loads((Path(state_dir) / FILE_NAME).read_text(encoding="utf-8"))
            return cls(
                logo=data.get("logo"),
                primary=data.get("primary"),
                accent=data.get("accent"),
                voucher_images=dict(data.get("voucher_images") or {}),
                fallbacks=tuple(data.get("fallbacks") or ()),
            )
        except FileNotFoundError:
            return cls()
        except (ValueError, TypeError, AttributeError) as exc:
            log.warning("branding: cached look unreadable (%s); default look", exc)
            return cls()

    def save(self, state_dir: Path | str) -> None:
        path = Path(state_dir) / FILE_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self)), encoding="utf-8")
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("branding: not cached (%s)", exc)


def check_colours(
    primary: str | None, accent: str | None
) -> tuple[str | None, str | None, list[str]]:
    """The colours fit to use (None where the default stays) and why any was dropped."""
    why: list[str] = []
    if primary is not None:
        worst = min(contrast(primary, TEXT), contrast(primary, MUTED))
        if worst < MIN_CONTRAST:
            why.append(
                f"primary {primary}: text on it {worst:.1f}:1 < {MIN_CONTRAST}:1, default kept"
            )
            primary = None
    if accent is not None:
        on_button = contrast(accent, DARK)
        background = primary or "#1C1714"
        as_title = contrast(accent, background)
        worst = min(on_button, as_title)
        if worst < MIN_CONTRAST:
            why.append(
                f"accent {accent}: {worst:.1f}:1 < {MIN_CONTRAST}:1 "
                f"(label on it {on_button:.1f}, as titles {as_title:.1f}), default kept"
            )
            accent = None
    for reason in why:
        log.warning("branding: %s", reason)
    return primary, accent, why


def build(branding: dict[str, Any], state_dir: Path | str, download: Download) -> Look:
    """The look from the cloud's `branding`: images fetched once, colours checked."""
    media = MediaCache(state_dir)
    primary, accent, why = check_colours(
        _colour(branding.get("primary")), _colour(branding.get("accent"))
    )
    logo_url = branding.get("logo_url")
    logo = media.fetch(logo_url, LOGO_BOX, download) if isinstance(logo_url, str) else None
    if isinstance(logo_url, str) and logo is None:
        why.append("logo: not usable (see the log), default look")
    images: dict[str, str] = {}
    for url in dict(branding.get("voucher_images") or {}).values():
        path = media.fetch(str(url), VOUCHER_BOX, download)
        if path is not None:
            images[str(url)] = str(path)
    return Look(str(logo) if logo else None, primary, accent, images, tuple(why))


def _colour(value: object) -> str | None:
    if isinstance(value, str) and len(value) == 7 and value.startswith("#"):
        try:
            int(value[1:], 16)
        except ValueError:
            return None
        return value.upper()
    return None
