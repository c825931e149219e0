"""The widgets that screens drawn in code are made of: labels, big flat buttons, a solid
background, the title bar, and the one scaling rule (`px`) with fonts per language.

Why here and not in .kv: the staff and technician screens are forms built from their state
(the server's permissions decide the buttons, the form its fields). Colours and sizes come
from a theme (kiosk/ui/theme.py; staff by default); the screens themselves derive from the
one base, kiosk.ui.screens._base.KioskScreen, and report touches with its `send`.
Why fonts here: Kivy's default font has no Hangul or Han glyphs; Korean and Chinese screens
use Noto Sans CJK when the system has it (fonts-noto-cjk, installed by bootstrap.sh).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.flows.staff.intents import Back, Exit
from kiosk.ui.canvas import canvas
from kiosk.ui.fonts import find_font, has_cjk, latin_font
from kiosk.ui.theme import MIN_TARGET_PX_AT_U1, STAFF, Theme, unit


def px(value: float, theme: Theme = STAFF) -> float:
    """A size number of `theme` in pixels for the window as it is now (theme.unit's rule).

    Every size on a screen drawn in code goes through px(), so the whole form and the
    keyboard always fit the window instead of running off its top.
    """
    return theme.px(value, unit(*Window.size))


# Window heights under this get the staff pages' compact layouts (7" 800x480, 1024x600).
COMPACT_BELOW_PX = 640


def compact() -> bool:
    """A small panel: the staff pages trade side-by-side parts for finger-sized ones."""
    return Window.height < COMPACT_BELOW_PX


def touch_px(value: float, theme: Theme = STAFF) -> float:
    """px(value) for something a finger presses: never under MIN_TARGET_PX_AT_U1 (9 mm on a
    7" 800x480 panel, where px() alone gives 0.6 of the 1280x800 size)."""
    return max(px(value, theme), MIN_TARGET_PX_AT_U1)


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
    color: tuple[float, ...] | None = None,
    halign: str = "left",
    bold: bool = False,
    height: float | None = None,
    theme: Theme = STAFF,
) -> Label:
    """A wrapped label (`size` in the theme's numbers); with `height` it is fixed-height."""
    lbl = Label(
        text=text,
        font_name=font_for_text(text, lang),
        font_size=px(size, theme),
        color=theme.text if color is None else color,
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
    color: tuple[float, ...] | None = None,
    selected: bool = False,
    enabled: bool = True,
    theme: Theme = STAFF,
    **kw: Any,
) -> Button:
    """A big flat touch button; `selected` marks the chosen option of a group."""
    fill = theme.key if color is None else color
    btn = Button(
        text=text,
        font_name=font_for_text(text, lang),
        font_size=px(size, theme),
        background_normal="",
        background_down="",
        background_color=theme.selected if selected else fill,
        color=theme.label_on(theme.selected if selected else fill),
        halign="center",
        valign="middle",
        disabled=not enabled,
        **kw,
    )
    btn.bind(size=lambda w, v: setattr(w, "text_size", (v[0] - 12, None)))
    btn.bind(text=lambda w, t: setattr(w, "font_name", font_for_text(t, lang)))
    btn.bind(on_release=lambda *_: on_press())
    return btn


def top_bar(screen: Any, title_key: str, *, back: bool = False, exit_: bool = True) -> BoxLayout:
    """A screen's title in its theme's accent, with Back / Exit where they apply
    (they send "back" / "exit")."""
    theme: Theme = screen.theme
    pad = px(8, theme)
    # never lower than a finger's 9 mm button (plus padding), on a 7" 800x480 panel too
    height = max(px(64, theme), MIN_TARGET_PX_AT_U1 + 2 * pad)
    bar = paint(
        BoxLayout(size_hint_y=None, height=height, padding=pad, spacing=px(8, theme)),
        theme.panel,
    )
    lang = screen.lang
    if back:
        bar.add_widget(
            button(
                screen.t("staff.form.back"),
                lang,
                lambda: screen.send(Back()),
                size_hint_x=0.18,
                theme=theme,
            )
        )
    title = label(screen.t(title_key), lang, size=28, color=theme.accent, bold=True, theme=theme)
    bar.add_widget(title)
    if exit_:
        bar.add_widget(
            button(
                screen.t("staff.menu.exit"),
                lang,
                lambda: screen.send(Exit()),
                size=20,
                color=theme.danger,
                size_hint_x=0.26,
                theme=theme,
            )
        )
    return bar


def message_label(screen: Any, message: Any, *, height: float = 56) -> Label:
    """A flow's message (an i18n key with values): the theme's error or good colour."""
    theme: Theme = screen.theme
    if message is None:
        return label("", screen.lang, height=height, theme=theme)
    text = screen.t(message.key, **message.kwargs())
    colour = theme.error if message.error else theme.good
    return label(text, screen.lang, size=20, color=colour, height=height, theme=theme)
