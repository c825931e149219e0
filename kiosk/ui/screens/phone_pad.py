"""phone_pad: "No phone? Use your number": the country prefix, masked digits, a number pad.

The screen shows only `state.display` (every digit masked, the newest one for a moment):
the digits live in the flow's view and are dropped when the screen closes.
"""

from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.flows.customer.phone import (
    PhoneCancel,
    PhoneDigit,
    PhoneErase,
    PhonePadState,
    PhoneSubmit,
)
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import CUSTOMER
from kiosk.ui.widgets.kit import button, label, px


class PhonePadScreen(KioskScreen):
    screen_name = "phone_pad"
    theme = CUSTOMER
    _built: tuple = ()

    def render(self, state: PhonePadState) -> None:
        key = (self.lang, tuple(Window.size))
        if self._built != key:
            self._build()
            self._built = key
        self.number.text = f"{state.prefix}  {state.display}" if state.display else state.prefix
        self.ok.disabled = not state.complete
        self.ok.opacity = 1 if state.complete else 0.5

    def _p(self, value: float) -> float:
        return px(value, self.theme)

    def _build(self) -> None:
        """Landscape: words and the number on the left, the pad on the right; portrait:
        one column. The pad's keys share what room there is (no minimum that overflows)."""
        self.clear_widgets()
        t, lang, th = self.t, self.lang, self.theme
        wide = Window.width > Window.height
        outer = BoxLayout(
            orientation="horizontal" if wide else "vertical",
            padding=self._p(24),
            spacing=self._p(24),
        )
        words = BoxLayout(orientation="vertical", spacing=self._p(8))
        words.add_widget(
            label(
                t("phone.title"),
                lang,
                size=34,
                bold=True,
                halign="center",
                theme=th,
                color=th.accent,
            )
        )
        words.add_widget(
            label(t("phone.hint"), lang, size=20, halign="center", theme=th, color=th.muted)
        )
        self.number = label("", lang, size=38, bold=True, halign="center", theme=th)
        words.add_widget(self.number)
        self.cancel = button(
            t("phone.cancel"),
            lang,
            lambda: self.send(PhoneCancel()),
            size=22,
            theme=th,
            size_hint_y=None,
            height=self._p(72),
        )
        words.add_widget(self.cancel)
        pad = GridLayout(cols=3, spacing=self._p(8), size_hint_y=1 if wide else 1.6)
        self.keys = {}
        for text, intent in [
            *((str(d), PhoneDigit(str(d))) for d in range(1, 10)),
            ("⌫", PhoneErase()),
            ("0", PhoneDigit("0")),
        ]:
            shown = t("phone.erase") if text == "⌫" else text
            size = 32 if len(shown) == 1 else 22
            btn = button(shown, lang, lambda k=intent: self.send(k), size=size, theme=th)
            self.keys[text] = btn
            pad.add_widget(btn)
        self.ok = button(
            t("phone.ok"),
            lang,
            lambda: self.send(PhoneSubmit()),
            size=22,
            theme=th,
            color=th.accent,
        )
        pad.add_widget(self.ok)
        outer.add_widget(words)
        outer.add_widget(pad)
        self.add_widget(outer)
