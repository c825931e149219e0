"""The Issue Voucher form: its fields, its validation in words, and the request it becomes.

Why a plain immutable model apart from the flow: the form is checked on every keystroke
(validation is immediate, before anything is sent), by tests without a window, and the
same rules must hold whether a field was typed on the on-screen keyboard or set by a scan.
Errors are i18n keys with values (`FieldError`), so every UI language says them in words.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal

CodeMode = Literal["none", "generate", "given"]
ValidityKind = Literal["unlimited", "days", "months", "fixed_date"]

CODE_MODES: tuple[CodeMode, ...] = ("none", "generate", "given")
VALIDITY_KINDS: tuple[ValidityKind, ...] = ("unlimited", "days", "months", "fixed_date")
SYMBOLOGIES: tuple[str, ...] = ("qr", "code128", "pdf417", "aztec", "ean13")

TITLE_MAX = 60
DESCRIPTION_MAX = 240
CODE_MIN, CODE_MAX = 4, 32
DAYS_MAX = 3650
MONTHS_MAX = 120
FIXED_DATE_MAX_YEARS = 5
# Redeem codes a POS already knows (FREECOFFEE, GIFT100, BDAY25): capitals, digits, dashes.
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]*$")

# Which text fields the on-screen keyboard may type into, and their length caps while typing.
TEXT_FIELDS: dict[str, int] = {
    "title": TITLE_MAX + 20,  # allow over-typing a little so the "too long" message shows
    "description": DESCRIPTION_MAX + 20,
    "code_value": CODE_MAX + 8,
    "validity_n": 6,
    "search": 64,
}
# Fields where Hangul jamo are composed into syllables (codes and numbers take no Korean).
COMPOSE_FIELDS: tuple[str, ...] = ("title", "description", "search")


@dataclass(frozen=True)
class FieldError:
    """One problem with one field: an i18n key (staff.json) and the values it names."""

    key: str
    values: tuple[tuple[str, Any], ...] = ()

    def kwargs(self) -> dict[str, Any]:
        return dict(self.values)


@dataclass(frozen=True)
class Customer:
    """The picked card: its id (sent) and a first name (shown); nothing else is kept."""

    card_id: str
    display_name: str


@dataclass(frozen=True)
class VoucherForm:
    customer: Customer | None = None
    title: str = ""
    description: str = ""
    image: str | None = None
    code_mode: CodeMode = "generate"
    code_value: str = ""
    symbology: str = "qr"
    validity: ValidityKind = "unlimited"
    validity_n: str = ""
    fixed_date: date | None = None
    print_copy: bool = False  # with a customer: also print it (without one it always prints)
    search: str = ""
    images: tuple[str, ...] = field(default=())  # the shop's images to choose from
    # How many trailing characters of the focused field are still being composed (the last
    # Hangul syllable, or pinyin and the characters picked for it): the screen underlines
    # them; 0 once committed. Never sent.
    composing: int = 0

    # -- editing ---------------------------------------------------------------------------

    def with_text(self, name: str, text: str) -> VoucherForm:
        """Set a typed field; redeem codes are upper-cased as typed (POS codes are)."""
        if name not in TEXT_FIELDS:
            raise ValueError(f"not a text field: {name}")
        text = _clean(text)[: TEXT_FIELDS[name]]
        if name == "code_value":
            text = text.upper().replace(" ", "")
        if name == "validity_n":
            text = "".join(ch for ch in text if ch.isdigit())
        return replace(self, **{name: text})

    def text_of(self, name: str) -> str:
        return str(getattr(self, name))

    # -- validation --------------------------------------------------------------------------

    def errors(self, today: date) -> dict[str, FieldError]:
        """Every problem at once, by field; empty when the form may be sent."""
        checks = {
            "title": _check_title(self.title),
            "description": _check_description(self.description),
            "image": _check_image(self.image, self.images),
            "code_value": _check_code(self),
            "symbology": _check_symbology(self),
            "validity": _check_validity(self, today),
        }
        return {name: err for name, err in checks.items() if err is not None}

    # -- the request ---------------------------------------------------------------------------

    def validity_value(self) -> str:
        """The contract's string: unlimited / days:N / months:N / fixed_date:YYYY-MM-DD."""
        if self.validity == "unlimited":
            return "unlimited"
        if self.validity == "fixed_date":
            assert self.fixed_date is not None
            return f"fixed_date:{self.fixed_date.isoformat()}"
        return f"{self.validity}:{int(self.validity_n)}"

    def to_request(self) -> dict[str, Any]:
        """The POST /vouchers body (only call on a form without errors).

        redeem_code: null = none, {"generate": true} = the server makes one, {"value": ...} =
        a code the POS already knows; each with its symbology (the reference server's shape).
        """
        code: dict[str, Any] | None = None
        if self.code_mode == "generate":
            code = {"generate": True, "symbology": self.symbology}
        elif self.code_mode == "given":
            code = {"value": self.code_value, "symbology": self.symbology}
        return {
            "title": self.title.strip(),
            "description": self.description.strip(),
            "image": self.image,
            "card_id": self.customer.card_id if self.customer else None,
            "redeem_code": code,
            "validity": self.validity_value(),
        }


