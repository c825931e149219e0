"""What reaches the pairing screen besides scans: the language, and the reason it shows."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flows.runtime import Event, Intent


@dataclass(frozen=True)
class ChooseLanguage(Intent):
    """The words' language (the "language" action)."""

    lang: str = ""


@dataclass(frozen=True)
class Wake(Intent):
    """A touch anywhere (the app's "wake"): nothing to do on this screen."""


@dataclass(frozen=True)
class NotServing(Event):
    """Why the kiosk is not serving (not paired, no scanner): the technician line."""

    reason: str = ""
