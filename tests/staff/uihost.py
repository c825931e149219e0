"""A minimal host for the staff screens under the offscreen window (no app.py needed):
a ScreenManager holding every staff_* screen, driven by a StaffFlow's published states."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.widget import Widget

import kiosk.ui.screens as screens_pkg
from kiosk.flows.staff_states import CLOSED_SCREEN


def staff_screen_classes() -> dict[str, type]:
    """Discover staff_* screens the way the app does: one module, one Screen subclass."""
    found = {}
    for info in pkgutil.iter_modules(screens_pkg.__path__):
        if not info.name.startswith("staff_"):
            continue
        mod = importlib.import_module(f"kiosk.ui.screens.{info.name}")
        for obj in vars(mod).values():
            if isinstance(obj, type) and issubclass(obj, Screen) and obj.__module__ == mod.__name__:
                found[obj.screen_name] = obj
    return found


class Host:
    def __init__(self, flow, lang: str = "en") -> None:
        Window.size = (1280, 800)
        self.flow = flow
        self.sm = ScreenManager(transition=NoTransition())
        self.sm.add_widget(Screen(name=CLOSED_SCREEN))  # stands for the customer's screens
        self.screens = {}
        for name, cls in staff_screen_classes().items():
            screen = cls(on_action=flow.touch)
            screen.lang = lang
            self.screens[name] = screen
            self.sm.add_widget(screen)
        Window.add_widget(self.sm)
        self._unsub = flow.subscribe(self.render)
        self.render(flow.state)

    def set_lang(self, lang: str) -> None:
        for screen in self.screens.values():
            screen.lang = lang
        self.render(self.flow.state)

    def render(self, state) -> None:
        if state.screen in self.screens:
            self.screens[state.screen].show(state)
        self.sm.current = state.screen
        self.pump()

    @property
    def screen(self):
        return self.sm.current_screen

    def pump(self, frames: int = 2) -> None:
        for _ in range(frames):
            EventLoop.idle()

    def tap(self, widget: Widget) -> None:
        """A real touch at the widget's centre, through the window (UnitTestTouch)."""
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.pump(1)

    def shot(self, folder: Path, name: str) -> Path:
        self.pump(3)
        folder.mkdir(parents=True, exist_ok=True)
        made = Window.screenshot(name=str(folder / f"{name}.png"))
        return Path(made)

    def texts(self) -> list[str]:
        out = []
        for w in self.sm.current_screen.walk():
            text = getattr(w, "text", None)
            if isinstance(text, str):
                out.append(text)
        return out

    def close(self) -> None:
        self._unsub()
        Window.remove_widget(self.sm)
        self.pump(1)
