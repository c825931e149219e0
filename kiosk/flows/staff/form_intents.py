"""Intents of the issue-voucher form (issue_form.py), one per action its screen sends."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flows.runtime import Intent


@dataclass(frozen=True)
class FormIntent(Intent):
    """Base of the form's intents: the staff flow hands these to the form sub-flow."""


@dataclass(frozen=True)
class Focus(FormIntent):
    field: str = ""


@dataclass(frozen=True)
class Key(FormIntent):
    """A key of the on-screen keyboard; `ime` = "pinyin" from the pinyin layer."""

    char: str = ""
    field: str = ""
    ime: str = ""


@dataclass(frozen=True)
class Backspace(FormIntent):
    field: str = ""


@dataclass(frozen=True)
class SetText(FormIntent):
    text: str = ""
    field: str = ""


@dataclass(frozen=True)
class PickCandidate(FormIntent):
    index: object = -1


@dataclass(frozen=True)
class CandidatePage(FormIntent):
    delta: object = 0


@dataclass(frozen=True)
class EndCompose(FormIntent):
    """The keyboard switched layers: what is composed is final."""


@dataclass(frozen=True)
class SetCodeMode(FormIntent):
    mode: str = ""


@dataclass(frozen=True)
class SetSymbology(FormIntent):
    value: str = ""


@dataclass(frozen=True)
class SetValidity(FormIntent):
    kind: str = ""


@dataclass(frozen=True)
class DateStep(FormIntent):
    unit: str = ""
    delta: object = 0


@dataclass(frozen=True)
class NextImage(FormIntent):
    pass


@dataclass(frozen=True)
class TogglePrint(FormIntent):
    pass


@dataclass(frozen=True)
class Search(FormIntent):
    pass


@dataclass(frozen=True)
class PickCustomer(FormIntent):
    card_id: str = ""


@dataclass(frozen=True)
class ClearCustomer(FormIntent):
    pass


@dataclass(frozen=True)
class Generate(FormIntent):
    pass
