"""The shop's slides for the attract screen, wired: cloud list -> cached images -> the flow.

Why in the composition root: it joins the API client (the list and the downloads), the
media cache (kiosk/media.py) and the customer flow's event (SlidesChanged). The last list
the cloud gave is kept in <state_dir>/slides.json, so a kiosk that starts offline shows
the slides it has cached; an image that cannot be had is simply not in the rotation.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.api.client import LoyaltyClient
from kiosk.api.models import Slide
from kiosk.config import Settings
from kiosk.flows.customer.slides import ShownSlide, SlidesChanged
from kiosk.media import MediaCache

log = logging.getLogger(__name__)

LIST_FILE = "slides.json"


class SlideSync:
    """Downloads (once), resizes (once) and lists the shop's slides for the flow."""

    def __init__(self, state_dir: Path | str, box: tuple[int, int], download: Any = None) -> None:
        self.state_dir = Path(state_dir)
        self.media = MediaCache(self.state_dir)
        self.box = box
        self.download = download

    def from_cloud(self, slides: Iterable[Slide]) -> SlidesChanged:
        """The cloud's list: fetch what is missing, remember the list for offline starts."""
        slides = tuple(slides)
        self._remember(slides)
        shown = []
        for slide in slides:
            path = self.media.fetch(slide.image_url, self.box, self.download)
            if path is not None:
                shown.append(_shown(slide, path))
        return SlidesChanged(tuple(shown))

    def from_cache(self) -> SlidesChanged:
        """Offline: the last list, with the images cached from it."""
        shown = []
        for slide in self._remembered():
            path = self.media.cached(slide.image_url, self.box)
            if path is not None:
                shown.append(_shown(slide, path))
        return SlidesChanged(tuple(shown))

    def _remember(self, slides: tuple[Slide, ...]) -> None:
        rows = [
            {
                "image_url": s.image_url,
                "seconds": s.seconds,
                "from": s.start.isoformat() if s.start else None,
                "until": s.until.isoformat() if s.until else None,
                "languages": list(s.languages),
            }
            for s in slides
        ]
        try:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.state_dir / (LIST_FILE + ".tmp")
            tmp.write_text(json.dumps(rows), encoding="utf-8")
            os.replace(tmp, self.state_dir / LIST_FILE)
        except OSError as exc:
            log.warning("slides: list not cached (%s)", exc)

    def _remembered(self) -> list[Slide]:
        try:
            rows = json.loads((self.state_dir / LIST_FILE).read_text(encoding="utf-8"))
            return [Slide.from_json(r) for r in rows]
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("slides: cached list unreadable (%s)", exc)
            return []


def _shown(slide: Slide, path: Path) -> ShownSlide:
    return ShownSlide(
        path=str(path),
        seconds=float(slide.seconds),
        start=slide.start,
        until=slide.until,
        languages=slide.languages,
    )


def slide_sync(settings: Settings, client: LoyaltyClient) -> SlideSync:
    """The kiosk's SlideSync: images sized for its window, fetched through kiosk.api."""
    box = (int(settings.ui.width) or 1280, int(settings.ui.height) or 800)
    return SlideSync(Path(settings.device.state_dir), box, client.download)


def use_cached_look(settings: Settings) -> None:
    """The UI's theme from the cached look (kiosk/branding.py), before screens are built."""
    from kiosk.branding import Look
    from kiosk.ui.look import apply

    apply(Look.load(settings.device.state_dir))


def refresh_look(settings: Settings, client: LoyaltyClient, branding: dict[str, Any]) -> None:
    """The cloud's branding, downloaded once, checked and cached (used from the next start)."""
    from kiosk.branding import build

    build(branding, settings.device.state_dir, client.download).save(settings.device.state_dir)
