"""staff_tools: reprint the last coupon (marked REPRINT), printer status and test print,
the day summary from the kiosk's own log (on screen and on paper), diagnostics."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout

from kiosk.flows.staff import intents as i
from kiosk.flows.staff_states import StaffTools
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, label, message_label, paint, px, top_bar


class StaffToolsScreen(KioskScreen):
    screen_name = "staff_tools"
    theme = STAFF

    def render(self, state: StaffTools) -> None:
        self.clear_widgets()
        root = BoxLayout(orientation="vertical", padding=px(12), spacing=px(10))
        root.add_widget(top_bar(self, "staff.tools.title", back=True))
        body = BoxLayout(spacing=px(16))
        actions = BoxLayout(orientation="vertical", spacing=px(12), size_hint_x=0.45)
        self.buttons = {}
        wanted = [
            ("reprint", i.ReprintLast, "staff.tools.reprint", state.has_last_coupon),
            ("printer", i.PrinterStatus, "staff.tools.printer_status", True),
            ("printer", i.TestPrint, "staff.tools.test_print", True),
            ("day_summary", i.PrintSummary, "staff.tools.print_summary", True),
            ("diagnostics", "diagnostics", "staff.menu.diagnostics", True),
        ]
        for tool, action, key, enabled in wanted:
            if tool in state.tools:
                b = button(
                    self.t(key),
                    self.lang,
                    lambda a=action: self.send(a()),
                    size=22,
                    enabled=enabled,
                    size_hint_y=None,
                    height=px(80),
                )
                self.buttons[action] = b
                actions.add_widget(b)
        actions.add_widget(BoxLayout())
        body.add_widget(actions)
        info = paint(
            BoxLayout(orientation="vertical", spacing=px(6), padding=px(14)), self.theme.panel
        )
        if state.summary is not None:
            info.add_widget(
                label(
                    self.t("staff.summary.title", day=state.summary.day.isoformat()),
                    self.lang,
                    size=24,
                    color=self.theme.accent,
                    bold=True,
                    height=px(44),
                )
            )
            for key, n in state.summary.lines():
                info.add_widget(self._figure(self.t(key), n))
        if state.printer_lines:
            info.add_widget(
                label(
                    self.t("staff.tools.printer_status"),
                    self.lang,
                    size=22,
                    color=self.theme.accent,
                    bold=True,
                    height=px(44),
                )
            )
            shown = 3 if getattr(state, "activity", ()) else 6  # room for the activity
            for line in state.printer_lines[:shown]:
                info.add_widget(
                    label(line, self.lang, size=18, color=self.theme.text, height=px(28))
                )
        activity = getattr(state, "activity", ())
        if activity:  # who stamped by hand, redeemed, issued today (the newest 6)
            info.add_widget(
                label(
                    self.t("staff.activity.title"),
                    self.lang,
                    size=22,
                    color=self.theme.accent,
                    bold=True,
                    height=px(40),
                )
            )
            for line in activity[-4:]:
                info.add_widget(label(line, self.lang, size=17, height=px(26)))
        info.add_widget(BoxLayout())
        info.add_widget(message_label(self, state.message, height=px(70)))
        body.add_widget(info)
        root.add_widget(body)
        self.add_widget(root)

    def _figure(self, name: str, n: int) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=px(40))
        row.add_widget(label(name, self.lang, size=22))
        row.add_widget(label(str(n), self.lang, size=26, bold=True, halign="right"))
        return row
