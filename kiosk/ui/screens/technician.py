"""technician: PIN pad, then every doctor check with its fix, version, last scan, log tail,
and Refresh / Test print / Restart app / Pair with another shop. Renders
kiosk.flows.technician.TechnicianView.

The diagnostics are English on purpose: the same words as `kiosk doctor` and
docs/technician.md. The re-pairing pages (kiosk/ui/screens/technician_repair.py) speak the
staff screens' language: the shop owner holding the new shop's code reads them too.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.metrics import dp, sp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.flows.technician import REPAIR_PAGES, SCREEN, TechnicianView
from kiosk.i18n import tr
from kiosk.ui.widgets.live_preview import LivePreview
from kiosk.ui.widgets.staff_kit import (
    ERROR,
    KEY,
    MUTED,
    OK,
    PANEL,
    TEXT,
    StaffScreen,
    button,
    font_for_text,
    label,
    paint,
)

TECH = (0.35, 0.65, 0.95, 1)  # technician blue: never mistaken for staff (orange) or customers
WARN = (0.98, 0.8, 0.3, 1)
COLOURS = {"green": OK, "yellow": WARN, "red": ERROR}
TAGS = {"green": "OK", "yellow": "WARN", "red": "FAIL"}
PREVIEW_PERIOD_S = 0.2


class TechnicianScreen(StaffScreen):
    screen_name = SCREEN

    live: LivePreview | None = None
    rendered_page = ""

    def render(self, state: TechnicianView) -> None:
        if state.page == self.rendered_page == "repair_wait" and self.repair.refresh(state):
            return  # the countdown ticks: the camera picture keeps running undisturbed
        self._stop_preview()
        self.clear_widgets()
        root = BoxLayout(orientation="vertical", padding=dp(12), spacing=dp(10))
        root.add_widget(self._bar(state))
        if state.page in REPAIR_PAGES:
            page = self.repair.build
        else:
            page = {"pin": self._pin, "locked": self._locked, "home": self._home}.get(state.page)
        root.add_widget(page(state) if page else BoxLayout())
        self.add_widget(root)
        self.rendered_page = state.page

    @property
    def repair(self):
        """The re-pairing pages (a helper of this screen, in its own file)."""
        from kiosk.ui.screens.technician_repair import RepairPages

        if getattr(self, "_repair", None) is None:
            self._repair = RepairPages(self)
        return self._repair

    def on_leave(self, *_a) -> None:
        self._stop_preview()
        self.rendered_page = ""  # back on screen: build afresh (the preview was stopped)

    def _stop_preview(self) -> None:
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _bar(self, state: TechnicianView) -> BoxLayout:
        bar = paint(BoxLayout(size_hint_y=None, height=sp(64), padding=8, spacing=8), PANEL)
        title = f"Technician  ·  Stamp Kiosk {state.version}"
        bar.add_widget(label(title, "en", size=28, color=TECH, bold=True))
        self.close_button = button(
            "Close",
            "en",
            lambda: self.emit("tech_close"),
            size=20,
            color=(0.55, 0.2, 0.2, 1),
            size_hint_x=0.2,
            # a code on its way or the restart coming: the flow ignores Close, so show it
            enabled=state.page not in ("repair_working", "repair_paired"),
        )
        bar.add_widget(self.close_button)
        return bar

    # -- PIN -------------------------------------------------------------------------------------

    def _pin(self, state: TechnicianView) -> BoxLayout:
        outer = BoxLayout()
        outer.add_widget(BoxLayout(size_hint_x=0.25))
        box = BoxLayout(orientation="vertical", spacing=dp(8), size_hint_x=0.5)
        box.add_widget(label("Technician PIN", "en", size=24, halign="center", height=dp(40)))
        dots = fit_label("●  " * state.pin_length or " ", 30, TEXT, font="DejaVuSans.ttf")
        dots.halign = "center"
        box.add_widget(dots)
        box.add_widget(
            label(state.error, "en", size=20, color=ERROR, halign="center", height=dp(28))
        )
        grid = GridLayout(cols=3, spacing=dp(8))
        self.keys = {}
        for key in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "OK"]:
            if key == "Clear":
                action, data = "tech_clear", {}
            elif key == "OK":
                action, data = "tech_enter", {}
            else:
                action, data = "tech_digit", {"digit": key}
            size = 30 if key.isdigit() else 20
            b = button(key, "en", lambda a=action, d=data: self.emit(a, **d), size=size)
            self.keys[key] = b
            grid.add_widget(b)
        box.add_widget(grid)
        outer.add_widget(box)
        outer.add_widget(BoxLayout(size_hint_x=0.25))
        return outer

    def _locked(self, state: TechnicianView) -> BoxLayout:
        box = BoxLayout(orientation="vertical", padding=dp(60))
        box.add_widget(
            label(
                "Too many wrong PINs. The technician screen is locked for two minutes.",
                "en",
                size=26,
                color=ERROR,
                halign="center",
            )
        )
        return box

    # -- home ------------------------------------------------------------------------------------

    def _home(self, state: TechnicianView) -> BoxLayout:
        body = BoxLayout(spacing=dp(10))
        left = BoxLayout(orientation="vertical", spacing=dp(8))
        left.add_widget(self._checks(state))
        left.add_widget(self._logs(state))
        body.add_widget(left)
        side = BoxLayout(orientation="vertical", spacing=dp(8), size_hint_x=0.34)
        self.buttons = {}
        actions = [
            ("tech_refresh", "Run checks again"),
            ("tech_test_print", "Test print"),
            ("tech_restart", "Restart app"),
        ]
        if state.can_repair:
            actions.append(("tech_repair", tr("tech.repair.button", state.lang)))
        for action, text in actions:
            b = button(
                text,
                state.lang,
                lambda a=action: self.emit(a),
                size=20,
                size_hint_y=None,
                height=dp(48),
                # re-pairing need not wait for the checks (their answer is dropped)
                enabled=not state.running or action == "tech_repair",
            )
            self.buttons[action] = b
            side.add_widget(b)
        if state.preview is not None:
            self.live = LivePreview(state.preview, PREVIEW_PERIOD_S)
            side.add_widget(self.live)
        scan = state.last_scan or "scan a code to test the reader"
        side.add_widget(fit_label(f"Last scan: {scan}", 16, TEXT))
        side.add_widget(fit_label(state.message, 16, TECH))
        if state.note:  # e.g. "re-pairing cancelled, nothing changed"
            side.add_widget(fit_label(tr(state.note, state.lang, **dict(state.values)), 16, TECH))
        if state.preview is None:
            side.add_widget(BoxLayout())
        body.add_widget(side)
        return body

    def _checks(self, state: TechnicianView) -> ScrollView:
        scroll = paint(ScrollView(do_scroll_x=False, size_hint_y=0.66), PANEL)
        col = GridLayout(cols=1, spacing=dp(2), padding=dp(8), size_hint_y=None)
        col.bind(minimum_height=col.setter("height"))
        if not state.checks:
            waiting = "Running checks…" if state.running else "No results yet"
            col.add_widget(fit_label(waiting, 20, MUTED))
        for c in state.checks:
            col.add_widget(self._check_row(c))
        scroll.add_widget(col)
        return scroll

    @staticmethod
    def _check_row(c) -> BoxLayout:
        row = BoxLayout(orientation="vertical", size_hint_y=None, padding=(0, dp(2)))
        head = fit_label(
            f"[b][color={_hex(COLOURS.get(c.status, TEXT))}]{TAGS.get(c.status, '?')}[/color]"
            f"  {c.name}[/b]  {c.message}",
            15,
            TEXT,
        )
        row.add_widget(head)
        if c.status != "green" and c.fix:
            row.add_widget(fit_label(f"    fix: {c.fix}", 13, MUTED))
        row.bind(minimum_height=row.setter("height"))
        return row

    def _logs(self, state: TechnicianView) -> ScrollView:
        scroll = paint(ScrollView(do_scroll_x=False, size_hint_y=0.34), KEY)
        text = "\n".join(state.log_lines[-12:]) or "(no log lines yet)"
        lbl = fit_label(text, 11, MUTED, font="RobotoMono-Regular")
        scroll.add_widget(lbl)
        scroll_to_end(scroll)
        return scroll


def _hex(rgba) -> str:
    return "".join(f"{int(v * 255):02x}" for v in rgba[:3])


def fit_label(text: str, size: float, color, *, font: str = "Roboto") -> Label:
    """A label as tall as its wrapped text (rows never overlap on a 800x480 display)."""
    if font == "Roboto":  # by its text: Hangul or Han (a shop's name) needs the CJK font
        font = font_for_text(text, "en")
    lbl = Label(
        text=text,
        markup=True,
        font_size=sp(size),
        color=color,
        font_name=font,
        halign="left",
        valign="top",
        size_hint_y=None,
        padding=(dp(4), dp(2)),
    )
    lbl.bind(width=lambda w, v: setattr(w, "text_size", (v, None)))
    lbl.bind(texture_size=lambda w, v: setattr(w, "height", v[1]))
    return lbl


def scroll_to_end(scroll: ScrollView) -> None:
    """Show the newest log lines (the bottom) once the layout is done."""
    Clock.schedule_once(lambda _dt: setattr(scroll, "scroll_y", 0), 0)
