"""The re-pairing pages in a real offscreen Kivy window, in English and Korean: real taps
on the buttons, the real reference server behind the flow, the camera picture showing the
new shop's pairing QR. Screenshots to look at: $APPLIANCE_SHOTS (default: tmp)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.appliance.test_technician_repair import SHOP_B, Kiosk, new_code, qr, stamp_offline

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def window():
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = (800, 480)  # the official 7" display
    yield Window
    Window.size = before  # later UI tests expect the window they set up


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_repair_pages_with_real_taps(refserver, tmp_path, window, lang):
    import numpy as np
    from kivy.base import EventLoop
    from kivy.tests.common import UnitTestTouch
    from kivy.uix.screenmanager import NoTransition, ScreenManager

    from devices.scanner.synth import phone_image
    from kiosk.i18n import tr
    from kiosk.ui.screens.technician import TechnicianScreen

    code = new_code(refserver, SHOP_B)
    gray = phone_image(qr(refserver, code), "qr")
    frame = np.dstack([gray, gray, gray])  # what the camera worker keeps
    k = Kiosk(refserver, tmp_path, camera_frame=lambda: frame, lang=lang, sync_timeout_s=1.0)
    stamp_offline(k, refserver)  # one stamp of the old shop waits: the gate shows first
    screen = TechnicianScreen(on_action=k.flow.send)
    sm = ScreenManager(transition=NoTransition())
    sm.add_widget(screen)
    window.add_widget(sm)
    shots = Path(os.environ.get("APPLIANCE_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    taken: list[Path] = []

    def pump(n=4):
        for _ in range(n):
            EventLoop.idle()

    def tap(widget):
        x, y = widget.to_window(*widget.center)
        t = UnitTestTouch(x, y)
        t.touch_down()
        t.touch_up()
        pump(2)

    def shot(name: str) -> None:
        pump(6)
        taken.append(Path(window.screenshot(name=str(shots / f"repair-{lang}-{name}.png"))))

    def texts() -> str:
        return "\n".join(w.text for w in screen.walk() if hasattr(w, "text"))

    try:
        k.flow.subscribe(screen.show)
        k.login()
        pump()
        assert tr("tech.repair.button", lang) in texts()
        shot("home")
        tap(screen.buttons["tech_repair"])
        assert k.page == "repair_blocked" and tr("tech.repair.sync_now", lang) in texts()
        shot("blocked")
        refserver.start()
        tap(screen.buttons["tech_repair_sync"])
        assert k.page == "repair_confirm"
        assert tr("tech.repair.confirm", lang, shop="Cafe Mari") in texts()
        shot("confirm")
        tap(screen.buttons["tech_repair_confirm"])
        assert k.page == "repair_wait"
        k.scan("https://shop.example/c/AbCdEfGh12345678")  # a customer's card: ignored
        k.clock.advance(10)
        k.flow.tick()
        live = screen.live
        pump()
        assert live is not None and live.frames_shown >= 1
        assert tr("tech.repair.wait_left", lang, seconds=80) in texts()
        assert tr("tech.repair.ignored", lang, scan="card: AbCd… (16 chars)") in texts()
        shot("wait")
        assert screen.live is live  # the countdown did not rebuild the camera picture
        k.scan(qr(refserver, "WRONGCODE9"))
        assert k.page == "repair_failed" and tr("tech.repair.invalid", lang) in texts()
        assert screen.live is None and not live._event.is_triggered  # preview stopped
        shot("failed")
        tap(screen.buttons["tech_repair_retry"])
        k.scan(qr(refserver, code))
        assert k.page == "repair_paired"
        assert tr("tech.repair.paired", lang, shop=SHOP_B) in texts()
        shot("paired")
        assert k.shop_of_current_pairing() == SHOP_B
        assert all(p.stat().st_size > 5000 for p in taken)
        assert len({p.read_bytes() for p in taken}) == len(taken)  # every page differs
    finally:
        window.remove_widget(sm)
