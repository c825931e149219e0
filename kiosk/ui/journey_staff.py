"""The staff part of the scripted demo: the hidden gesture, the PIN pad, a goodwill voucher
typed on the kiosk's own keyboard in the UI's language, and its printed coupon.

Why typed key by key: the demo is a walk-through a person checks from its screenshots, and
the keyboard is the part of staff mode a shop meets first: Latin (with Estonian letters),
Korean on the Hangul layer, Chinese in pinyin picked from the candidate bar.
"""

from __future__ import annotations

from typing import Any

from kiosk.flows.staff.intents import Exit
from kiosk.input_methods.hangul import DUBEOLSIK, DUBEOLSIK_SHIFT, to_keys

SHIFTED_ONLY = set("".join(DUBEOLSIK_SHIFT)) - set("".join(DUBEOLSIK))
HOLD_S = 3.3  # the attract screen's long press is 3 s

# What a staff member types as the voucher title: text, or (pinyin, word) picks for zh.
TITLES: dict[str, list[Any]] = {
    "en": ["Sorry for the wait"],
    "et": ["Tänan ootamise eest"],
    "ko": ["기다려 주셔서 감사합니다"],
    "zh": [("xiexiehuigu", "谢谢惠顾"), " ", ("mianfeikafei", "免费咖啡")],
}


class StaffSteps:
    """Drives staff mode through a Journey's driver and records its screenshots."""

    def __init__(self, journey: Any, pin: str) -> None:
        self.j = journey
        self.drv = journey.drv
        self.pin = pin

    def screen(self, name: str) -> Any:
        return self.drv.app.screens[name]

    def play(self, lang: str) -> None:
        p = f"{lang}-"
        self.j.home(lang)
        x, y = 10, self.drv.app.root.height - 10
        self.drv.tap_at(x, y, hold=HOLD_S)  # the hidden gesture, top-left corner
        if not self.j.expect("staff_pin"):
            return
        for digit in self.pin:
            self.drv.tap(self.screen("staff_pin").keypad.keys[digit])
        self.j.shot(p + "12-staff-pin")  # dots only: the digits never show
        self.drv.tap(self.screen("staff_pin").ok)
        if not self.j.expect("staff_menu"):
            return
        self.j.shot(p + "13-staff-menu")
        self.drv.tap(self.screen("staff_menu").buttons["open_issue"])
        if self.j.expect("staff_issue_form"):
            self._fill_form(lang, p)
            form = self.screen("staff_issue_form")
            if form.generate is None:  # a small panel's typing page: Done shows the form
                self.drv.tap(form.done_button)
                self.drv.wait_for(lambda: form.generate is not None, 5)
                self.j.shot(p + "14-staff-form-done")
            self.drv.tap(form.generate)
        if self.j.expect("staff_issued", timeout=15):
            self.drv.wait_for(lambda: self.drv.app.rendered.print_state != "", 10)
            if self.drv.app.rendered.print_state != "printed":
                self.j.problems.append(f"{p}staff coupon: {self.drv.app.rendered.print_reason}")
            self.j.shot(p + "15-staff-coupon")
            self._save_coupon_preview(p + "15-staff-coupon-print.png")
        self.drv.app.host.send(Exit())
        self.j.expect("attract")

    # -- typing --------------------------------------------------------------------------

    def _fill_form(self, lang: str, p: str) -> None:
        form = self.screen("staff_issue_form")
        self.drv.tap(form.fields["title"])
        for part in TITLES.get(lang, TITLES["en"]):
            if isinstance(part, tuple):
                self._pinyin(*part)
            elif form.keyboard.mode == "hangul":
                self._hangul(part)
            else:
                self._latin(part)
        title = self.drv.app.host.state.form.title
        wanted = "".join(x[1] if isinstance(x, tuple) else x for x in TITLES.get(lang, ["?"]))
        if title != wanted:
            self.j.problems.append(f"{p}staff form: typed {title!r}, wanted {wanted!r}")
        self.j.shot(p + "14-staff-form")

    def _kb(self) -> Any:
        return self.screen("staff_issue_form").keyboard

    def _latin(self, text: str) -> None:
        for ch in text:
            if ch != " " and ch.isupper() != self._kb().shift:
                self.drv.tap(self._kb().keys["staff.key.shift"])
            self.drv.tap(self._kb().keys[ch])

    def _hangul(self, text: str) -> None:
        for key in to_keys(text):
            if key != " " and (key in SHIFTED_ONLY) != self._kb().shift:
                self.drv.tap(self._kb().keys["staff.key.shift"])
            self.drv.tap(self._kb().keys[key])

    def _pinyin(self, letters: str, word: str) -> None:
        for ch in letters:
            self.drv.tap(self._kb().keys[ch])
        strip = self._kb().candidates
        for _ in range(10):
            shown = [b.text for b in strip.words]
            if word in shown:
                self.drv.tap(strip.words[shown.index(word)])
                return
            if strip.next.disabled:
                break
            self.drv.tap(strip.next)
        self.j.problems.append(f"pinyin {letters}: {word} is not offered")

    def _save_coupon_preview(self, name: str) -> None:
        """The coupon as it looks on paper (the same PNG the staff screen shows)."""
        png = getattr(self.drv.app.rendered, "preview_png", b"")
        if png:
            (self.j.out / name).write_bytes(png)
            self.j.log(f"  {name}")
        else:
            self.j.problems.append(f"no coupon preview for {name}")


__all__ = ["StaffSteps"]
