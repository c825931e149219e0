"""technician: PIN pad, then every doctor check with its fix, version, last scan, log tail,
and Refresh / Test print / Restart app / Pair with another shop. Renders
kiosk.flows.technician.TechnicianView.

The diagnostics are English on purpose: the same words as `kiosk doctor` and
docs/technician.md. The re-pairing pages (kiosk/ui/screens/technician_repair.py) speak the
staff screens' language: the shop owner holding the new shop's code reads them too.
"""

from __future__ import annotations

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.flows.runtime import Intent
from kiosk.flows.technician import REPAIR_PAGES, SCREEN, TechnicianView
from kiosk.flows.technician import intents as i
from kiosk.i18n import tr
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import TECHNICIAN
from kiosk.ui.widgets.kit import button, font_for_text, label, paint, px
from kiosk.ui.widgets.live_preview import LivePreview

COLOURS = {"green": TECHNICIAN.good, "yellow": TECHNICIAN.warn, "red": TECHNICIAN.error}
TAGS = {"green": "OK", "yellow": "WARN", "red": "FAIL"}
PREVIEW_PERIOD_S = 0.2


class TechnicianScreen(KioskScreen):
    screen_name = SCREEN
    theme = TECHNICIAN  # the staff look with the technician blue

    live: LivePreview | None = None
    rendered_page = ""

    def render(self, state: TechnicianView) -> None:
        if state.page == self.rendered_page == "repair_wait" and self.repair.refresh(state):
            return  # the countdown ticks: the camera picture keeps running undisturbed
        self._stop_preview()
        self.clear_widgets()
        root = BoxLayout(orientation="vertical", padding=px(20), spacing=px(16))
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
        bar = paint(
            BoxLayout(size_hint_y=None, height=px(106), padding=px(13), spacing=px(13)),
            self.theme.panel,
        )
        title = f"Technician  ·  Stamp Kiosk {state.version}"
        bar.add_widget(label(title, "en", size=28, color=self.theme.accent, bold=True))
        self.close_button = button(
            "Close",
            "en",
            lambda: self.send(i.CloseScreen()),
            size=20,
            color=self.theme.danger,
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
        box = BoxLayout(orientation="vertical", spacing=px(13), size_hint_x=0.5)
        box.add_widget(label("Technician PIN", "en", size=24, halign="center", height=px(67)))
        dots = fit_label(
            "●  " * state.pin_length or " ", 50, self.theme.text, font="DejaVuSans.ttf"
        )
        dots.halign = "center"
        box.add_widget(dots)
        box.add_widget(
            label(
                state.error, "en", size=20, color=self.theme.error, halign="center", height=px(46)
            )
        )
        grid = GridLayout(cols=3, spacing=px(13))
        self.keys = {}
        for key in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "Clear", "0", "OK"]:
            intent: Intent = i.PinDigit(key)
            if key == "Clear":
                intent = i.PinClear()
            elif key == "OK":
                intent = i.PinEnter()
            size = 30 if key.isdigit() else 20
            b = button(key, "en", lambda k=intent: self.send(k), size=size)
            self.keys[key] = b
            grid.add_widget(b)
        box.add_widget(grid)
        outer.add_widget(box)
        outer.add_widget(BoxLayout(size_hint_x=0.25))
        return outer

    def _locked(self, state: TechnicianView) -> BoxLayout:
        box = BoxLayout(orientation="vertical", padding=px(100))
        box.add_widget(
            label(
                "Too many wrong PINs. The technician screen is locked for two minutes.",
                "en",
                size=26,
                color=self.theme.error,
                halign="center",
            )
        )
        return box

    # -- home ------------------------------------------------------------------------------------

    def _home(self, state: TechnicianView) -> BoxLayout:
        body = BoxLayout(spacing=px(16))
        left = BoxLayout(orientation="vertical", spacing=px(13))
        left.add_widget(self._checks(state))
        left.add_widget(self._logs(state))
        body.add_widget(left)
        side = BoxLayout(orientation="vertical", spacing=px(13), size_hint_x=0.34)
        self.buttons = {}
        actions: list[tuple[str, Intent, str]] = [  # (button name, what it sends, label)
            ("tech_refresh", i.RunChecks(), "Run checks again"),
            ("tech_test_print", i.PrintTest(), "Test print"),
            ("tech_restart", i.RestartApp(), "Restart app"),
        ]
        if state.can_repair:
            actions.append(("tech_repair", i.StartRepair(), tr("tech.repair.button", state.lang)))
        for action, intent, text in actions:
            b = button(
                text,
                state.lang,
                lambda k=intent: self.send(k),
                size=20,
                size_hint_y=None,
                height=px(80),
                # re-pairing need not wait for the checks (their answer is dropped)
                enabled=not state.running or action == "tech_repair",
            )
            self.buttons[action] = b
            side.add_widget(b)
        if state.preview is not None:
            self.live = LivePreview(state.preview, PREVIEW_PERIOD_S)
            side.add_widget(self.live)
        scan = state.last_scan or "scan a code to test the reader"
        side.add_widget(fit_label(f"Last scan: {scan}", 27, self.theme.text))
        side.add_widget(fit_label(state.message, 27, self.theme.accent))
        if state.note:  # e.g. "re-pairing cancelled, nothing changed"
            side.add_widget(
                fit_label(tr(state.note, state.lang, **dict(state.values)), 27, self.theme.accent)
            )
        if state.preview is None:
            side.add_widget(BoxLayout())
        body.add_widget(side)
        return body

    def _checks(self, state: TechnicianView) -> ScrollView:
        scroll = paint(ScrollView(do_scroll_x=False, size_hint_y=0.66), self.theme.panel)
        col = GridLayout(cols=1, spacing=px(3), padding=px(13), size_hint_y=None)
        col.bind(minimum_height=col.setter("height"))
        if not state.checks:
            waiting = "Running checks…" if state.running else "No results yet"
            col.add_widget(fit_label(waiting, 33, self.theme.muted))
        for c in state.checks:
            col.add_widget(self._check_row(c))
        scroll.add_widget(col)
        return scroll

    @staticmethod
    def _check_row(c) -> BoxLayout:
        row = BoxLayout(orientation="vertical", size_hint_y=None, padding=(0, px(3)))
        head = fit_label(
            f"[b][color={_hex(COLOURS.get(c.status, TECHNICIAN.text))}]{TAGS.get(c.status, '?')}[/color]"
            f"  {c.name}[/b]  {c.message}",
            25,
            TECHNICIAN.text,
        )
        row.add_widget(head)
        if c.status != "green" and c.fix:
            row.add_widget(fit_label(f"    fix: {c.fix}", 22, TECHNICIAN.muted))
        row.bind(minimum_height=row.setter("height"))
        return row

    def _logs(self, state: TechnicianView) -> ScrollView:
        scroll = paint(ScrollView(do_scroll_x=False, size_hint_y=0.34), self.theme.key)
        text = "\n".join(state.log_lines[-12:]) or "(no log lines yet)"
        lbl = fit_label(text, 18, self.theme.muted, font="RobotoMono-Regular")
        scroll.add_widget(lbl)
        scroll_to_end(scroll)
        return scroll


def _hex(rgba) -> str:
    return "".join(f"{int(v * 255):02x}" for v in rgba[:3])


def fit_label(text: str, size: float, color, *, font: str = "Roboto") -> Label:
    """A label as tall as its wrapped text (rows never overlap on a 800x480 display);
    `size` in the technician theme's numbers."""
    if font == "Roboto":  # by its text: Hangul or Han (a shop's name) needs the CJK font
        font = font_for_text(text, "en")
    lbl = Label(
        text=text,
        markup=True,
        font_size=px(size, TECHNICIAN),
        color=color,
        font_name=font,
        halign="left",
        valign="top",
        size_hint_y=None,
        padding=(px(7, TECHNICIAN), px(3, TECHNICIAN)),
    )
    lbl.bind(width=lambda w, v: setattr(w, "text_size", (v, None)))
    lbl.bind(texture_size=lambda w, v: setattr(w, "height", v[1]))
    return lbl


def scroll_to_end(scroll: ScrollView) -> None:
    """Show the newest log lines (the bottom) once the layout is done."""
    Clock.schedule_once(lambda _dt: setattr(scroll, "scroll_y", 0), 0)
