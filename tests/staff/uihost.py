"""A minimal host for the staff screens under the offscreen window (no app.py needed):
a ScreenManager holding every staff_* screen, driven by the states the kiosk's host publishes
while staff mode is open (a stand-in screen shows for the customer's)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from kivy.config import Config

if "kivy.core.window" not in sys.modules:
    # The offscreen EGL surface keeps its first size: ask for the kiosk's 10" 1280x800.
    # (If another test made the window first, the screens lay out at that size instead.)
    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.widget import Widget

import kiosk.ui.screens as screens_pkg
from kiosk.flows.customer.intents import ChooseLanguage
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
    def __init__(self, flow, lang: str = "en", size: tuple[int, int] = (1280, 800)) -> None:
        EventLoop.ensure_window()
        # the staff pages lay out by the window's size (a compact layout under 640 px):
        # these tests are written for the 10" panel, whatever size an earlier test left
        Window.size = size
        self.flow = flow
        self.sm = ScreenManager(transition=NoTransition())
        self.sm.add_widget(Screen(name=CLOSED_SCREEN))  # stands for the customer's screens
        self.screens = {}
        for name, cls in staff_screen_classes().items():
            screen = cls(on_action=flow.send)
            screen.lang = lang
            self.screens[name] = screen
            self.sm.add_widget(screen)
        Window.add_widget(self.sm)
        self.sm.size = Window.size
        self._pending = None
        self._unsub = flow.subscribe(self.render)
        self.render(flow.state)
        self.sync()

    def set_lang(self, lang: str) -> None:
        """The customer's language when staff mode opens (chosen on the customer's screen)."""
        self.flow.host.send(ChooseLanguage(lang))

    def render(self, state) -> None:
        """Keep the newest state; it is drawn at the next sync (as the app's mainthread hop)."""
        self._pending = state

    def sync(self, frames: int = 1) -> None:
        state, self._pending = self._pending, None
        if state is not None:
            if state.screen in self.screens:
                self.screens[state.screen].show(state)
            self.sm.current = state.screen if state.screen in self.screens else CLOSED_SCREEN
            frames = max(frames, 1)  # a rebuilt screen is laid out in the next frame
        self.pump(frames)

    @property
    def screen(self):
        self.sync(0)
        return self.sm.current_screen

    def pump(self, frames: int = 2) -> None:
        for _ in range(frames):
            EventLoop.idle()

    def tap(self, widget: Widget) -> None:
        """A real touch at the widget's centre, through the window (UnitTestTouch)."""
        self.sync(0)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.sync(1)

    def open_issue_form(self, lang: str, pin: str) -> None:
        """In `lang`: the PIN typed on the pad, OK, then Issue voucher, all by touch."""
        self.set_lang(lang)
        self.flow.begin_unlock()
        for digit in pin:
            self.tap(self.screen.keypad.keys[digit])
        self.tap(self.screen.ok)
        self.tap(self.screen.buttons["open_issue"])
        assert self.sm.current == "staff_issue_form"

    def shot(self, folder: Path, name: str) -> Path:
        self.sync(2)
        folder.mkdir(parents=True, exist_ok=True)
        made = Window.screenshot(name=str(folder / f"{name}.png"))
        return Path(made)

    def texts(self) -> list[str]:
        self.sync(0)
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
