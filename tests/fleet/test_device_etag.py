"""GET /device carries an ETag; polling with If-None-Match costs a 304 while the shop's
settings are unchanged, and a change (a new program for the shop) gives the new body."""

from __future__ import annotations

import requests

from tests.support.refserver import RefServer


def get(server: RefServer, token: str, etag: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    return requests.get(server.url + "/api/v1/device", headers=headers, timeout=5)


def test_polling_with_the_etag_costs_a_304_until_settings_change(refserver: RefServer) -> None:
    shop = refserver.shop("ETag shop")
    refserver.program(cooldown_seconds=60, shop_id=shop)
    token = refserver.pair_device("front", shop_id=shop)
    first = get(refserver, token)
    assert first.status_code == 200 and first.json()["cooldown_seconds"] == 60
    tag = first.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"')

    again = get(refserver, token, tag)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == tag
    assert get(refserver, token, f'W/{tag}, "other"').status_code == 304  # lists, weak tags
    assert get(refserver, token, '"stale"').status_code == 200

    refserver.advance_clock(5)  # the newer program is the shop's current one
    refserver.program(cooldown_seconds=120, shop_id=shop)
    changed = get(refserver, token, tag)
    assert changed.status_code == 200 and changed.json()["cooldown_seconds"] == 120
    assert changed.headers["ETag"] != tag


def test_the_kiosk_client_still_reads_the_settings(refserver: RefServer) -> None:
    from kiosk.api import LoyaltyClient

    client = LoyaltyClient(refserver.url, refserver.pair_device("k"))
    assert client.device().languages
