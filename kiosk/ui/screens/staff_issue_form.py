"""staff_issue_form: the Issue Voucher form, typed on the kiosk's own keyboard.

Why fields are buttons, not TextInputs: a kiosk has no system keyboard, and the flow owns
the text (it validates every keystroke). Touching a field focuses it; the keyboard sends
keys to the flow; the flow publishes the new form with its errors, said in words.
Why build once and update in place: a keystroke must not rebuild ~80 widgets (seconds on a
Pi with the CJK font); the layout is rebuilt only when its shape changes (customer picked,
code mode, validity kind, search results, language), otherwise only texts and colours.

Why a compact layout: on a 7" 800x480 (or 1024x600) panel the form and the keyboard on one
screen left keys and buttons 5 mm tall, too small for a finger. There the form shows alone
with 9 mm rows, and touching a field opens a typing page: that field, Done, and the keyboard
over the rest of the screen (as phones do in landscape).
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.utils import escape_markup

from kiosk.flows.staff import form_intents as f
from kiosk.flows.staff.issue_form import error_field
from kiosk.flows.staff_states import StaffIssueForm
from kiosk.flows.voucher_form import CODE_MODES, SYMBOLOGIES, VALIDITY_KINDS
from kiosk.ui.fonts import has_cjk
from kiosk.ui.screens._base import KioskScreen
from kiosk.ui.theme import STAFF
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.kit import button, compact, font_for, label, paint, px, top_bar

SYMBOLOGY_NAMES = {
    "qr": "QR",
    "code128": "Code128",
    "pdf417": "PDF417",
    "aztec": "Aztec",
    "ean13": "EAN-13",
}
PLACEHOLDERS = {
    "search": "staff.form.search",
    "title": "staff.form.voucher_title",
    "description": "staff.form.description",
    "code_value": "staff.form.code_value",
    "validity_n": "staff.form.validity_n",
}


class StaffIssueFormScreen(KioskScreen):
    screen_name = "staff_issue_form"
    theme = STAFF

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.fields: dict[str, Button] = {}
        self.error_labels: dict[str, Label] = {}
        self.toggles: dict[str, dict[str, Button]] = {}
        self.keyboard: OnScreenKeyboard | None = None
        self.generate: Button | None = None
        self.done_button: Button | None = None  # the typing page's Done (compact layout)
        self.image_button: Button | None = None
        self.print_button: Button | None = None
        self.compact = False
        self._shape: Any = None
        self.root_box = BoxLayout(orientation="vertical", padding=px(8), spacing=px(6))
        self.add_widget(self.root_box)

    # -- the whole screen ----------------------------------------------------------------------

    def render(self, state: StaffIssueForm) -> None:
        shape = self._shape_of(state)
        if shape != self._shape:
            self._build(state, shape)
            self._shape = shape
        self._update(state)

    def _shape_of(self, state: StaffIssueForm) -> tuple:
        form = state.form
        return (
            self.lang,
            tuple(Window.size),
            form.customer,
            form.code_mode,
            form.validity,
            tuple((r.id, r.display_name, r.contact_hint) for r in state.results),
            compact() and state.focus,  # the typing page of this field, or "" for the form
        )

    def _build(self, state: StaffIssueForm, shape: tuple) -> None:
        if self.keyboard is None or self._shape is None or self._shape[:2] != shape[:2]:
            self.keyboard = OnScreenKeyboard(self.send, self.t, self.lang)
        self.compact = compact()
        self.fields, self.error_labels, self.toggles = {}, {}, {}
        self.image_button = self.generate = self.print_button = self.done_button = None
        self.root_box.clear_widgets()
        self.root_box.add_widget(top_bar(self, "staff.form.title", back=True))
        if self.compact and state.focus:
            self._typing_page(state)
            return
        form_box = BoxLayout(spacing=px(12))
        form_box.add_widget(self._left(state))
        form_box.add_widget(self._right(state))
        self.root_box.add_widget(form_box)
        if not self.compact:
            self.keyboard.size_hint_y, self.keyboard.height = None, px(270)
            self.root_box.add_widget(self.keyboard)

    def _typing_page(self, state: StaffIssueForm) -> None:
        """The compact layout's page for typing into one field: the field, Done, the
        keyboard; for the customer search also Search."""
        name = state.focus
        caption = label(self.t(PLACEHOLDERS[name]), self.lang, size=18, color=self.theme.accent)
        caption.size_hint_y, caption.height = None, px(30)
        self.root_box.add_widget(caption)
        widgets: list[Any] = [self._field(name, size_hint_x=3)]
        if name == "search":
            widgets.append(button(self.t("staff.form.search_button"), self.lang, self._search))
        done = button(self.t("staff.form.done_typing"), self.lang, self._done, size=22)
        done.background_color = self.theme.accent
        self.done_button = done
        self.root_box.add_widget(self._row(*widgets, done))
        self.root_box.add_widget(self._error(error_field(name)))
        # no search results here: they show on the form (a search that finds cards ends
        # typing), and a row of them would take the keys' height
        self.message = label("", self.lang, size=20, height=px(36))
        self.root_box.add_widget(self.message)
        keyboard = self.keyboard
        assert keyboard is not None  # _build made it
        keyboard.size_hint_y = 1
        self.root_box.add_widget(keyboard)

    def _search(self) -> None:
        self.send(f.Search())

    def _done(self) -> None:
        self.send(f.DoneTyping())

    def _update(self, state: StaffIssueForm) -> None:
        """Only what a keystroke or a toggle changes: texts, colours, errors, the message."""
        form = state.form
        for name, btn in self.fields.items():
            text = form.text_of(name)
            focused = state.focus == name
            live = form.composing if focused else 0
            if text or focused:
                btn.markup = live > 0
                btn.text = _field_text(text, live) + ("|" if focused else "")
                btn.color = self.theme.text
            else:
                btn.markup = False
                btn.text = self.t(PLACEHOLDERS[name])
                btn.color = self.theme.muted
            btn.font_name = font_for("ko") if has_cjk(btn.text) else font_for(self.lang)
            btn.background_color = self.theme.selected if focused else self.theme.key
        for name, lbl in self.error_labels.items():
            err = state.error_for(name)
            if name == "code_value" and err is None:
                err = state.error_for("symbology")
            lbl.text = self.t(err.key, **err.kwargs()) if err else ""
        chosen = {"code_mode": form.code_mode, "symbology": form.symbology}
        chosen["validity"] = form.validity
        for group, buttons in self.toggles.items():
            for value, btn in buttons.items():
                btn.background_color = (
                    self.theme.selected if chosen[group] == value else self.theme.key
                )
        if self.image_button is not None:
            self.image_button.text = form.image or self.t("staff.form.image_none")
        date_label = getattr(self, "date_label", None)
        if date_label is not None:
            date_label.text = form.fixed_date.isoformat() if form.fixed_date else "----"
        print_button = getattr(self, "print_button", None)
        if print_button is not None:
            mark = "[x] " if form.print_copy else "[  ] "
            print_button.text = mark + self.t("staff.form.print_copy")
            print_button.background_color = (
                self.theme.selected if form.print_copy else self.theme.key
            )
        msg = state.message
        self.message.text = self.t(msg.key, **msg.kwargs()) if msg else ""
        self.message.color = self.theme.error if msg and msg.error else self.theme.good
        if self.generate is not None:  # render() builds it before the first _update
            self.generate.disabled = state.busy
        if self.keyboard is not None:
            self.keyboard.show_candidates(state.candidates)

    # -- pieces ---------------------------------------------------------------------------------

    def _field(self, name: str, **kw) -> Button:
        btn = button("", self.lang, lambda: self.send(f.Focus(name)), size=22, **kw)
        btn.halign = "left"
        self.fields[name] = btn
        return btn

    def _error(self, name: str) -> Label:
        lbl = label("", self.lang, size=15, color=self.theme.error, height=px(30))
        self.error_labels[name] = lbl
        return lbl

    def _toggles(self, group, options, intent, names, size=19) -> list[Button]:
        """One button per option; `intent(option)` is what a touch sends."""
        self.toggles[group] = {}
        for opt in options:
            self.toggles[group][opt] = button(
                names(opt), self.lang, lambda o=opt: self.send(intent(o)), size=size
            )
        return list(self.toggles[group].values())

    def _row(self, *widgets, height: float = 0) -> BoxLayout:
        """A row of `height` (default: the layout's row), never lower than a finger needs
        in the compact layout."""
        height = height or self._row_height()
        if self.compact:
            height = max(height, self._row_height())
        row = BoxLayout(size_hint_y=None, height=height, spacing=px(6))
        for w in widgets:
            row.add_widget(w)
        return row

    def _row_height(self) -> float:
        return px(80) if self.compact else px(46)  # px(80): 48 px, 9 mm on a 7" 800x480 panel

    def _caption(self, key: str) -> Label:
        return label(self.t(key), self.lang, size=18, color=self.theme.accent)

    def _left(self, state: StaffIssueForm) -> BoxLayout:
        form = state.form
        col = paint(
            BoxLayout(orientation="vertical", spacing=px(4), padding=px(8)), self.theme.panel
        )
        col.add_widget(
            label(
                self.t("staff.form.customer"),
                self.lang,
                size=18,
                color=self.theme.accent,
                height=px(26),
            )
        )
        if form.customer is not None:
            name = form.customer.display_name
            picked = label(self.t("staff.form.customer_picked", name=name), self.lang, size=22)
            remove = button(
                self.t("staff.form.clear_customer"),
                self.lang,
                lambda: self.send(f.ClearCustomer()),
                size=18,
                size_hint_x=0.3,
            )
            col.add_widget(self._row(picked, remove))
            # the print toggle belongs to the customer: under their name, not with the code
            self.print_button = button("", self.lang, lambda: self.send(f.TogglePrint()), size=18)
            col.add_widget(self._row(self.print_button, height=px(44)))
        else:
            self.search_button = button(
                self.t("staff.form.search_button"),
                self.lang,
                lambda: self.send(f.Search()),
                size=20,
                size_hint_x=0.28,
            )
            col.add_widget(self._row(self._field("search"), self.search_button))
            col.add_widget(self._results_or_hint(state))
        col.add_widget(self._row(self._field("title")))
        col.add_widget(self._error("title"))
        col.add_widget(self._row(self._field("description")))
        col.add_widget(self._error("description"))
        self.image_button = button(
            "", self.lang, lambda: self.send(f.NextImage()), size=20, size_hint_x=2.5
        )
        col.add_widget(self._row(self._caption("staff.form.image"), self.image_button))
        col.add_widget(self._error("image"))
        col.add_widget(BoxLayout())
        return col

    def _results_or_hint(self, state: StaffIssueForm):
        if not state.results:
            hint = self.t("staff.form.scan_hint") + " — " + self.t("staff.form.customer_none")
            return label(hint, self.lang, size=15, color=self.theme.muted, height=px(44))
        self.result_buttons = [
            button(
                f"{r.display_name} {r.contact_hint}".strip(),
                self.lang,
                lambda i=r.id: self.send(f.PickCustomer(i)),
                size=18,
            )
            for r in state.results[:4]
        ]
        for btn in self.result_buttons:  # a Korean or Chinese name in any UI language
            if has_cjk(btn.text):
                btn.font_name = font_for("ko")
        return self._row(*self.result_buttons, height=px(44))

    def _right(self, state: StaffIssueForm) -> BoxLayout:
        form = state.form
        col = paint(
            BoxLayout(orientation="vertical", spacing=px(4), padding=px(8)), self.theme.panel
        )
        modes = self._toggles(
            "code_mode",
            CODE_MODES,
            f.SetCodeMode,
            lambda m: self.t(f"staff.form.code_{m}"),
        )
        col.add_widget(self._row(self._caption("staff.form.redeem_code"), *modes))
        if form.code_mode != "none":
            widgets = []
            if form.code_mode == "given":
                widgets.append(self._field("code_value", size_hint_x=2.2))
            widgets += self._toggles(
                "symbology", SYMBOLOGIES, f.SetSymbology, SYMBOLOGY_NAMES.get, size=15
            )
            col.add_widget(self._row(*widgets))
        col.add_widget(self._error("code_value"))
        kinds = self._toggles(
            "validity",
            VALIDITY_KINDS,
            f.SetValidity,
            lambda k: self.t(f"staff.form.validity_{k}"),
            size=17,
        )
        col.add_widget(self._row(self._caption("staff.form.validity"), *kinds))
        self.date_label = None
        if form.validity in ("days", "months"):
            col.add_widget(
                self._row(
                    label(self.t("staff.form.validity_n"), self.lang, size=18),
                    self._field("validity_n", size_hint_x=1.5),
                    label(self.t(f"staff.form.validity_{form.validity}"), self.lang, size=18),
                )
            )
        elif form.validity == "fixed_date":
            for row in self._date_rows():
                col.add_widget(row)
        col.add_widget(self._error("validity"))
        col.add_widget(BoxLayout())
        self.message = label("", self.lang, size=20, height=px(36))
        col.add_widget(self.message)
        self.generate = button(
            self.t("staff.form.generate"),
            self.lang,
            lambda: self.send(f.Generate()),
            size=26,
            color=self.theme.accent,
            size_hint_y=None,
            height=max(px(56), self._row_height()),
        )
        col.add_widget(self.generate)
        return col

    def _date_rows(self) -> list[BoxLayout]:
        """The date and its step buttons: one row, or two in the compact layout (five
        steps beside the date would be narrower than a finger there)."""
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
                    lambda u=unit, d=delta: self.send(f.DateStep(u, d)),
                    size=18,
                )
            )
        self.date_label = label("", self.lang, size=22, bold=True, halign="center")
        self.date_label.size_hint_x = 2.4
        caption = label(self.t("staff.form.date"), self.lang, size=17)
        if self.compact:
            return [self._row(caption, self.date_label), self._row(*steps)]
        return [self._row(caption, self.date_label, *steps)]


def _field_text(text: str, live: int) -> str:
    """The field's text; the Hangul syllable still being composed is underlined (markup)."""
    if live <= 0:
        return text
    head, tail = text[:-live], text[-live:]
    return f"{escape_markup(head)}[u]{escape_markup(tail)}[/u]"
