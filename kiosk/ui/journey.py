"""The scripted demo journey: real app, real server, simulated camera, real touches.

attract -> scan -> reward unlocked -> card (new stamp) -> vouchers -> voucher -> hold to
redeem -> code (text, QR, barcode, live clock) -> print (coupon preview) -> cooldown ->
unknown code -> card not found, in every language; staff mode (gesture, PIN, a voucher
typed on the kiosk keyboard, its coupon: journey_staff.py); then the server goes away and the
offline "saved" message shows; back to attract. One PNG per step, each checked like the
UI tests do (not blank, no text overflow, codes decode to the redeem code).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.flows.customer.intents import ChooseLanguage, GoHome
from kiosk.ui import checks
from kiosk.ui.driver import Driver
from kiosk.ui.journey_access import AccessSteps
from kiosk.ui.journey_counter import CounterSteps
from kiosk.ui.journey_engage import EngageSteps
from kiosk.ui.journey_staff import StaffSteps

UNKNOWN_TOKEN = "no_such_card_0123456789"  # noqa: S105 - a card token nobody has


class Journey:
    # An offline answer is a failed request first: connect and read timeouts of the API client
    # ([server] connect_timeout_s + read_timeout_s) can pass before "saved" shows, and more on
    # a loaded machine, so these steps wait that long, not a screen change's 10 s.
    offline_answer_s = 30.0
    # after the phone is gone, the decoder may still be busy with its last frame
    decode_grace_s = 2.0

    def __init__(
        self,
        drv: Driver,
        parts: Any,
        shop: Any,
        camera: Any,
        out: Path,
        log: Callable[[str], None] = print,
    ) -> None:
        self.drv, self.parts, self.shop, self.camera = drv, parts, shop, camera
        self.ctl = parts.host
        self.out = out
        self.log = log
        self.problems: list[str] = []
        self.shots: list[Path] = []
        self._last_scan: dict[str, float] = {}

    # -- helpers -----------------------------------------------------------------------

    def present(self, payload: str) -> None:
        """Hold a phone showing `payload` in front of the simulated camera."""
        debounce = self.parts.settings.scanner.debounce_s
        last = self._last_scan.get(payload, 0)
        if getattr(self.camera, "shown_text", None) == payload:  # held longer under load
            last = max(last, self.camera.last_shown_at)
        wait = last + debounce + 0.2 - time.monotonic()
        if wait > 0:
            self.drv.pump(wait)
        if self.camera is None:
            self.parts.scanner.inject(payload)
        else:
            self._hold_until_read(payload)
        self._last_scan[payload] = time.monotonic() + getattr(self.camera, "hold_s", 0)

    def _hold_until_read(self, payload: str, tries: int = 3) -> None:
        """Show the phone, and show it again if the kiosk did not react, as a customer does.

        Why: the decoder takes the newest frame only, so on a loaded machine every frame
        with the phone can be replaced by an empty one before it is decoded; the demo then
        waited for a screen that could not come (seen in CI at load 12). A read that was
        only slow is not doubled: the scanner's debounce drops the same code shown again."""
        state = self.ctl.state
        before = getattr(state, "screen", "")

        def reacted() -> bool:
            """A new screen; on staff screens a scan may fill the same screen instead (an
            attract slide turning is no reaction, so attract needs a new screen)."""
            now = self.ctl.state
            return getattr(now, "screen", "") != before or (before != "attract" and now != state)

        for attempt in range(tries):
            self.camera.show(payload, "qr")
            self.drv.wait_for(lambda: reacted() or not self.camera.showing, 10)
            if self.drv.wait_for(reacted, self.decode_grace_s):
                return
            self.log(f"  (not read while shown, try {attempt + 1}: shown again)")

    def expect(self, screen: str, timeout: float = 10.0) -> bool:
        if self.drv.wait_screen(screen, timeout):
            return True
        now = getattr(self.drv.app.rendered, "screen", "?")
        self.problems.append(f"expected screen {screen!r}, got {now!r}")
        return False

    def shot(self, name: str, code: str = "") -> Path:
        screen = self.drv.app.root.sm.current_screen
        self.drv.wait_for(lambda: not checks.screen_problems(screen, self.drv.app.u), 1.0)
        path = self.drv.screenshot(self.out / f"{name}.png")
        self.shots.append(path)
        if checks.image_is_blank(path):
            self.problems.append(f"{path.name}: blank")
        self.problems += checks.screen_problems(screen, self.drv.app.u)
        if code and code not in checks.decode(path):
            self.problems.append(f"{path.name}: the code on screen does not decode to {code}")
        self.log(f"  {path.name}")
        return path

    def ids(self, screen: str) -> Any:
        return self.drv.app.screens[screen].ids

    def home(self, lang: str = "") -> None:
        """Back to attract; `lang` re-chosen (a new visit starts in the shop's language)."""
        self.ctl.send(GoHome())
        self.expect("attract")
        if lang and lang != self.ctl.state.lang:
            self.ctl.send(ChooseLanguage(lang))
            self.drv.wait_for(lambda: getattr(self.drv.app.rendered, "lang", "") == lang, 3)

    # -- the script ------------------------------------------------------------------------

    def play(self, langs: tuple[str, ...], staff_pin: str = "") -> list[str]:
        self.expect("attract")
        engage = EngageSteps(self)
        for n, lang in enumerate(langs):
            self.online_steps(lang, n)
            engage.online(lang)
        counter = CounterSteps(self)
        for lang in langs:
            counter.play(lang, staff_pin)
        AccessSteps(self).play(langs)  # the accessibility mode (#17): journey_access.py
        if staff_pin:
            staff = StaffSteps(self, staff_pin)
            for lang in langs:
                staff.play(lang)
        self.offline_steps(langs)
        engage.offline(langs)
        engage.after_sync(langs)
        return self.problems

    def online_steps(self, lang: str, n: int) -> None:
        p = f"{lang}-"
        self.home()
        if lang != self.ctl.state.lang:
            button = next(b for b in self.ids("attract").langs.children if b.lang_code == lang)
            self.drv.tap(button)  # the customer's own choice, a real touch
            self.drv.wait_for(lambda: self.ctl.state.lang == lang, 3)
        self.shot(p + "01-attract")
        self.present(self.shop.card_url(f"reward-{lang}"))
        if self.expect("reward"):
            self.drv.pump(0.4)
            if self.drv.app.rendered.screen != "reward":  # e.g. a second read of the card
                self.problems.append(f"{p}reward: left the screen by itself")
            self.shot(p + "02-reward-unlocked")
            self.drv.tap(self.ids("reward").later)
        if self.expect("card"):
            self.drv.pump(0.7)  # the new stamp pops in
            if not getattr(self.drv.app.rendered, "added", 0):
                self.problems.append(f"{p}card: the new stamp is not marked as added")
            self.shot(p + "03-card")
            self.drv.tap(self.ids("card").vouchers)
        if self.expect("vouchers"):
            self.shot(p + "04-vouchers")
            rows = self.ids("vouchers").rows.children
            self.drv.tap(rows[-1])  # the first (top) voucher
        if self.expect("voucher"):
            self.shot(p + "05-voucher")
            self.drv.tap(self.ids("voucher").hold, hold=1.5)  # the deliberate gesture
        if self.expect("redeemed"):
            state = self.drv.app.rendered
            self.drv.pump(0.3)
            self.shot(p + "06-redeemed", code=state.code)
            self.drv.tap(self.ids("redeemed").print)
            self.drv.wait_for(
                lambda: getattr(self.drv.app.rendered, "print_status", "") == "printed", 10
            )
            self.shot(p + "07-printed")
            self._copy_coupon(p + "07-coupon.png")
        self.home(lang)
        self.present(self.shop.card_url(f"reward-{lang}"))  # again: the cooldown
        if self.expect("message"):
            self.shot(p + "08-cooldown")
        self.home(lang)
        self.present("hello, this is not a card")
        if self.expect("message"):
            self.shot(p + "09-unknown-code")
        self.home(lang)
        self.present(f"{self.shop.url}/c/{UNKNOWN_TOKEN}{n}")
        if self.expect("message"):
            self.shot(p + "10-card-not-found")

    def offline_steps(self, langs: tuple[str, ...]) -> None:
        self.log("  (the server goes away)")
        self.shop.stop()
        for lang in langs:
            self.home(lang)
            self.present(self.shop.card_url(f"offline-{lang}"))
            if self.expect("message", self.offline_answer_s):
                self.shot(f"{lang}-11-offline-saved")
        self.home()
        self.shot("zz-back-to-attract")

    def _copy_coupon(self, name: str) -> None:
        job = getattr(self.parts.services, "last_print", None)
        src = getattr(job, "output", None)
        if src and Path(src).is_file():
            shutil.copy(src, self.out / name)
            self.log(f"  {name}")
        else:
            self.problems.append(f"no coupon preview for {name}")
