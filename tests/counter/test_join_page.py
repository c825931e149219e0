"""The join page through real HTTP: GET /device names it, the form creates a card that the
kiosk's stamp call knows, and bad input (markup, 10 KB fields, replays, no consent) makes
no card and no broken page. The same in a real browser: test_join_browser.py."""

from __future__ import annotations

import re

import pytest
import requests

from kiosk.api import new_idempotency_key
from tests.api.conftest import Shop, now


def form(shop: Shop, lang: str = "en") -> tuple[str, str]:
    """The join URL (from GET /device) and a fresh form id from the served page."""
    url = shop.client.device().join_url
    assert url is not None
    page = requests.get(url, params={"lang": lang}, timeout=5)
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    form_id = re.search(r'name="form_id" value="([^"]+)"', page.text)
    assert form_id is not None
    return url, form_id.group(1)


def send(url: str, **fields: str) -> requests.Response:
    return requests.post(url, data=fields, timeout=5, allow_redirects=False)


def test_device_names_the_join_page_of_its_location(shop):
    url = shop.client.device().join_url
    assert url is not None and url.startswith(shop.server.url + "/join/loc_")


def test_a_joined_card_is_a_card_of_the_shop_the_kiosk_can_stamp(shop):
    url, form_id = form(shop)
    r = send(url, form_id=form_id, first_name="Liis", phone="+372 5123 4567", consent="yes")
    assert r.status_code == 303
    card_page = requests.get(shop.server.url + r.headers["location"], timeout=5)
    token = re.search(r'data-token="([^"]+)"', card_page.text)
    assert token is not None and "Welcome, Liis!" in card_page.text
    assert "Apple Wallet" in card_page.text  # where a Wallet pass would be offered
    card = shop.client.card_by_token(token.group(1))
    assert card.display_name == "Liis" and card.stamps == 0
    stamped = shop.client.add_stamp(
        card.id, idempotency_key=new_idempotency_key(), occurred_at=now()
    )
    assert stamped.card.stamps == 1
    admin = shop.card_admin(card.id)
    assert admin["phone"] == "+37251234567"  # stored as E.164


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_the_page_speaks_the_kiosks_languages(shop, lang):
    url = shop.client.device().join_url
    page = requests.get(url, params={"lang": lang}, timeout=5).text
    assert f'<html lang="{lang}">' in page


def test_markup_in_a_name_is_text_and_the_page_runs_no_script(shop):
    url, form_id = form(shop)
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>"'
    r = send(url, form_id=form_id, first_name=evil, consent="yes")
    page = requests.get(shop.server.url + r.headers["location"], timeout=5)
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    assert "default-src 'none'" in page.headers["content-security-policy"]
    # a refused form echoes the markup escaped too
    _, form_id = form(shop)
    again = send(url, form_id=form_id, first_name=evil)
    assert again.status_code == 422 and "<script>" not in again.text


@pytest.mark.parametrize("field", ["first_name", "email", "phone"])
def test_a_10_kb_field_is_refused_and_not_echoed(shop, field):
    url, form_id = form(shop)
    fields = {"form_id": form_id, "first_name": "Ann", "consent": "yes", field: "A" * 10240}
    r = send(url, **fields)
    assert r.status_code == 400 and "A" * 100 not in r.text
    # nothing was used up: the same form still works
    ok = send(url, form_id=form_id, first_name="Ann", consent="yes")
    assert ok.status_code == 303


def test_a_replayed_form_makes_no_second_card(shop):
    url, form_id = form(shop)
    first = send(url, form_id=form_id, first_name="Kai", consent="yes")
    assert first.status_code == 303
    replay = send(url, form_id=form_id, first_name="Kai", consent="yes")
    assert replay.status_code == 409 and "already sent" in replay.text
    other = send(url, form_id=form_id, first_name="Someone else", consent="yes")
    assert other.status_code == 409


def test_a_forged_or_foreign_form_id_is_refused(shop):
    url, form_id = form(shop)
    issued, nonce, _ = form_id.split(".")
    forged = f"{issued}.{nonce}.{'0' * 32}"
    assert send(url, form_id=forged, first_name="X", consent="yes").status_code == 400
    assert send(url, first_name="X", consent="yes").status_code == 400


def test_no_consent_no_card_and_the_values_come_back(shop):
    url, form_id = form(shop)
    r = send(url, form_id=form_id, first_name="Mari", email="mari@example.com")
    assert r.status_code == 422
    assert "tick the box" in r.text and 'value="Mari"' in r.text
    assert send(url, form_id=form_id, first_name="Mari", consent="yes").status_code == 303


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"first_name": ""}, "first name"),
        ({"first_name": "A\x00B"}, "first name"),
        ({"email": "not-an-address"}, "e-mail"),
        ({"phone": "5123 4567"}, "country code"),  # no country code: not E.164
    ],
)
def test_bad_values_are_named(shop, fields, why):
    url, form_id = form(shop)
    r = send(url, **{"form_id": form_id, "first_name": "Ann", "consent": "yes", **fields})
    assert r.status_code == 422 and why in r.text


def test_an_unknown_location_is_a_plain_404_page(shop):
    r = requests.get(shop.server.url + "/join/loc_nope", timeout=5)
    assert r.status_code == 404 and "text/html" in r.headers["content-type"]
