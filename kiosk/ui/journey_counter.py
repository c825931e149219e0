"""The counter part of the scripted demo (issue 15): a new customer joins through the real
join page from the attract screen's QR and scans the new card; a card that has collected
today's stamps hears "see you tomorrow". File names carry `join` and `daily-limit`.
"""

from __future__ import annotations

from typing import Any

from kiosk.api.join_visitor import JoinFailed, join

JOIN_NAMES = {"en": "Liis", "ko": "서연", "zh": "小红", "et": "Liis"}


class CounterSteps:
    """Drives the counter journeys through a Journey's driver and records screenshots."""

    def __init__(self, journey: Any) -> None:
        self.j = journey
        self.drv = journey.drv

    def play(self, lang: str, staff_pin: str = "") -> None:
        self.join(lang)
        self.daily_limit(lang)
        self.phone(lang)
        if staff_pin:
            self.staff_check(lang, staff_pin)

    # -- staff mode: check and redeem a staff-scan voucher, a stamp by hand, the activity --

    def _staff_login(self, pin: str) -> bool:
        x, y = 10, self.drv.app.root.height - 10
        self.drv.tap_at(x, y, hold=3.3)  # the hidden gesture, top-left corner
        if not self.j.expect("staff_pin"):
            return False
        pad = self.drv.app.screens["staff_pin"]
        for digit in pin:
            self.drv.tap(pad.keypad.keys[digit])
        self.drv.tap(pad.ok)
        return self.j.expect("staff_menu")

    def staff_check(self, lang: str, pin: str) -> None:
        from kiosk.flows.staff.intents import Exit

        p = f"{lang}-30-staff-check"
        self.j.home(lang)
        if not self._staff_login(pin):
            return
        menu = self.drv.app.screens["staff_menu"]
        self.drv.tap(menu.buttons["open_check"])
        if not self.j.expect("staff_check"):
            return
        self.j.present(self.j.shop.cake_code(lang))  # the customer's voucher QR
        self.drv.wait_for(lambda: getattr(self.drv.app.rendered, "voucher", None) is not None, 10)
        self.drv.pump(0.3)
        self.j.shot(p + "-voucher")
        self.drv.tap(self.drv.app.screens["staff_check"].redeem)
        self.drv.wait_for(lambda: getattr(self.drv.app.rendered, "message", None) is not None, 10)
        self.drv.pump(0.3)
        self.j.shot(p + "-redeemed")
        self._manual_stamp(lang)
        self.drv.app.host.send(Exit())
        self.j.expect("attract")

    def _manual_stamp(self, lang: str) -> None:
        from kiosk.flows.staff.intents import Back, OpenTools

        p = f"{lang}-31-staff-manual-stamp"
        self.drv.app.host.send(Back())
        if not self.j.expect("staff_menu"):
            return
        self.drv.tap(self.drv.app.screens["staff_menu"].buttons["open_stamps"])
        if not self.j.expect("staff_stamp"):
            return
        self.j.present(self.j.shop.card_url(f"reward-{lang}"))  # the customer's card
        self.drv.wait_for(lambda: getattr(self.drv.app.rendered, "card", None) is not None, 10)
        screen = self.drv.app.screens["staff_stamp"]
        self.drv.tap(screen.plus)
        self.drv.tap(self.drv.app.screens["staff_stamp"].reasons["bought_more"])
        self.drv.pump(0.2)
        self.j.shot(p + "-form")
        self.drv.tap(self.drv.app.screens["staff_stamp"].add)
        self.drv.wait_for(lambda: getattr(self.drv.app.rendered, "message", None) is not None, 10)
        self.drv.pump(0.3)
        self.j.shot(p + "-added")
        self.drv.app.host.send(Back())
        self.j.expect("staff_menu")
        self.drv.app.host.send(OpenTools())
        if self.j.expect("staff_tools"):
            self.drv.wait_for(lambda: bool(getattr(self.drv.app.rendered, "activity", ())), 10)
            self.drv.pump(0.3)
            self.j.shot(f"{lang}-32-staff-activity")

    def phone(self, lang: str) -> None:
        """A customer without their phone types their number (the demo shop's PHONES)."""
        from kiosk.cli._demo_shop import PHONES

        p = f"{lang}-23-phone"
        self.j.home(lang)
        self.drv.tap(self.j.ids("attract").phone)
        if not self.j.expect("phone_pad"):
            return
        pad = self.drv.app.screens["phone_pad"]
        for digit in PHONES[lang].removeprefix("+372"):
            self.drv.tap(pad.keys[digit])
        self.j.shot(p + "-pad")  # masked, the newest digit still readable
        self.drv.pump(1.7)
        self.j.shot(p + "-pad-masked")
        self.drv.tap(pad.ok)
        if not self.j.expect("phone_confirm"):
            return
        self.j.shot(p + "-confirm")
        self.drv.tap(self.drv.app.screens["phone_confirm"].yes)
        if self.j.expect("card"):
            self.drv.pump(0.7)
            self.j.shot(p + "-stamp")

    def join(self, lang: str) -> None:
        p = f"{lang}-20-join"
        self.j.home(lang)
        url = self.drv.app.rendered.join_qr
        if not url:
            self.drv.wait_for(lambda: bool(self.drv.app.rendered.join_qr), 5)
            url = self.drv.app.rendered.join_qr
        if not url:
            self.j.problems.append(f"{p}: the attract screen shows no join QR")
            return
        self.j.shot(p + "-attract-qr", code=url)  # the QR decodes to the join page
        try:
            token = join(url, JOIN_NAMES.get(lang, "Liis"))
        except JoinFailed as exc:
            self.j.problems.append(f"{p}: {exc}")
            return
        self.j.present(token)  # the web card's QR holds the bare token
        if not self.drv.wait_screen("card", 10):
            shown = self.drv.app.rendered
            what = getattr(shown, "kind", "") or getattr(shown, "screen", "?")
            self.j.problems.append(f"{p}: the new card's first scan showed {what!r}")
            return
        if self.j.expect("card"):
            self.drv.pump(0.7)
            self.j.shot(p + "-first-scan")

    def daily_limit(self, lang: str) -> None:
        self.j.home(lang)
        self.j.shop.fill_day(f"limit-{lang}")  # today's stamps, just now: see LIMIT_PROGRAM
        self.j.present(self.j.shop.card_url(f"limit-{lang}"))
        if self.j.expect("message"):
            kind = getattr(self.drv.app.rendered, "kind", "")
            if kind != "daily_limit":
                self.j.problems.append(f"{lang} daily limit: the message is {kind!r}")
            self.j.shot(f"{lang}-22-daily-limit")
