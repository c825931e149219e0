"""Staff mode figures: how long one keystroke takes from touch to a redrawn form, and a PIN
digit to redrawn dots, with the kiosk's CJK font (what a Pi pays per key, times ~3-5).

Run: .venv/bin/python bench/staff_ui.py   (offscreen window when DISPLAY is unset)
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-kivy-"))

from kivy.config import Config

Config.set("graphics", "width", "1280")
Config.set("graphics", "height", "800")

from kivy.base import EventLoop  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.uix.screenmanager import NoTransition, ScreenManager  # noqa: E402

from kiosk.api.models import StaffSession  # noqa: E402
from kiosk.cli._kiosk_parts import kiosk_host  # noqa: E402
from kiosk.cli._staff_parts import staff_mode  # noqa: E402
from kiosk.config import Settings  # noqa: E402
from kiosk.flows.base import FakeClock  # noqa: E402
from kiosk.flows.customer.intents import StaffGesture  # noqa: E402
from kiosk.flows.runtime import Handlers  # noqa: E402
from kiosk.flows.runtime.host import InlineExecutor  # noqa: E402
from kiosk.flows.staff import form_intents as f  # noqa: E402
from kiosk.flows.staff import intents as i  # noqa: E402
from kiosk.ui.fonts import register_fonts  # noqa: E402
from kiosk.ui.screens.staff_issue_form import StaffIssueFormScreen  # noqa: E402
from kiosk.ui.screens.staff_pin import StaffPinScreen  # noqa: E402


class Api:
    def staff_login(self, *, pin=None, badge=None):
        return StaffSession("t", "1", "Anna", ("*",), None)

    def device(self):
        raise RuntimeError("offline")


def timed(flow, screen, intent, n) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        flow.send(intent)
        screen.show(flow.state)
        EventLoop.idle()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    print("font:", register_fonts())
    tmp = Path(tempfile.mkdtemp())
    settings = Settings.model_validate({"device": {"state_dir": str(tmp)}})
    staff = staff_mode(Api(), None, settings)
    flow = kiosk_host(settings, Handlers(), staff, clock=FakeClock(), executor=InlineExecutor())
    sm = ScreenManager(transition=NoTransition())
    pin, form = StaffPinScreen(), StaffIssueFormScreen()
    sm.add_widget(pin)
    sm.add_widget(form)
    Window.add_widget(sm)
    flow.send(StaffGesture())
    pin.show(flow.state)
    EventLoop.idle()
    digits = timed(flow, pin, i.PinDigit("5"), 8)
    flow.send(i.PinClear())
    for d in "2468":
        flow.send(i.PinDigit(d))
    flow.send(i.PinOk())
    flow.send(i.OpenIssue())
    sm.current = "staff_issue_form"
    t0 = time.perf_counter()
    form.show(flow.state)
    EventLoop.idle()
    first = (time.perf_counter() - t0) * 1000
    keys = timed(flow, form, f.Key("a"), 40)
    toggles = []
    for kind in ("days", "months", "fixed_date", "unlimited") * 3:
        toggles += timed(flow, form, f.SetValidity(kind), 1)
    print(f"PIN digit -> dots redrawn: median {statistics.median(digits):.1f} ms")
    print(f"form first build: {first:.0f} ms")
    print(
        f"form keystroke -> redrawn: median {statistics.median(keys):.1f} ms, max {max(keys):.1f} ms"
    )
    print(f"validity kind switch (layout rebuilt): median {statistics.median(toggles):.0f} ms")


if __name__ == "__main__":
    main()
