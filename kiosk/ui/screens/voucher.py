"""One voucher: how it is redeemed; self-redeem by holding (never one tap); staff: show it."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.flows.customer.intents import HoldRedeem
from kiosk.ui.codes import code_image, to_texture
from kiosk.ui.look import LogoBadge, voucher_image
from kiosk.ui.screens._base import KioskScreen, load_kv
from kiosk.ui.widgets import hold_button  # noqa: F401 - registers HoldButton for the .kv
from kiosk.ui.widgets.slide_backdrop import SlideBackdrop

load_kv(__file__)


class VoucherScreen(KioskScreen):
    screen_name = "voucher"

    has_code = BooleanProperty(False)
    can_hold = BooleanProperty(True)

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self._voucher_id = ""

    def render(self, state) -> None:
        self._logo = getattr(self, "_logo", None) or LogoBadge(self)  # the shop's logo
        self._picture = getattr(self, "_picture", None) or SlideBackdrop(self)
        self._picture.show(voucher_image(state.voucher.image_url if state.voucher else None))
        v = state.voucher
        ids = self.ids
        self._voucher_id = v.id
        ids.title.text = v.title
        ids.desc.text = v.description
        ids.how.text = self.t(f"how.{v.redemption}")
        ids.valid.text = (
            self.t("voucher.valid_until", date=v.valid_until.date().isoformat())
            if v.valid_until
            else ""
        )
        self_redeem = v.redemption == "self_redeem"
        ids.hold.reset()
        ids.hold.text = self.t("voucher.hold")
        ids.hold.disabled = not self_redeem
        ids.hold.opacity = 1 if self_redeem else 0
        self.can_hold = self_redeem
        code = None if self_redeem else v.redeem_code
        show_code = code is not None
        if code is not None:
            ids.code.texture = to_texture(code_image(code.value, code.symbology))
        ids.code.opacity = 1 if show_code else 0
        self.has_code = show_code
        ids.back.text = self.t("common.back")
        ids.done.text = self.t("common.done")

    def redeem(self) -> None:
        if self._voucher_id:
            self.send(HoldRedeem(self._voucher_id))
