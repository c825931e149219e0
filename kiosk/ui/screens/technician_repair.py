"""The technician screen's re-pairing pages: blocked (stamps wait), confirm, wait for the
new shop's QR (live camera, countdown, cancel), working, failed, paired.

Renders the repair_* pages of kiosk.flows.technician.TechnicianView; the words are
the technician catalog (kiosk/i18n/<lang>/technician.json) in the view's language, the
small English line under them is the reason and the fix for the technician. Every
button only reports a touch; nothing here decides anything.
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from kiosk.flows.runtime import Intent
from kiosk.flows.technician import TechnicianView
from kiosk.flows.technician import intents as i
from kiosk.i18n import tr
from kiosk.ui.theme import TECHNICIAN
from kiosk.ui.widgets.kit import button, label, px
from kiosk.ui.widgets.live_preview import LivePreview

PREVIEW_PERIOD_S = 0.2

# page -> (title key, title colour, buttons as (name, what it sends, label key, primary))
Buttons = tuple[tuple[str, Intent, str, bool], ...]
PAGES: dict[str, tuple[str, tuple[float, ...], Buttons]] = {
    "repair_blocked": (
        "tech.repair.title",
        TECHNICIAN.accent,
        (
            ("tech_repair_sync", i.SendNow(), "tech.repair.sync_now", True),
            ("tech_repair_cancel", i.CancelRepair(), "tech.repair.back", False),
        ),
    ),
    "repair_confirm": (
        "tech.repair.title",
        TECHNICIAN.accent,
        (
            ("tech_repair_confirm", i.ConfirmRepair(), "tech.repair.confirm_yes", True),
            ("tech_repair_cancel", i.CancelRepair(), "tech.repair.cancel", False),
        ),
    ),
    "repair_wait": (
        "tech.repair.title",
        TECHNICIAN.accent,
        (("tech_repair_cancel", i.CancelRepair(), "tech.repair.cancel", False),),
    ),
    "repair_working": ("tech.repair.title", TECHNICIAN.accent, ()),
    "repair_failed": (
        "tech.repair.failed_title",
        TECHNICIAN.error,
        (
            ("tech_repair_retry", i.RetryRepair(), "tech.repair.retry", True),
            ("tech_repair_cancel", i.CancelRepair(), "tech.repair.back", False),
        ),
    ),
    "repair_paired": ("tech.repair.paired_title", TECHNICIAN.good, ()),
}
PRIMARY = TECHNICIAN.selected
SECONDARY = TECHNICIAN.key


class RepairPages:
    """Builds one repair page for a TechnicianScreen (its `send`, `live` and `buttons`)."""

    def __init__(self, screen: Any) -> None:
        self.screen = screen
        self.countdown: Label | None = None
        self.ignored: Label | None = None

    def build(self, state: TechnicianView) -> BoxLayout:
        title_key, colour, actions = PAGES[state.page]
        lang = state.lang
        body = BoxLayout(spacing=px(20))
        words = BoxLayout(orientation="vertical", spacing=px(16))
        words.add_widget(wrapped(tr(title_key, lang), lang, 36, colour, bold=True))
        words.add_widget(
            wrapped(tr(state.note, lang, **dict(state.values)), lang, 32, TECHNICIAN.text)
        )
        for line in self._extra_lines(state):
            words.add_widget(line)
        if state.detail:
            words.add_widget(wrapped(state.detail, "en", 20, TECHNICIAN.muted))
        words.add_widget(BoxLayout())  # the words at the top, the buttons at the bottom
        words.add_widget(self._buttons(state, actions))
        body.add_widget(words)
        if state.page == "repair_wait" and state.preview is not None:
            self.screen.live = LivePreview(state.preview, PREVIEW_PERIOD_S, size_hint_x=0.42)
            body.add_widget(self.screen.live)
        return body

    def refresh(self, state: TechnicianView) -> bool:
        """Only the countdown and the "ignored" line change while waiting; False: rebuild."""
        if self.countdown is None or self.ignored is None:
            return False
        self.countdown.text = tr("tech.repair.wait_left", state.lang, seconds=state.wait_left_s)
        self.ignored.text = self._ignored_text(state)
        return True

    def _extra_lines(self, state: TechnicianView) -> list[Label]:
        lang = state.lang
        self.countdown = self.ignored = None
        if state.page == "repair_wait":
            hint = tr("tech.repair.wait_hint", lang, shop=state.value("shop"))
            left = tr("tech.repair.wait_left", lang, seconds=state.wait_left_s)
            self.countdown = wrapped(left, lang, 30, TECHNICIAN.accent, bold=True)
            self.ignored = wrapped(self._ignored_text(state), lang, 22, TECHNICIAN.muted)
            return [wrapped(hint, lang, 24, TECHNICIAN.muted), self.countdown, self.ignored]
        if state.page == "repair_failed":
            return [wrapped(tr("tech.repair.old_kept", lang), lang, 28, TECHNICIAN.good)]
        if state.page == "repair_paired":
            return [wrapped(tr("tech.repair.restarting", lang), lang, 28, TECHNICIAN.muted)]
        return []

    @staticmethod
    def _ignored_text(state: TechnicianView) -> str:
        seen = state.value("ignored")
        return tr("tech.repair.ignored", state.lang, scan=seen) if seen else ""

    def _buttons(self, state: TechnicianView, actions) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=px(93), spacing=px(16))
        self.screen.buttons = {}
        for action, intent, key, primary in actions:
            text = tr("tech.repair.sending" if state.busy and primary else key, state.lang)
            b = button(
                text,
                state.lang,
                lambda k=intent: self.screen.send(k),
                size=20,
                color=PRIMARY if primary else SECONDARY,
                enabled=not state.busy,
            )
            self.screen.buttons[action] = b
            row.add_widget(b)
        return row


def wrapped(text: str, lang: str, size: float, colour, *, bold: bool = False) -> Label:
    """A label exactly as tall as its wrapped text (sizes in the technician theme's numbers)."""
    lbl = label(text, lang, size=size, color=colour, bold=bold, theme=TECHNICIAN)
    lbl.size_hint_y = None
    lbl.bind(texture_size=lambda w, v: setattr(w, "height", v[1]))
    return lbl