def _clean(text: str) -> str:
    """Drop control characters (they must never reach a printer or the server)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")


def _err(key: str, **values: Any) -> FieldError:
    return FieldError(key, tuple(sorted(values.items())))


def _check_title(title: str) -> FieldError | None:
    if not title.strip():
        return _err("staff.error.title_required")
    if len(title.strip()) > TITLE_MAX:
        return _err("staff.error.title_too_long", max=TITLE_MAX, length=len(title.strip()))
    return None


def _check_description(text: str) -> FieldError | None:
    if len(text.strip()) > DESCRIPTION_MAX:
        return _err("staff.error.description_too_long", max=DESCRIPTION_MAX)
    return None


def _check_image(image: str | None, images: tuple[str, ...]) -> FieldError | None:
    if image is not None and image not in images:
        return _err("staff.error.image_unknown")
    return None


def _check_code(form: VoucherForm) -> FieldError | None:
    if form.code_mode == "none" and form.customer is None:
        return _err("staff.error.free_voucher_needs_code")
    if form.code_mode != "given":
        return None
    value = form.code_value
    if not value:
        return _err("staff.error.code_required")
    if not CODE_RE.match(value):
        return _err("staff.error.code_characters")
    if not CODE_MIN <= len(value) <= CODE_MAX:
        return _err("staff.error.code_length", min=CODE_MIN, max=CODE_MAX)
    return None


def ean13_check_digit(first12: str) -> int:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def _check_symbology(form: VoucherForm) -> FieldError | None:
    if form.symbology not in SYMBOLOGIES:
        return _err("staff.error.symbology_unknown")
    if form.symbology != "ean13" or form.code_mode == "none":
        return None
    if form.code_mode == "generate":
        return _err("staff.error.ean13_needs_given_code")
    v = form.code_value
    if not (len(v) == 13 and v.isdigit()):
        return _err("staff.error.ean13_digits")
    if int(v[12]) != ean13_check_digit(v[:12]):
        return _err("staff.error.ean13_check_digit", digit=ean13_check_digit(v[:12]))
    return None


def _check_validity(form: VoucherForm, today: date) -> FieldError | None:
    if form.validity == "unlimited":
        return None
    if form.validity in ("days", "months"):
        upper = DAYS_MAX if form.validity == "days" else MONTHS_MAX
        if not form.validity_n:
            return _err(f"staff.error.{form.validity}_required")
        n = int(form.validity_n)
        if not 1 <= n <= upper:
            return _err(f"staff.error.{form.validity}_range", max=upper)
        return None
    if form.validity == "fixed_date":
        if form.fixed_date is None:
            return _err("staff.error.date_required")
        if form.fixed_date < today:
            return _err("staff.error.date_past", today=today.isoformat())
        if form.fixed_date > add_months(today, 12 * FIXED_DATE_MAX_YEARS):
            return _err("staff.error.date_too_far", years=FIXED_DATE_MAX_YEARS)
        return None
    return _err("staff.error.validity_unknown")


def add_months(d: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(d.day, last))


def step_date(d: date, unit: str, delta: int, today: date) -> date:
    """The date picker's +/- buttons: never before today (a past date cannot be picked)."""
    if unit == "day":
        new = d + timedelta(days=delta)
    elif unit == "month":
        new = add_months(d, delta)
    elif unit == "year":
        new = add_months(d, 12 * delta)
    else:
        raise ValueError(f"unknown date unit: {unit}")
    return max(new, today)
