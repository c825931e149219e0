"""KioskApp: a ScreenManager that renders the host's state; touches go back to it as intents.

Screens are discovered from kiosk/ui/screens/ (see that package's docstring), so staff and
technician screens plug in without edits here; each is built when it is first shown.
State changes arrive on any thread and are rendered on Kivy's main thread in the next
frame (Clock.schedule_once). A 4 Hz Clock event
drives the flows' timers and the systemd watchdog, so the watchdog proves the UI loop is alive.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Protocol

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import NumericProperty
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.screenmanager import NoTransition, Screen, ScreenManager
from kivy.uix.widget import Widget

from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.runtime import Event, FlowHost, Intent, Wake
from kiosk.i18n import tr
from kiosk.ui import theme
from kiosk.ui.access_look import MoreTimeBanner, apply_look, screen_for, window_colour
from kiosk.ui.canvas import canvas
from kiosk.ui.focus import FocusRing, KeypadFocus
from kiosk.ui.fonts import register_fonts
from kiosk.ui.keypad_input import KeypadInput
from kiosk.ui.keys import KeyRules
from kiosk.ui.window import finish_offscreen_frames

log = logging.getLogger(__name__)

TICK_S = 0.25
STAFF_HOLD_S = 3.0


def discover_screen_classes(package: str = "kiosk.ui.screens") -> list[type[Screen]]:
    """Every Screen subclass with a show() defined in each public module of `package`."""
    pkg = importlib.import_module(package)
    found: list[type[Screen]] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        try:
            mod = importlib.import_module(f"{package}.{info.name}")
        except Exception:  # one broken screen must not take the kiosk down
            log.exception("screen module %s failed to import", info.name)
            continue
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__ != mod.__name__ or not issubclass(cls, Screen):
                continue
            if callable(getattr(cls, "show", None)):
                found.append(cls)
    return found


def _create(cls: type[Screen]) -> Screen | None:
    try:
        return cls()
    except Exception:  # one broken screen must not take the kiosk down
        log.exception("screen %s could not be created", cls.__name__)
        return None


def discover_screens(package: str = "kiosk.ui.screens") -> list[Screen]:
    """One instance of every Screen subclass defined in each public module of `package`."""
    return [s for s in map(_create, discover_screen_classes(package)) if s is not None]


class ScreenRegistry(Mapping[str, Screen]):
    """The app's screens by name; each is built the first time it is looked up.

    Why: a kiosk shows a few screens all day (attract, working, card); the staff,
    technician, pairing and out-of-service screens may never be shown. Built on first
    show, they cost nothing until then, and the cold start builds one screen, not 17
    (~250 ms of screen building here; card ~45 ms, paid once, on the first scan). Built
    all at start or one per frame after the first frame, the kiosk sat 2-12 MiB higher
    after the warm-up (bench/memory.py). A class that names its screen (`screen_name`)
    waits until it is looked up; one without is built here, as its name comes only from
    the instance. `on_built` puts a new screen into the ScreenManager. `in`, iteration
    and len() never build anything.
    """

    def __init__(self, classes: list[type[Screen]], on_built: Callable[[Screen], None]) -> None:
        self._waiting: dict[str, type[Screen]] = {}
        self._built: dict[str, Screen] = {}
        self._on_built = on_built
        for cls in classes:
            name = getattr(cls, "screen_name", "") or ""
            if name in self:
                log.warning("two screens named %r; keeping the first", name)
            elif name:
                self._waiting[name] = cls
            elif (screen := _create(cls)) is not None:
                self._add(screen.name, screen)

    def _add(self, name: str, screen: Screen) -> None:
        if name in self:
            log.warning("two screens named %r; keeping the first", name)
            return
        self._built[name] = screen
        self._on_built(screen)

    def __getitem__(self, name: str) -> Screen:
        if name not in self._built:
            cls = self._waiting.pop(name)  # KeyError: no such screen
            screen = _create(cls)
            if screen is None:
                raise KeyError(name)
            self._add(name, screen)
        return self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._waiting

    def __iter__(self) -> Iterator[str]:
        return iter([*self._built, *self._waiting])

    def __len__(self) -> int:
        return len(self._built) + len(self._waiting)

    def built(self) -> list[str]:
        return list(self._built)


class BlankOverlay(Widget):
    """Covers everything while the screen is blanked; the touch that wakes it goes nowhere else."""

    def __init__(self, on_wake: Callable[[], None], **kw) -> None:
        super().__init__(**kw)
        self._on_wake = on_wake
        from kivy.graphics import Color, Rectangle

        with canvas(self):
            Color(0, 0, 0, 1)
            self._r = Rectangle()
        self.bind(pos=self._fit, size=self._fit)

    def _fit(self, *_a) -> None:
        self._r.pos, self._r.size = self.pos, self.size

    def on_touch_down(self, touch):
        if self.opacity > 0:
            self._on_wake()
            return True
        return False

    def on_touch_move(self, touch):
        return self.opacity > 0

    def on_touch_up(self, touch):
        return self.opacity > 0


class Root(FloatLayout):
    """The screens, the blank overlay, and the hidden staff corner (long press)."""

    def __init__(self, app: KioskApp, **kw) -> None:
        super().__init__(**kw)
        self.app = app
        self.sm = ScreenManager(transition=NoTransition())
        self.add_widget(self.sm)
        # the accessibility mode's "Need more time?" and the keypad's focus ring (#17)
        self.banner = MoreTimeBanner(size_hint=(1, None), pos_hint={"top": 1}, opacity=0)
        self.add_widget(self.banner)
        self.ring = FocusRing()
        self.add_widget(self.ring)
        self.overlay = BlankOverlay(on_wake=lambda: app.send(Wake()), opacity=0)
        self.add_widget(self.overlay)
        self._corner_ev = None

    def _in_corner(self, touch) -> bool:
        gesture = self.app.staff_gesture
        size = 80 * self.app.u
        if gesture == "long_press_top_left":
            return touch.x < size and touch.y > self.height - size
        if gesture == "long_press_top_right":
            return touch.x > self.width - size and touch.y > self.height - size
        return False

    def on_touch_down(self, touch):
        self.app.touch_seen()
        if self._in_corner(touch) and self.overlay.opacity == 0:
            self._corner_ev = Clock.schedule_once(
                lambda _dt: self.app.send(StaffGesture()), STAFF_HOLD_S
            )
        return super().on_touch_down(touch)

    def on_touch_up(self, touch):
        if self._corner_ev is not None:
            self._corner_ev.cancel()
            self._corner_ev = None
        return super().on_touch_up(touch)


class Host(Protocol):
    """What the app drives: the kiosk's FlowHost, or an unpaired kiosk's PairingFace."""

    @property
    def state(self) -> Any: ...
    def subscribe(self, listener: Callable[[Any], None]) -> Callable[[], None]: ...
    def send(self, event: Event) -> None: ...
    def tick(self) -> None: ...


class KioskApp(App):
    """The kiosk's window, showing what `host` publishes."""

    u = NumericProperty(1.0)
    title = "Stamp Kiosk"

    def __init__(
        self,
        host: Host,
        *,
        staff_gesture: str = "long_press_top_left",
        sound: bool = False,
        on_first_frame: Callable[[], None] | None = None,
        on_tick: Callable[[], None] | None = None,
        keys: KeyRules | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.host = host
        self.staff_gesture = staff_gesture
        self.sound = sound
        self._on_first_frame = on_first_frame
        self._on_tick = on_tick
        self.screens: Mapping[str, Screen] = {}
        self.rendered: Any = None  # the state on screen now (tests read it)
        self.renders = 0
        self.font_file: str | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.focus: KeypadFocus | None = None
        self.keys = keys or KeyRules()  # [accessibility]: key repeat, double strike
        self.keypad: KeypadInput | None = None

    # -- build -----------------------------------------------------------------------------

    def build(self) -> Root:
        self.font_file = register_fonts()
        finish_offscreen_frames(Window)
        Window.clearcolor = theme.CUSTOMER.bg
        self._resize(Window, *Window.size)
        Window.bind(size=lambda w, s: self._resize(w, *s))
        root = Root(self)
        self.screens = ScreenRegistry(discover_screen_classes(), root.sm.add_widget)
        self.focus = KeypadFocus(self.send, root.ring)
        staff_key = None if self.staff_gesture == "none" else self._staff_key
        self.keypad = KeypadInput(self.focus.on_key, staff_key, STAFF_HOLD_S, self.keys)
        Window.bind(on_key_down=self.keypad.key_down, on_key_up=self.keypad.key_up)
        return root

    def _resize(self, _w: Any, width: float, height: float) -> None:
        self.u = theme.unit(width, height)

    def on_start(self) -> None:
        self._unsubscribe = self.host.subscribe(self._state_changed)
        self.render(self.host.state)
        Clock.schedule_interval(self._tick, TICK_S)
        Window.bind(on_flip=self._first_flip)

    def on_stop(self) -> None:
        if self.keypad is not None:
            Window.unbind(on_key_down=self.keypad.key_down, on_key_up=self.keypad.key_up)
        if self._unsubscribe:  # on_stop may come twice (stop() then run()'s own _stop)
            self._unsubscribe()
            self._unsubscribe = None

    def _first_flip(self, *_a) -> None:
        Window.unbind(on_flip=self._first_flip)
        if self._on_first_frame:
            self._on_first_frame()

    def _tick(self, _dt: float) -> None:
        try:
            self.host.tick()
        except Exception:  # one bad tick must not stop the Kivy clock
            log.exception("host tick failed")
        if self._on_tick:
            self._on_tick()
        if self.focus is not None and self.focus.active:
            self.focus.refresh()  # the ring follows a layout that settled since the render

    # -- state in, touches out ---------------------------------------------------------------

    def _state_changed(self, state: Any) -> None:
        Clock.schedule_once(lambda _dt: self.render(self.host.state), 0)

    def render(self, state: Any) -> None:
        name = screen_for(state)  # the accessibility mode may draw a state on its own screen
        screen = self.screens.get(name)
        if screen is None:
            log.error("no screen named %r; is its module in kiosk/ui/screens?", name)
            return
        if not hasattr(state, "lang") and hasattr(screen, "lang"):
            # a state without a language speaks the customer's (staff follows the customer)
            customer = self.host.view_of("customer") if isinstance(self.host, FlowHost) else None
            screen.lang = getattr(customer, "lang", "en")
        try:
            screen.show(state)
        except Exception:  # a rendering bug must not kill the kiosk
            log.exception("screen %s failed to show the state", state.screen)
        if (
            self.sound
            and state.screen == "working"
            and getattr(self.rendered, "screen", "") != "working"
        ):
            from kiosk.ui.sound import beep

            beep()
        if self.root is not None:
            self.root.sm.current = screen.name
            self.root.overlay.opacity = 1 if getattr(state, "blanked", False) else 0
            self._accessible(screen, state)
        self.rendered = state
        self.renders += 1

    def _accessible(self, screen: Screen, state: Any) -> None:
        """The accessibility mode's look, banner and focus for what was just shown."""
        try:
            apply_look(screen, state)
            if hasattr(state, "access"):
                Window.clearcolor = window_colour(state)
            more_time = tr("access.more_time", getattr(state, "lang", "en"))
            if self.root is not None:
                self.root.banner.show(state, more_time, self.u)
            if self.focus is not None:
                self.focus.rendered(screen, state, self.u)
        except Exception:  # the mode's look must never cost the ordinary screen
            log.exception("accessibility look failed on %s", screen.name)

    def _staff_key(self) -> None:
        """The held staff key: as the hidden corner, only when the screen is not blanked."""
        if self.root is not None and self.root.overlay.opacity == 0:
            self.send(StaffGesture())

    def send(self, intent: Intent) -> None:
        """A touch, as its intent, to the mode on top."""
        self.host.send(intent)

    def touch_seen(self) -> None:
        """Every touch anywhere counts as activity (keeps the visit, the session alive)."""
        if self.root is not None and self.root.overlay.opacity == 0:
            self.host.send(Wake())
