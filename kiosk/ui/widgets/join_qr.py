"""The join QR: a small code of the shop's join page with "New here? Scan to get your card".

Why a widget of its own: the attract screen and the "not a card of this shop" message
both offer it, at the same modest size, so the customer's main instruction ("Scan your
card here") keeps its place. Empty `url` (the cloud has not named a join page): nothing
shows and the row takes no room. Drawn pixel-exact (kiosk.ui.codes) so a phone reads it.
"""

from __future__ import annotations

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.ui.codes import qr_image, to_texture
from kiosk.ui.widgets.common import FitLabel


class JoinQr(BoxLayout):
    url = StringProperty("")
    text = StringProperty("")
    row_height = NumericProperty(120)  # the wanted height when shown (kv sets it in app.u)

    def __init__(self, **kw) -> None:
        super().__init__(orientation="horizontal", size_hint_y=None, height=0, spacing=12, **kw)
        # the QR image carries its own white quiet zone (kiosk.ui.codes), so no backing
        self.code = Image(fit_mode="contain", size_hint_x=None)
        self.label = FitLabel(halign="left", base_size=24)
        self.add_widget(self.code)
        self.add_widget(self.label)
        self._shown = ""
        self.bind(url=self._update, text=self._update, row_height=self._update)

    def _update(self, *_: object) -> None:
        shown = bool(self.url)
        self.height = self.row_height if shown else 0
        self.opacity = 1 if shown else 0
        self.code.width = self.height
        self.label.text = self.text if shown else ""
        self.label.base_size = max(14.0, self.row_height * 0.2)
        if shown and self.url != self._shown:
            self.code.texture = to_texture(qr_image(self.url, scale=4))
            self._shown = self.url
