"""staff_issue_form: the Issue Voucher form, typed on the kiosk's own keyboard.

Why fields are buttons, not TextInputs: a kiosk has no system keyboard, and the flow owns
the text (it validates every keystroke). Touching a field focuses it; the keyboard sends
keys to the flow; the flow publishes the new form with its errors, said in words.
"""

from __future__ import annotations

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button

from kiosk.flows.staff_states import StaffIssueForm
from kiosk.flows.voucher_form import CODE_MODES, SYMBOLOGIES, VALIDITY_KINDS
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.staff_kit import (
    ACCENT,
    ERROR,
    KEY,
    MUTED,
    PANEL,
    SELECTED,
    TEXT,
    StaffScreen,
    button,
    label,
    paint,
)

ROW = dp(52)
SYMBOLOGY_NAMES = {
    "qr": "QR",
    "code128": "Code128",
    "pdf417": "PDF417",
    "aztec": "Aztec",
    "ean13": "EAN-13",
}


class StaffIssueFormScreen(StaffScreen):
    screen_name = "staff_issue_form"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.fields: dict[str, Button] = {}
        self.keyboard: OnScreenKeyboard | None = None
        self.root_box = BoxLayout(orientation="vertical", padding=dp(8), spacing=dp(6))
        self.form_box = BoxLayout(spacing=dp(12))
        self.add_widget(self.root_box)

    # -- the whole screen ----------------------------------------------------------------------

    def render(self, state: StaffIssueForm) -> None:
        if self.keyboard is None or self.keyboard.lang != self.lang:
            self.keyboard = OnScreenKeyboard(
                self._key, self.t, self.lang, size_hint_y=None, height=dp(290)
            )
        self.root_box.clear_widgets()
        self.root_box.add_widget(self.top_bar("staff.form.title", back=True))
        self.form_box.clear_widgets()
        self.fields = {}
        self.form_box.add_widget(self._left(state))
        self.form_box.add_widget(self._right(state))
        self.root_box.add_widget(self.form_box)
        self.root_box.add_widget(self.keyboard)

    def _key(self, action: str, **data) -> None:
        self.emit(action, **data)

    # -- pieces ---------------------------------------------------------------------------------

    def _field(self, name: str, state: StaffIssueForm, placeholder_key: str, **kw) -> Button:
        text = state.form.text_of(name)
        focused = state.focus == name
        shown = text + ("|" if focused else "") if text or focused else self.t(placeholder_key)
        btn = button(
            shown,
            self.lang,
            lambda: self.emit("focus", field=name),
            size=22,
            color=SELECTED if focused else KEY,
            **kw,
        )
        btn.halign = "left"
        if not text and not focused:
            btn.color = MUTED
        self.fields[name] = btn
        return btn

    def _error(self, state: StaffIssueForm, name: str) -> BoxLayout:
        err = state.error_for(name)
        text = self.t(err.key, **err.kwargs()) if err else ""
        return label(text, self.lang, size=16, color=ERROR, height=dp(24) if not err else dp(40))

    def _toggles(self, options, chosen, action, arg, names, size=19) -> list[Button]:
        out = []
        for opt in options:
            out.append(
                button(
                    names(opt),
                    self.lang,
                    lambda o=opt: self.emit(action, **{arg: o}),
                    size=size,
                    selected=opt == chosen,
                )
            )
        return out

    def _row(self, *widgets, height=ROW) -> BoxLayout:
        row = BoxLayout(size_hint_y=None, height=height, spacing=dp(6))
        for w in widgets:
            row.add_widget(w)
        return row

    def _left(self, state: StaffIssueForm) -> BoxLayout:
        form = state.form
        col = paint(BoxLayout(orientation="vertical", spacing=dp(4), padding=dp(8)), PANEL)
        col.add_widget(
            label(self.t("staff.form.customer"), self.lang, size=18, color=ACCENT, height=dp(26))
        )
        if form.customer is not None:
            picked = label(
                self.t("staff.form.customer_picked", name=form.customer.display_name),
                self.lang,
                size=22,
                color=TEXT,
            )
            remove = button(
                self.t("staff.form.clear_customer"),
                self.lang,
                lambda: self.emit("clear_customer"),
                size=18,
                size_hint_x=0.3,
            )
            col.add_widget(self._row(picked, remove))
            col.add_widget(label("", self.lang, height=dp(44)))
        else:
            search = self._field("search", state, "staff.form.search")
            go = button(
                self.t("staff.form.search_button"),
                self.lang,
                lambda: self.emit("search"),
                size=20,
                size_hint_x=0.28,
            )
            self.search_button = go
            col.add_widget(self._row(search, go))
            if state.results:
                self.result_buttons = [
                    button(
                        r.display_name,
                        self.lang,
                        lambda i=r.id: self.emit("pick_customer", card_id=i),
                        size=20,
                    )
                    for r in state.results[:4]
                ]
                col.add_widget(self._row(*self.result_buttons, height=dp(44)))
            else:
                hint = self.t("staff.form.scan_hint") + " — " + self.t("staff.form.customer_none")
                col.add_widget(label(hint, self.lang, size=15, color=MUTED, height=dp(44)))
        col.add_widget(
            label(
                self.t("staff.form.voucher_title"), self.lang, size=18, color=ACCENT, height=dp(26)
            )
        )
        col.add_widget(self._row(self._field("title", state, "staff.form.voucher_title")))
        col.add_widget(self._error(state, "title"))
        col.add_widget(self._row(self._field("description", state, "staff.form.description")))
        col.add_widget(self._error(state, "description"))
        image = form.image or self.t("staff.form.image_none")
        col.add_widget(
            self._row(
                label(self.t("staff.form.image"), self.lang, size=18, color=ACCENT),
                button(image, self.lang, lambda: self.emit("next_image"), size=20, size_hint_x=2.5),
            )
        )
        col.add_widget(self._error(state, "image"))
        col.add_widget(BoxLayout())
        return col

    def _right(self, state: StaffIssueForm) -> BoxLayout:
        form = state.form
        col = paint(BoxLayout(orientation="vertical", spacing=dp(4), padding=dp(8)), PANEL)
        modes = self._toggles(
            CODE_MODES,
            form.code_mode,
            "set_code_mode",
            "mode",
            lambda m: self.t(f"staff.form.code_{m}"),
        )
        col.add_widget(
            self._row(
                label(self.t("staff.form.redeem_code"), self.lang, size=18, color=ACCENT), *modes
            )
        )
        if form.code_mode != "none":
            widgets = []
            if form.code_mode == "given":
                widgets.append(
                    self._field("code_value", state, "staff.form.code_value", size_hint_x=2.2)
                )
            widgets += self._toggles(
                SYMBOLOGIES, form.symbology, "set_symbology", "value", SYMBOLOGY_NAMES.get, size=15
            )
            col.add_widget(self._row(*widgets))
        col.add_widget(
            self._error(state, "code_value" if state.error_for("code_value") else "symbology")
        )
        kinds = self._toggles(
            VALIDITY_KINDS,
            form.validity,
            "set_validity",
            "kind",
            lambda k: self.t(f"staff.form.validity_{k}"),
            size=17,
        )
        col.add_widget(
            self._row(
                label(self.t("staff.form.validity"), self.lang, size=18, color=ACCENT), *kinds
            )
        )
        if form.validity in ("days", "months"):
            col.add_widget(
                self._row(
                    label(self.t("staff.form.validity_n"), self.lang, size=18),
                    self._field("validity_n", state, "staff.form.validity_n", size_hint_x=1.5),
                    label(self.t(f"staff.form.validity_{form.validity}"), self.lang, size=18),
                )
            )
        elif form.validity == "fixed_date":
            col.add_widget(self._date_row(state))
        col.add_widget(self._error(state, "validity"))
        if form.customer is not None:
            col.add_widget(
                self._row(
                    button(
                        ("[x] " if form.print_copy else "[  ] ") + self.t("staff.form.print_copy"),
                        self.lang,
                        lambda: self.emit("toggle_print"),
                        size=18,
                        selected=form.print_copy,
                    ),
                    height=dp(44),
                )
            )
        col.add_widget(BoxLayout())
        col.add_widget(self.message_label(state.message, height=dp(44)))
        self.generate = button(
            self.t("staff.form.generate"),
            self.lang,
            lambda: self.emit("generate"),
            size=26,
            color=(0.75, 0.4, 0.08, 1),
            enabled=not state.busy,
            size_hint_y=None,
            height=dp(64),
        )
        col.add_widget(self.generate)
        return col

    def _date_row(self, state: StaffIssueForm) -> BoxLayout:
        value = state.form.fixed_date.isoformat() if state.form.fixed_date else "----"
        steps = []
        for unit, delta, text in (
            ("day", -1, "-1d"),
            ("day", 1, "+1d"),
            ("month", -1, "-1m"),
            ("month", 1, "+1m"),
            ("year", 1, "+1y"),
        ):
            steps.append(
                button(
                    text,
                    self.lang,
                    lambda u=unit, d=delta: self.emit("date_step", unit=u, delta=d),
                    size=18,
                )
            )
        self.date_label = label(value, self.lang, size=22, bold=True)
        return self._row(
            label(self.t("staff.form.date"), self.lang, size=17), self.date_label, *steps
        )
