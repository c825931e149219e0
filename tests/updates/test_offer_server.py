"""POST /admin/releases offers a release to a shop or to named devices; GET /device carries
it as `release`, and its ETag changes with it; DELETE withdraws it (over real HTTP)."""

from __future__ import annotations

import hashlib

import pytest
import requests

from tests.support.refserver import RefServer

SHA = hashlib.sha256(b"release").hexdigest()


def offer(**extra: object) -> dict:
    return {"version": "1.2.0", "url": "https://releases.example/stamp-kiosk_1.2.0_arm64.deb",
            "size": 1234, "sha256": SHA, "signature": "untrusted comment: x\nRWQ...\n"} | extra  # fmt: skip


def device(server: RefServer, token: str, etag: str | None = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-None-Match"] = etag
    return requests.get(server.url + "/api/v1/device", headers=headers, timeout=5)


def admin(server: RefServer, method: str, path: str, body: object = None) -> requests.Response:
    return requests.request(method, server.url + path, json=body, timeout=5,
                            headers={"X-Admin-Token": server.admin_token})  # fmt: skip


def test_a_shop_offer_reaches_its_kiosks_changes_the_etag_and_is_withdrawn(
    shared_refserver: RefServer,
) -> None:
    server = shared_refserver
    shop, other = server.shop("Offer shop"), server.shop("Other offer shop")
    token, other_token = server.pair_device(shop_id=shop), server.pair_device(shop_id=other)
    first = device(server, token)
    assert first.json()["release"] is None
    tag = first.headers["ETag"]

    made = admin(server, "POST", "/admin/releases", offer(shop_id=shop))
    assert made.status_code == 201
    assert made.json() | {"id": "x"} == {"id": "x", "version": "1.2.0", "shop_id": shop,
                                         "device_ids": []}  # fmt: skip
    changed = device(server, token, tag)
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    release = changed.json()["release"]
    assert release == {k: offer()[k] for k in ("version", "url", "size", "sha256", "signature")}
    assert device(server, token, changed.headers["ETag"]).status_code == 304
    assert device(server, other_token).json()["release"] is None  # another shop's kiosk

    listed = admin(server, "GET", "/admin/releases").json()["releases"]
    assert any(r["id"] == made.json()["id"] and r["shop_id"] == shop for r in listed)

    gone = admin(server, "DELETE", f"/admin/releases/{made.json()['id']}")
    assert gone.status_code == 204
    assert device(server, token).json()["release"] is None
    assert admin(server, "DELETE", f"/admin/releases/{made.json()['id']}").status_code == 404


def test_a_devices_own_offer_wins_over_its_shops_and_replaces_the_earlier_one(
    shared_refserver: RefServer,
) -> None:
    server = shared_refserver
    shop = server.shop("Canary shop")
    canary, rest = server.pair_device("canary", shop_id=shop), server.pair_device(shop_id=shop)
    canary_id = device(server, canary).json()["device_id"]
    admin(server, "POST", "/admin/releases", offer(shop_id=shop, version="1.1.0"))
    made = admin(
        server, "POST", "/admin/releases", offer(device_ids=[canary_id], version="1.3.0~rc1")
    )
    assert made.status_code == 201 and made.json()["device_ids"] == [canary_id]
    assert made.json()["shop_id"] == shop
    assert device(server, canary).json()["release"]["version"] == "1.3.0~rc1"
    assert device(server, rest).json()["release"]["version"] == "1.1.0"
    admin(server, "POST", "/admin/releases", offer(device_ids=[canary_id], version="1.3.0"))
    assert device(server, canary).json()["release"]["version"] == "1.3.0"  # replaced


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"version": "v1.2"}, "version"),
        ({"version": "1.2 beta"}, "version"),
        ({"sha256": "abc"}, "sha256"),
        ({"sha256": "g" * 64}, "sha256"),
        ({"url": "ftp://x.example/r.deb"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"signature": ""}, "signature"),
        ({"signature": "   "}, "signature"),
        ({"size": 0}, "size"),
        ({"size": "12"}, "size"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_offers_are_refused_naming_the_field(
    shared_refserver: RefServer, change: dict, field: str
) -> None:
    res = admin(shared_refserver, "POST", "/admin/releases", offer(**change))
    assert res.status_code == 422
    assert field in res.text


def test_unknown_targets_and_devices_of_another_shop_are_404(shared_refserver: RefServer) -> None:
    server = shared_refserver
    assert admin(server, "POST", "/admin/releases", offer(shop_id="shop_nope")).status_code == 404
    assert (
        admin(server, "POST", "/admin/releases", offer(device_ids=["dev_nope"])).status_code == 404
    )
    shop, other = server.shop("Target shop"), server.shop("Not the target")
    theirs = device(server, server.pair_device(shop_id=other)).json()["device_id"]
    mixed = offer(shop_id=shop, device_ids=[theirs])
    assert admin(server, "POST", "/admin/releases", mixed).status_code == 404
    assert requests.post(server.url + "/admin/releases", json=offer(), timeout=5).status_code == 401


def test_release_files_are_served_with_range_and_never_outside_the_folder(tmp_path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "stamp-kiosk_1.2.0_all.deb").write_bytes(b"0123456789" * 100)
    (tmp_path / "secret.txt").write_text("no")
    server = RefServer(db=tmp_path / "r.sqlite", extra_args=["--releases-dir", str(folder)])
    server.start(timeout=60)
    try:
        url = server.url + "/releases/stamp-kiosk_1.2.0_all.deb"
        assert requests.get(url, timeout=5).content == b"0123456789" * 100
        part = requests.get(url, headers={"Range": "bytes=995-"}, timeout=5)
        assert part.status_code == 206 and part.content == b"56789"
        for bad in ("..%2Fsecret.txt", "nope.deb", "%2Fetc%2Fpasswd"):
            assert requests.get(server.url + "/releases/" + bad, timeout=5).status_code == 404
    finally:
        server.stop()
