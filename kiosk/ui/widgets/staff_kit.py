"""Building blocks shared by the staff_* screens: a screen base, big buttons, wrapped labels,
fonts per language.

Why a base class: every staff screen renders one immutable state and reports touches as
`action(**data)`; none calls the API or a device. The app wires `on_action` to
`controller.touch` (if it does not, the running App's `controller` is used).
Why fonts here: Kivy's default font has no Hangul or Han glyphs; Korean and Chinese screens
use Noto Sans CJK when the system has it (fonts-noto-cjk, installed by bootstrap.sh).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.metrics import dp
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.i18n import tr
from kiosk.ui.canvas import canvas
from kiosk.ui.fonts import find_font, has_cjk, latin_font

BG = (0.11, 0.12, 0.14, 1)
PANEL = (0.17, 0.18, 0.21, 1)
ACCENT = (0.95, 0.55, 0.15, 1)  # staff mode is orange: never mistaken for the customer screens
TEXT = (0.95, 0.95, 0.95, 1)
MUTED = (0.7, 0.72, 0.76, 1)
ERROR = (1.0, 0.42, 0.38, 1)
OK = (0.45, 0.85, 0.5, 1)
KEY = (0.28, 0.3, 0.35, 1)
SELECTED = (0.2, 0.45, 0.8, 1)

Action = Callable[..., None]


DESIGN_SIZE = (1280, 800)  # the 10" panel the layouts were drawn for


def scale() -> float:
    """Layouts were drawn for 1280x800; a 7" 800x480 panel gets the same layout, smaller.

    Every size on the staff screens goes through px(), so the whole form and the keyboard
    always fit the window instead of running off its top.
    """
    w, h = Window.size
    return max(0.5, min(w / DESIGN_SIZE[0], h / DESIGN_SIZE[1], 1.6))


def px(value: float) -> float:
    return dp(value) * scale()


def font_for(lang: str) -> str:
    """The font that has this language's glyphs (Roboto for Latin, Noto CJK for ko/zh)."""
    cjk = find_font() if lang in ("ko", "zh") else None
    return str(cjk) if cjk else latin_font()  # not "Roboto": the app gave Noto CJK that name


def font_for_text(text: str, lang: str) -> str:
    """The UI language's font, or the CJK font when the text itself (a voucher title, a
    customer's name from the server) holds Hangul or Han. Labels and buttons made here
    re-pick it whenever their text changes."""
    return font_for("ko") if has_cjk(text) else font_for(lang)


def paint(widget: Widget, rgba: tuple[float, ...]) -> Widget:
    """Give a layout a solid background that follows its size."""
    with canvas(widget).before:
        Color(*rgba)
        rect = Rectangle(pos=widget.pos, size=widget.size)
    widget.bind(
        pos=lambda w, v: setattr(rect, "pos", v), size=lambda w, v: setattr(rect, "size", v)
    )
    return widget


def label(
    text: str,
    lang: str,
    *,
    size: float = 22,
    color: tuple[float, ...] = TEXT,
    halign: str = "left",
    bold: bool = False,
    height: float | None = None,
) -> Label:
    """A wrapped label; with `height` it is fixed-height (rows of a form)."""
    lbl = Label(
        text=text,
        font_name=font_for_text(text, lang),
        font_size=px(size),
        color=color,
        halign=halign,
        valign="middle",
        bold=bold,
    )
    lbl.bind(size=lambda w, v: setattr(w, "text_size", (v[0], None)))
    lbl.bind(text=lambda w, t: setattr(w, "font_name", font_for_text(t, lang)))
    if height is not None:
        lbl.size_hint_y = None
        lbl.height = height
    return lbl


def button(
    text: str,
    lang: str,
    on_press: Callable[[], None],
    *,
    size: float = 24,
    color: tuple[float, ...] = KEY,
    selected: bool = False,
    enabled: bool = True,
    **kw: Any,
) -> Button:
    """A big flat touch button; `selected` marks the chosen option of a group."""
    btn = Button(
        text=text,
        font_name=font_for_text(text, lang),
        font_size=px(size),
        background_normal="",
        background_down="",
        background_color=SELECTED if selected else color,
        color=TEXT,
        halign="center",
        valign="middle",
        disabled=not enabled,
        **kw,
    )
    btn.bind(size=lambda w, v: setattr(w, "text_size", (v[0] - 12, None)))
    btn.bind(text=lambda w, t: setattr(w, "font_name", font_for_text(t, lang)))
    btn.bind(on_release=lambda *_: on_press())
    return btn


class StaffScreen(Screen):
    """One staff screen: `show(state)` renders, `emit(action, **data)` reports a touch."""

    screen_name = ""
    lang = StringProperty("en")

    def __init__(self, on_action: Action | None = None, **kw: Any) -> None:
        kw.setdefault("name", self.screen_name)
        super().__init__(**kw)
        self.on_action = on_action
        self.state: Any = None
        paint(self, BG)
        self.bind(lang=lambda *_: self.state is not None and self.show(self.state))

    def emit(self, action: str, **data: Any) -> None:
        sink = self.on_action
        if sink is None:
            controller = getattr(App.get_running_app(), "controller", None)
            sink = getattr(controller, "touch", None)
        if sink is not None:
            sink(action, **data)

    def t(self, key: str, **values: Any) -> str:
        return tr(key, self.lang, **values)

    def show(self, state: Any) -> None:
        self.state = state
        self.window_size = tuple(Window.size)
        lang = getattr(state, "lang", None)
        if lang and lang != self.lang:
            self.lang = lang  # the binding re-renders in the new language
            return
        self.render(state)

    def render(self, state: Any) -> None:  # pragma: no cover - each screen overrides
        raise NotImplementedError

    def top_bar(self, title_key: str, *, back: bool = False, exit_: bool = True) -> BoxLayout:
        """Title with the staff colour, and Back / Exit where they apply."""
        bar = paint(BoxLayout(size_hint_y=None, height=px(64), padding=px(8), spacing=px(8)), PANEL)
        if back:
            bar.add_widget(
                button(
                    self.t("staff.form.back"),
                    self.lang,
                    lambda: self.emit("back"),
                    size_hint_x=0.18,
                )
            )
        bar.add_widget(label(self.t(title_key), self.lang, size=28, color=ACCENT, bold=True))
        if exit_:
            bar.add_widget(
                button(
                    self.t("staff.menu.exit"),
                    self.lang,
                    lambda: self.emit("exit"),
                    size=20,
                    color=(0.55, 0.2, 0.2, 1),
                    size_hint_x=0.26,
                )
            )
        return bar

    def message_label(self, message: Any, *, height: float = 56) -> Label:
        if message is None:
            return label("", self.lang, height=height)
        text = self.t(message.key, **message.kwargs())
        return label(text, self.lang, size=20, color=ERROR if message.error else OK, height=height)
