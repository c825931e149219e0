"""What reaches the pairing screen besides scans: the language, and the reason it shows."""

from __future__ import annotations

from kiosk.flows.runtime import Event, Intent, Wake

__all__ = ["ChooseLanguage", "NotServing", "Wake"]


class ChooseLanguage(Intent):
    """The words' language (the "language" action)."""

    lang: str = ""


class NotServing(Event):
    """Why the kiosk is not serving (not paired, no scanner): the technician line."""

    reason: str = ""
