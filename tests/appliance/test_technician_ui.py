"""The technician screen in a real offscreen Kivy window: real touches on the PIN pad,
the doctor's results on screen, screenshots to look at ($APPLIANCE_SHOTS, default: tmp)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.ui


@pytest.fixture(scope="module")
def window():
    from kivy.core.window import Window

    before = tuple(Window.size)
    Window.size = (800, 480)  # the official 7" display
    yield Window
    Window.size = before  # later UI tests expect the window they set up


def test_pin_pad_then_home_with_checks(tmp_path, window):
    import numpy as np
    from kivy.base import EventLoop
    from kivy.tests.common import UnitTestTouch
    from kivy.uix.screenmanager import NoTransition, ScreenManager

    from devices.scanner.synth import phone_image
    from kiosk.cli._technician_parts import TechnicianDeps, technician_mode
    from kiosk.scan_kinds import ClassifiedScan, ScanKind
    from kiosk.ui.screens.technician import TechnicianScreen
    from tests.appliance.test_technician_flow import PIN, real_doctor
    from tests.support.modes import technician_handle

    gray = phone_image("https://shop.example/c/AbCdEfGh12345678", "qr")
    frames = [np.dstack([gray, gray, gray]) for _ in range(4)]  # what the camera worker keeps
    frames[1][:40, :, 2] = 255  # a red band in one frame: the picture really changes
    mode = technician_mode(
        hashlib.sha256(PIN.encode()).hexdigest(),
        TechnicianDeps(
            run_doctor=real_doctor(tmp_path),
            log_tail=lambda: [
                "2026-11-29 05:01:02 INFO kiosk.flows: ready (first frame shown)",
                "2026-11-29 05:03:10 WARNING kiosk.printer: paper out: load a new roll",
                "2026-11-29 05:04:00 INFO kiosk.api: GET /api/v1/cards/by-token/[REDACTED]",
            ],
            test_print=lambda: "test coupon printed",
            camera_frame=lambda: frames.pop(0) if len(frames) > 1 else frames[0],
        ),
    )
    flow = technician_handle(mode)
    screen = TechnicianScreen(on_action=flow.send)
    sm = ScreenManager(transition=NoTransition())
    sm.add_widget(screen)
    window.add_widget(sm)

    def pump(n=3):
        for _ in range(n):
            EventLoop.idle()

    def tap(widget):
        x, y = widget.to_window(*widget.center)
        t = UnitTestTouch(x, y)
        t.touch_down()
        t.touch_up()
        pump(1)

    try:
        flow.subscribe(screen.show)
        flow.open()
        pump()
        for d in "1234":  # a wrong PIN first: the error is shown
            tap(screen.keys[d])
        tap(screen.keys["OK"])
        assert flow.state.error == "wrong PIN"
        for d in PIN[:3]:
            tap(screen.keys[d])
        shots = Path(os.environ.get("APPLIANCE_SHOTS") or tmp_path / "shots")
        shots.mkdir(parents=True, exist_ok=True)
        pump(5)
        pin_shot = Path(window.screenshot(name=str(shots / "technician-pin.png")))
        tap(screen.keys[PIN[3]])
        tap(screen.keys["OK"])
        assert flow.state.page == "home"
        pump()
        tap(screen.buttons["tech_test_print"])
        assert flow.state.message == "test coupon printed"
        flow.on_scan(ClassifiedScan(ScanKind.CARD, "AbCdEfGh12345678"))
        import time

        live = screen.live
        first_texture = live.texture
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:  # ~5 preview updates at 5 Hz
            pump(1)
            time.sleep(0.05)
        assert live.frames_shown >= 3
        assert live.texture is first_texture  # one texture reused, never one per frame
        assert tuple(live.texture.size) == (gray.shape[1], gray.shape[0])
        pump(5)
        home_shot = Path(window.screenshot(name=str(shots / "technician-home.png")))
        assert pin_shot.stat().st_size > 5000 and home_shot.stat().st_size > 5000
        texts = [w.text for w in screen.walk() if hasattr(w, "text")]
        assert any("FAIL" in t and "token" in t and "not paired" in t for t in texts)
        assert any("test coupon printed" in t for t in texts)
        tap(screen.close_button)
        assert not flow.active
        assert screen.live is None and not live._event.is_triggered  # preview stopped
    finally:
        window.remove_widget(sm)
