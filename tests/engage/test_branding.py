"""The shop's look: colours checked against the kiosk's text (WCAG 4.5:1) with the reason
in doctor when one falls back, bad images refused with the default look kept, the look
cached for offline starts; the server's branding and voucher images (real HTTP)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from kiosk.api import LoyaltyClient, errors
from kiosk.appliance.doctor.checks import branding as doctor_branding
from kiosk.branding import Look, build, check_colours, contrast
from tests.appliance.helpers import context, write_config
from tests.engage.test_media import bomb_png
from tests.support.refserver import RefServer


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (900, 900), (240, 170, 60, 255)).save(out, "PNG")
    return out.getvalue()


def test_wcag_contrast_figures():
    assert round(contrast("#000000", "#FFFFFF"), 1) == 21.0
    assert round(contrast("#777777", "#FFFFFF"), 2) == 4.48  # the classic just-fails grey


def test_colours_that_pass_are_used():
    primary, accent, why = check_colours("#123A2E", "#F2B33D")
    assert (primary, accent, why) == ("#123A2E", "#F2B33D", [])


def test_a_pale_primary_falls_back_and_says_why():
    primary, accent, why = check_colours("#F4F1EA", "#F2B33D")
    assert primary is None and accent == "#F2B33D"
    assert "primary #F4F1EA" in why[0] and "< 4.5:1" in why[0]


def test_an_accent_too_dark_for_its_label_falls_back():
    _, accent, why = check_colours(None, "#2A2A6A")
    assert accent is None and "accent #2A2A6A" in why[0]


def test_bad_images_keep_the_default_look_and_it_survives_offline(tmp_path: Path):
    def download(url: str, cap: int) -> bytes:
        return bomb_png() if "logo" in url else _png()

    branding = {
        "logo_url": "https://cdn.example/logo.png",
        "primary": "#F4F1EA",
        "accent": "#F2B33D",
        "voucher_images": {"3": "https://cdn.example/cookie.png"},
    }
    look = build(branding, tmp_path, download)
    assert look.logo is None and look.primary is None and look.accent == "#F2B33D"
    assert list(look.voucher_images) == ["https://cdn.example/cookie.png"]
    assert any(f.startswith("logo") for f in look.fallbacks)
    look.save(tmp_path)

    def offline(url: str, cap: int) -> bytes:
        raise errors.Offline("no network")

    assert Look.load(tmp_path) == look
    again = build(branding, tmp_path, offline)  # cached images are used, no download
    assert again.voucher_images == look.voucher_images


def test_doctor_names_the_fallback(tmp_path: Path):
    cfg = write_config(tmp_path)
    ctx = context(cfg)
    assert ctx.settings is not None
    state = Path(ctx.settings.device.state_dir)
    assert doctor_branding.check(ctx).status == "green"
    Look(
        primary=None,
        accent="#F2B33D",
        fallbacks=("primary #F4F1EA: text on it 1.1:1 < 4.5:1, default kept",),
    ).save(state)
    result = doctor_branding.check(ctx)
    assert result.status == "yellow" and "primary #F4F1EA" in result.message


def test_the_server_lists_the_look_and_puts_voucher_images_on_milestones(refserver: RefServer):
    shop = refserver.shop()
    program = refserver.program(shop_id=shop)
    look = {
        "shop_id": shop,
        "logo_url": "https://cdn.example/logo.png",
        "primary": "#123A2E",
        "accent": "#F2B33D",
        "voucher_images": [{"stamps": 3, "image_url": "https://cdn.example/cookie.png"}],
    }
    refserver.admin("POST", "/admin/branding", look)
    client = LoyaltyClient(
        refserver.url, refserver.pair_device(shop_id=shop), retries=0, read_timeout=10
    )
    branding = client.device().branding
    assert branding["logo_url"] == look["logo_url"] and branding["primary"] == "#123A2E"
    assert branding["voucher_images"] == {"3": "https://cdn.example/cookie.png"}
    card = refserver.card(program)
    for n in range(3):
        result = client.add_stamp(
            card["id"], idempotency_key=f"k{n}", occurred_at=datetime.now(UTC)
        )
    assert result.unlocked_vouchers[0].image_url == "https://cdn.example/cookie.png"
