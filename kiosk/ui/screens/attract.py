"""Attract: the shop's name, one instruction, an arrow bobbing toward the scanner, languages."""

from __future__ import annotations

from kivy.animation import Animation
from kivy.properties import BooleanProperty, NumericProperty

from kiosk.flows.customer.access import OpenAccessibility
from kiosk.flows.customer.intents import ChooseLanguage
from kiosk.i18n import LANGUAGE_NAMES
from kiosk.ui.look import LogoBadge
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets.access_button import AccessButton
from kiosk.ui.widgets.common import KioskButton
from kiosk.ui.widgets.join_qr import JoinQr  # noqa: F401 - used by attract.kv
from kiosk.ui.widgets.slide_backdrop import SlideBackdrop

load_kv(__file__)


class AttractScreen(KioskScreen):
    screen_name = "attract"

    bob = NumericProperty(0.5)
    phone = BooleanProperty(False)  # "No phone? Use your number" is offered

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._langs: tuple[str, ...] = ()
        self._anim = None

    def render(self, state) -> None:
        self._logo = getattr(self, "_logo", None) or LogoBadge(self)  # the shop's logo
        self._backdrop = getattr(self, "_backdrop", None) or SlideBackdrop(self)
        self._backdrop.show(getattr(state, "slide", ""))  # the shop's slide, behind the words
        self.ids.shop.text = state.shop_name or self.t("attract.welcome")
        self.ids.title.text = self.t("attract.title")
        self.ids.hint.text = self.t("attract.hint")
        self.ids.join.text = self.t("join.offer")
        self.ids.join.url = state.join_qr
        self.phone = bool(getattr(state, "phone", False))
        self.ids.phone.text = self.t("phone.use")
        self._lang_buttons(state.languages, state.lang)
        if not state.access.reduced_motion:
            self._animate()

    def _lang_buttons(self, langs: tuple[str, ...], current: str) -> None:
        """Rebuilt only when the choice changed: every label texture costs a glyph render."""
        if self._langs == (*langs, current):
            return
        self._langs = (*langs, current)
        box = self.ids.langs
        box.clear_widgets()
        for code in langs if len(langs) > 1 else ():
            selected = code == current
            btn = KioskButton(
                text=LANGUAGE_NAMES.get(code, code),
                base_size=24 * self._u(),
                bg=self.theme.accent if selected else self.theme.panel,
                color=self.theme.accent_text if selected else self.theme.text,
            )
            btn.lang_code = code
            btn.bind(on_release=lambda b: self.send(ChooseLanguage(b.lang_code)))
            box.add_widget(btn)
        self._access_button(box)

    def _access_button(self, box) -> None:
        """The accessibility mode's way in (#17): the symbol and the word, last in the row."""
        access = AccessButton(base_size=24 * self._u(), size_hint_x=2.2)
        access.text = self.t("access.button")
        access.lang_code = ""  # not a language: the row's readers skip it
        access.bind(on_release=lambda _b: self.send(OpenAccessibility()))
        self.ids["access"] = access
        box.add_widget(access)

    def reduce_motion(self, on: bool) -> None:
        """The accessibility mode's reduced motion: the arrow stands still."""
        if on and self._anim is not None:
            self._anim.cancel(self)
            self._anim = None
            self.bob = 0.5
        elif not on:
            self._animate()

    def _u(self) -> float:
        from kivy.app import App

        return getattr(App.get_running_app(), "u", 1.0)

    def _animate(self) -> None:
        if self._anim is None:
            self._anim = Animation(bob=0.4, d=0.7, t="in_out_sine") + Animation(
                bob=0.6, d=0.7, t="in_out_sine"
            )
            self._anim.repeat = True
            self._anim.start(self)
