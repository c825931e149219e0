"""Every rule of the Issue Voucher form, said in words before anything is sent."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.flows.voucher_form import (
    Customer,
    VoucherForm,
    add_months,
    ean13_check_digit,
    step_date,
)
from kiosk.i18n import LANGUAGE_NAMES, tr

TODAY = date(2026, 11, 29)
OK = VoucherForm(title="Birthday coffee")


def keys(form: VoucherForm) -> dict[str, str]:
    return {name: err.key for name, err in form.errors(TODAY).items()}


def test_a_minimal_free_voucher_is_valid_and_generates_its_code():
    assert keys(OK) == {}
    body = OK.to_request()
    assert body == {
        "title": "Birthday coffee",
        "description": "",
        "image": None,
        "card_id": None,
        "redeem_code": {"generate": True, "symbology": "qr"},
        "validity": "unlimited",
    }


@pytest.mark.parametrize("title", ["", "   "])
def test_title_is_required(title):
    assert keys(VoucherForm(title=title)) == {"title": "staff.error.title_required"}


def test_title_is_length_limited_and_says_the_numbers():
    err = VoucherForm(title="x" * 61).errors(TODAY)["title"]
    assert err.key == "staff.error.title_too_long"
    assert tr(err.key, "en", **err.kwargs()) == (
        "The title is too long: 61 characters, at most 60."
    )
    assert keys(VoucherForm(title="x" * 60)) == {}


def test_typing_strips_control_bytes_and_caps_length():
    form = VoucherForm().with_text("title", "Gift\x1b@\x1dV\x00 card")
    assert form.title == "Gift@V card"
    assert len(VoucherForm().with_text("title", "y" * 500).title) == 80


def test_description_is_optional_but_limited():
    assert keys(VoucherForm(title="t", description="ok")) == {}
    assert keys(VoucherForm(title="t", description="d" * 241)) == {
        "description": "staff.error.description_too_long"
    }


def test_image_only_from_the_shops_images():
    images = ("cake.png", "coffee.png")
    assert keys(VoucherForm(title="t", images=images, image="cake.png")) == {}
    assert keys(VoucherForm(title="t", images=images, image="../etc/passwd")) == {
        "image": "staff.error.image_unknown"
    }


def test_a_free_voucher_needs_a_code_but_a_customer_voucher_may_have_none():
    assert keys(VoucherForm(title="t", code_mode="none")) == {
        "code_value": "staff.error.free_voucher_needs_code"
    }
    with_customer = VoucherForm(title="t", code_mode="none", customer=Customer("c1", "Mari"))
    assert keys(with_customer) == {}
    assert with_customer.to_request()["redeem_code"] is None
    assert with_customer.to_request()["card_id"] == "c1"


@pytest.mark.parametrize("code", ["FREECOFFEE", "GIFT100", "BDAY25"])
def test_pos_codes_are_accepted_as_given_codes(code):
    form = VoucherForm(title="t", code_mode="given").with_text("code_value", code.lower())
    assert form.code_value == code  # upper-cased while typing, as the POS knows it
    assert keys(form) == {}
    assert form.to_request()["redeem_code"] == {"value": code, "symbology": "qr"}


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("", "staff.error.code_required"),
        ("FREE_COFFEE", "staff.error.code_characters"),
        ("-ABC", "staff.error.code_characters"),
        ("ABC", "staff.error.code_length"),
        ("A" * 33, "staff.error.code_length"),
    ],
)
def test_given_code_rules(code, key):
    form = VoucherForm(title="t", code_mode="given", code_value=code)
    assert keys(form) == {"code_value": key}


def test_ean13_needs_thirteen_digits_with_the_right_check_digit():
    good = "400638133393" + str(ean13_check_digit("400638133393"))
    assert good == "4006381333931"
    form = VoucherForm(title="t", code_mode="given", code_value=good, symbology="ean13")
    assert keys(form) == {}
    bad = VoucherForm(title="t", code_mode="given", code_value="4006381333930", symbology="ean13")
    err = bad.errors(TODAY)["symbology"]
    assert tr(err.key, "en", **err.kwargs()) == "This EAN-13 code's last digit should be 1."
    assert keys(replace_code(form, "GIFT100")) == {"symbology": "staff.error.ean13_digits"}
    gen = VoucherForm(title="t", code_mode="generate", symbology="ean13")
    assert keys(gen) == {"symbology": "staff.error.ean13_needs_given_code"}


def replace_code(form: VoucherForm, code: str) -> VoucherForm:
    return form.with_text("code_value", code)


@pytest.mark.parametrize(
    ("kind", "n", "expect_err", "value"),
    [
        ("days", "", "staff.error.days_required", None),
        ("days", "0", "staff.error.days_range", None),
        ("days", "3651", "staff.error.days_range", None),
        ("days", "30", None, "days:30"),
        ("months", "", "staff.error.months_required", None),
        ("months", "121", "staff.error.months_range", None),
        ("months", "6", None, "months:6"),
    ],
)
def test_days_and_months(kind, n, expect_err, value):
    form = VoucherForm(title="t", validity=kind).with_text("validity_n", n)
    if expect_err:
        assert keys(form) == {"validity": expect_err}
    else:
        assert keys(form) == {}
        assert form.to_request()["validity"] == value


def test_typed_count_keeps_digits_only():
    assert VoucherForm().with_text("validity_n", "1a2-").validity_n == "12"


def test_fixed_date_no_past_dates_and_not_absurdly_far():
    def err(d):
        return keys(VoucherForm(title="t", validity="fixed_date", fixed_date=d))

    assert err(None) == {"validity": "staff.error.date_required"}
    assert err(date(2026, 11, 28)) == {"validity": "staff.error.date_past"}
    assert err(TODAY) == {}
    assert err(date(2031, 11, 30)) == {"validity": "staff.error.date_too_far"}
    form = VoucherForm(title="t", validity="fixed_date", fixed_date=date(2026, 12, 24))
    assert form.to_request()["validity"] == "fixed_date:2026-12-24"


def test_date_picker_steps_never_go_below_today():
    assert step_date(TODAY, "day", -1, TODAY) == TODAY
    assert step_date(TODAY, "day", 3, TODAY) == date(2026, 12, 2)
    assert step_date(date(2027, 1, 31), "month", 1, TODAY) == date(2027, 2, 28)
    assert step_date(TODAY, "year", 1, TODAY) == date(2027, 11, 29)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_every_error_has_words_in_every_language():
    """No error key falls through to the raw key, in any UI language."""
    import json
    from pathlib import Path

    import kiosk.flows.voucher_form as vf

    src = Path(vf.__file__).read_text()
    used = {w.strip("\"'(") for w in src.split() if w.strip("\"'(").startswith("staff.error.")}
    used = {u.split('"')[0].split("'")[0] for u in used}
    used |= {f"staff.error.{k}_{s}" for k in ("days", "months") for s in ("required", "range")}
    used = {u for u in used if "{" not in u}
    en = json.loads((Path(vf.__file__).parents[1] / "i18n/en/staff.json").read_text())
    assert used <= set(en), used - set(en)
    for lang in LANGUAGE_NAMES:
        cat = json.loads((Path(vf.__file__).parents[1] / f"i18n/{lang}/staff.json").read_text())
        assert set(cat) == set(en), (lang, set(en) ^ set(cat))
