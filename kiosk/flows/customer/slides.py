"""The attract screen's slides: which one shows now, and when the next one comes.

Pure: the slides arrive as an event (`SlidesChanged`, from the appliance once their images
are cached on disk), time comes in as `now`. A slide shows `seconds` at a time, only
between its `start` and `until` (wall clock) and only in its languages; an expired slide
simply drops out of the rotation. The attract screen's own words ("Scan your card here")
stay on top; scanning is not touched by any of this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kiosk.flows.runtime import Event


@dataclass(frozen=True)
class ShownSlide:
    """A slide whose image is cached (a local, already resized file)."""

    path: str
    seconds: float = 8.0
    start: datetime | None = None
    until: datetime | None = None
    languages: tuple[str, ...] = ()

    def active(self, wall: datetime, lang: str) -> bool:
        if self.start is not None and wall < self.start:
            return False
        if self.until is not None and wall >= self.until:
            return False
        return not self.languages or lang in self.languages


class SlidesChanged(Event):
    """The shop's slides (cached images), from the appliance: replaces the rotation."""

    slides: tuple[ShownSlide, ...]


def pick(
    slides: tuple[ShownSlide, ...],
    current: str,
    since: float,
    mono: float,
    wall: datetime,
    lang: str,
) -> tuple[str, float]:
    """(the slide to show, since when): the current one until its time is up, then the
    next active one; "" when none is active."""
    active = [s for s in slides if s.active(wall, lang)]
    if not active:
        return "", mono
    paths = [s.path for s in active]
    if current not in paths:
        return paths[0], mono
    i = paths.index(current)
    if mono - since >= active[i].seconds:
        return paths[(i + 1) % len(paths)], mono
    return current, since
