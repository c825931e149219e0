"""Intents of the issue-voucher form (issue_form.py), one per action its screen sends."""

from __future__ import annotations

from kiosk.flows.runtime import Intent


class FormIntent(Intent):
    """Base of the form's intents: the staff flow hands these to the form sub-flow."""


class Focus(FormIntent):
    """A touch on a text field: the keyboard types into it."""

    field: str = ""


class DoneTyping(FormIntent):
    """Done on the small panel's typing page: no field is focused, the whole form shows."""


class Key(FormIntent):
    """A key of the on-screen keyboard; `ime` = "pinyin" from the pinyin layer."""

    char: str = ""
    field: str = ""
    ime: str = ""


class Backspace(FormIntent):
    field: str = ""


class SetText(FormIntent):
    text: str = ""
    field: str = ""


class PickCandidate(FormIntent):
    index: object = -1


class CandidatePage(FormIntent):
    delta: object = 0


class EndCompose(FormIntent):
    """The keyboard switched layers: what is composed is final."""


class SetCodeMode(FormIntent):
    mode: str = ""


class SetSymbology(FormIntent):
    value: str = ""


class SetValidity(FormIntent):
    kind: str = ""


class DateStep(FormIntent):
    unit: str = ""
    delta: object = 0


class NextImage(FormIntent):
    pass


class TogglePrint(FormIntent):
    pass


class Search(FormIntent):
    pass


class PickCustomer(FormIntent):
    card_id: str = ""


class ClearCustomer(FormIntent):
    pass


class Generate(FormIntent):
    pass
