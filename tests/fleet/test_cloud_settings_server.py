"""POST /admin/device-settings stores a shop's kiosk settings; GET /device carries them as
`settings`, and its ETag changes with them (over real HTTP)."""

from __future__ import annotations

import requests

from tests.support.refserver import RefServer


def device(server: RefServer, token: str, etag: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    return requests.get(server.url + "/api/v1/device", headers=headers, timeout=5)


def post(server: RefServer, body: dict) -> requests.Response:
    return requests.post(
        server.url + "/admin/device-settings",
        json=body,
        headers={"X-Admin-Token": server.admin_token},
        timeout=5,
    )


def test_a_shops_settings_reach_its_kiosks_only_and_change_the_etag(
    shared_refserver: RefServer,
) -> None:
    server = shared_refserver
    shop, other = server.shop("Cloud shop"), server.shop("Other shop")
    token, other_token = server.pair_device(shop_id=shop), server.pair_device(shop_id=other)
    first = device(server, token)
    assert first.json()["settings"] == {}
    tag = first.headers["ETag"]

    settings = {
        "ui": {"languages": ["en", "et"], "idle_timeout_s": 45, "low_reach": True},
        "staff": {"session_timeout_s": 120},
        "update": {"window": "02:00-04:00"},
    }
    assert post(server, {"shop_id": shop, "settings": settings}).json() == {"id": shop}
    changed = device(server, token, tag)
    assert changed.status_code == 200
    assert changed.json()["settings"] == settings
    assert changed.headers["ETag"] != tag
    assert device(server, token, changed.headers["ETag"]).status_code == 304
    assert device(server, other_token).json()["settings"] == {}

    # a new set replaces the old one: what is left out is the kiosk's own again
    post(server, {"shop_id": shop, "settings": {"ui": {"speech_volume": 60}}})
    assert device(server, token).json()["settings"] == {"ui": {"speech_volume": 60}}


def test_unknown_keys_wrong_types_and_unknown_shops_are_refused(
    shared_refserver: RefServer,
) -> None:
    server = shared_refserver
    typo = post(server, {"settings": {"ui": {"idle_timeout": 30}}})
    assert typo.status_code == 422 and "idle_timeout" in typo.text
    not_a_section = post(server, {"settings": {"printer": {"uri": "file:/tmp/x"}}})
    assert not_a_section.status_code == 422
    wrong_type = post(server, {"settings": {"ui": {"low_reach": "yes"}}})
    assert wrong_type.status_code == 422
    nobody = post(server, {"shop_id": "shop_nope", "settings": {}})
    assert nobody.status_code == 404


def test_the_same_on_postgresql_across_workers(pg_cloud: RefServer) -> None:
    """Migration 3 gives PostgreSQL the table; any worker answers with the shop's set."""
    shop = pg_cloud.shop("PG cloud shop")
    token = pg_cloud.pair_device(shop_id=shop)
    settings = {"ui": {"languages": ["et"], "language": "et"}}
    assert post(pg_cloud, {"shop_id": shop, "settings": settings}).status_code == 200
    post(pg_cloud, {"shop_id": shop, "settings": settings})  # the upsert, a second time
    tags = {device(pg_cloud, token).headers["ETag"] for _ in range(6)}
    assert len(tags) == 1  # every worker computes the same body
    assert device(pg_cloud, token).json()["settings"] == settings
