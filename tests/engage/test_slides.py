"""Attract slides: managed through POST /admin/slides and listed in GET /device (real HTTP);
the rotation as transcripts (time moved, never slept); a scan during a slide is handled
exactly as on a still attract screen; the images are cached for offline starts."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from PIL import Image

from kiosk.api import LoyaltyClient
from kiosk.api.models import Slide
from kiosk.cli._engage_parts import SlideSync
from kiosk.flows.customer import AttractState, Stamp, WorkingState
from kiosk.flows.customer.slides import ShownSlide, SlidesChanged
from tests.flows.test_customer import CARD, WALL, journey
from tests.support.refserver import RefServer


def admin_post(server: RefServer, path: str, body: dict) -> requests.Response:
    return requests.post(
        server.url + path, json=body, headers={"X-Admin-Token": server.admin_token}, timeout=5
    )


def test_slides_are_managed_by_the_admin_and_listed_for_the_shops_kiosks(
    shared_refserver: RefServer,
):
    server = shared_refserver
    shop = server.shop()
    other = server.shop()
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    a = admin_post(
        server,
        "/admin/slides",
        {"shop_id": shop, "image_url": "https://x.example/a.png", "seconds": 5},
    )
    assert a.status_code == 201
    b = admin_post(
        server,
        "/admin/slides",
        {
            "shop_id": shop,
            "image_url": "https://x.example/b.png",
            "until": soon,
            "languages": ["et"],
            "position": 1,
        },
    )
    assert b.status_code == 201
    admin_post(server, "/admin/slides", {"shop_id": other, "image_url": "https://x.example/c.png"})
    device = LoyaltyClient(server.url, server.pair_device(shop_id=shop), retries=0).device()
    assert [s.image_url for s in device.slides] == [
        "https://x.example/a.png",
        "https://x.example/b.png",
    ]
    assert device.slides[0].seconds == 5 and device.slides[1].languages == ("et",)
    assert device.slides[1].until is not None
    server.advance_clock(2 * 86400)  # b expires on the server too
    device = LoyaltyClient(server.url, server.pair_device(shop_id=shop), retries=0).device()
    server.advance_clock(-2 * 86400)
    assert [s.image_url for s in device.slides] == ["https://x.example/a.png"]


def test_bad_slides_are_refused(shared_refserver: RefServer):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    for body, says in [
        ({"image_url": "https://x.example/a.png", "until": past}, "until"),
        ({"image_url": "ftp://x.example/a.png"}, "image_url"),
        ({"image_url": "https://x.example/a.png", "seconds": 1}, "seconds"),
        ({"image_url": "https://x.example/a.png", "languages": ["fr"]}, "languages"),
    ]:
        r = admin_post(shared_refserver, "/admin/slides", body)
        assert r.status_code == 422 and says in r.json()["detail"], (body, r.text)


# -- the rotation -----------------------------------------------------------------------

A = ShownSlide("/m/a.png", seconds=5)
B = ShownSlide("/m/b.png", seconds=3, until=WALL + timedelta(seconds=20))
ET = ShownSlide("/m/et.png", seconds=4, languages=("et",))
LATER = ShownSlide("/m/later.png", seconds=4, start=WALL + timedelta(hours=1))


def test_slides_rotate_each_for_its_seconds_and_expire_on_until():
    t = journey()
    t.send(SlidesChanged((A, B, ET, LATER)))
    assert t.view.slide == A.path
    t.tick(4.9)
    assert t.view.slide == A.path
    t.tick(0.2)
    assert t.view.slide == B.path
    t.tick(3.0)
    assert t.view.slide == A.path  # ET is Estonian only, LATER not yet
    t.tick(5.0)
    assert t.view.slide == B.path
    t.tick(3.0)
    t.tick(5.0)
    t.tick(5.0)  # 21 s in: B expired
    assert t.view.slide == A.path
    t.tick(5.0)
    assert t.view.slide == A.path


def test_no_slides_or_none_active_shows_the_plain_attract():
    t = journey()
    t.tick(1)
    assert t.view.slide == ""
    t.send(SlidesChanged((LATER,)))
    assert t.view.slide == ""


def test_a_scan_on_a_slide_is_handled_as_on_a_still_attract_screen():
    still, slides = journey(), journey()
    slides.send(SlidesChanged((A, B)))
    still.tick(5.1)
    slides.tick(5.1)
    assert slides.view.slide == B.path and still.view.slide == ""
    assert still.scan(CARD) == slides.scan(CARD) == (Stamp(CARD.value, slides.wall),)
    assert isinstance(slides.view, WorkingState) and still.view == slides.view


def test_a_slide_change_never_interrupts_a_customer():
    t = journey()
    t.send(SlidesChanged((A, B)))
    t.scan(CARD)
    t.tick(6)
    assert isinstance(t.view, WorkingState)  # no slide under a customer's card


def test_language_only_slides_follow_the_chosen_language():
    from kiosk.flows.customer.intents import ChooseLanguage

    t = journey()
    t.send(SlidesChanged((ET,)))
    assert t.view.slide == ""
    t.send(ChooseLanguage("et"))
    t.tick(0.25)
    assert isinstance(t.view, AttractState) and t.view.slide == ET.path


# -- the cache ---------------------------------------------------------------------------


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1600, 1000), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def test_slides_are_cached_for_an_offline_start(tmp_path: Path):
    online = SlideSync(tmp_path, (640, 400), lambda url, cap: _png())
    slides = (Slide("https://x.example/a.png", 6), Slide("https://x.example/b.png", 4))
    shown = online.from_cloud(slides).slides
    assert [s.seconds for s in shown] == [6, 4]
    assert all(Image.open(s.path).size == (640, 400) for s in shown)  # resized once

    def offline(url: str, cap: int) -> bytes:
        raise OSError("offline")

    again = SlideSync(tmp_path, (640, 400), offline).from_cache().slides
    assert [s.path for s in again] == [s.path for s in shown]
