"""staff_menu: what this staff member may do (the server's permissions decide the buttons)."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout

from kiosk.flows.staff import intents as i
from kiosk.flows.staff.barista import OpenCheck, OpenStamps
from kiosk.flows.staff_states import StaffMenu
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.kit import button, label, message_label, px, top_bar

COUNTER_TOOLS = ("reprint", "printer", "day_summary")


class StaffMenuScreen(KioskScreen):
    screen_name = "staff_menu"
    theme = STAFF

    def render(self, state: StaffMenu) -> None:
        self.clear_widgets()
        root = BoxLayout(orientation="vertical", padding=px(16), spacing=px(16))
        root.add_widget(top_bar(self, "staff.menu.title"))
        root.add_widget(
            label(
                self.t("staff.menu.hello", name=state.staff_name), self.lang, size=24, height=px(44)
            )
        )
        grid = GridLayout(cols=2, spacing=px(16), size_hint_y=None, height=px(320))
        self.buttons = {}
        if "issue_voucher" in state.tools:
            self.buttons["open_issue"] = button(
                self.t("staff.menu.issue_voucher"),
                self.lang,
                lambda: self.send(i.OpenIssue()),
                size=30,
                color=self.theme.accent,
            )
        if any(t in state.tools for t in COUNTER_TOOLS):
            self.buttons["open_tools"] = button(
                self.t("staff.menu.tools"), self.lang, lambda: self.send(i.OpenTools()), size=30
            )
        if "check_voucher" in state.tools:
            self.buttons["open_check"] = button(
                self.t("staff.menu.check_voucher"),
                self.lang,
                lambda: self.send(OpenCheck()),
                size=30,
            )
        if "add_stamps" in state.tools:
            self.buttons["open_stamps"] = button(
                self.t("staff.menu.add_stamps"),
                self.lang,
                lambda: self.send(OpenStamps()),
                size=30,
            )
        if "diagnostics" in state.tools:
            self.buttons["diagnostics"] = button(
                self.t("staff.menu.diagnostics"),
                self.lang,
                lambda: self.send(i.Diagnostics()),
                size=30,
            )
        for b in self.buttons.values():
            grid.add_widget(b)
        root.add_widget(grid)
        root.add_widget(message_label(self, state.message))
        root.add_widget(
            label(
                self.t("staff.menu.timeout", seconds=state.timeout_s),
                self.lang,
                size=18,
                color=self.theme.muted,
                height=px(40),
            )
        )
        root.add_widget(BoxLayout())
        self.add_widget(root)
