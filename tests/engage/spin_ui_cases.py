"""The spin screen in the real app, offscreen: for every outcome the wheel stops with the
drawn segment under the pointer (the pixel there has that segment's colour), in every
language. Run by test_spin_ui.py in its own process (one Kivy window per process)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from kiosk.ui.window import prepare_window

prepare_window(1280, 800, surface=(1280, 1280))

import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from kiosk.cli._kiosk_parts import kiosk_host  # noqa: E402
from kiosk.config import Settings  # noqa: E402
from kiosk.flows.base import FakeClock  # noqa: E402
from kiosk.flows.customer import intents as ci  # noqa: E402
from kiosk.flows.customer.lottery import landing  # noqa: E402
from kiosk.outcomes import StampKind, StampOutcome  # noqa: E402
from kiosk.ui import checks  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import Driver  # noqa: E402
from kiosk.ui.widgets.wheel import segment_colours  # noqa: E402
from tests.engage.test_lottery_flow import OUTCOMES, draw_of, spin_card  # noqa: E402
from tests.flows.customer_fakes import ScriptedServices  # noqa: E402

SHOTS = Path(os.environ.get("KIOSK_UI_SHOTS", "/tmp/kiosk-spin-shots"))
TOKEN = "tok_abcdefghijklmnop"


@pytest.fixture(scope="module")
def kiosk():
    services = ScriptedServices()
    clock = FakeClock(datetime(2026, 11, 29, 14, 5, tzinfo=UTC))
    ctl = kiosk_host(Settings(), services, clock=clock, shop_name="Kohvik Mari")
    drv = Driver(KioskApp(ctl)).start((1280, 800))
    yield drv, ctl, services
    ctl.shutdown()


def _pointer_pixel(drv, path: Path) -> tuple[int, int, int]:
    """The wheel's pixel just under the pointer (top centre, inside the rim)."""
    wheel = drv.app.screens["spin"].ids.wheel
    r = min(wheel.width, wheel.height) / 2 * 0.92
    x, y = wheel.to_window(wheel.center_x, wheel.center_y + r * 0.8)
    img = Image.open(path).convert("RGB")
    return img.getpixel((int(x), int(img.height - y)))  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
@pytest.mark.parametrize("kind", ["award", "voucher", "try_again", "no_prize"])
def test_the_wheel_lands_on_the_drawn_outcome(kiosk, kind, lang):
    drv, ctl, services = kiosk
    ctl.send(ci.GoHome())
    assert drv.wait_screen("attract")
    if ctl.state.lang != lang:
        ctl.send(ci.ChooseLanguage(lang))
    draw = draw_of(kind)
    won = (draw.voucher,) if draw.voucher else ()
    services.stamp_answer = StampOutcome(
        StampKind.ADDED, card=spin_card(3, won), unlocked=won, lottery=draw
    )
    ctl.scan_text(TOKEN)
    assert drv.wait_screen("spin")
    screen = drv.app.screens["spin"]
    assert not screen.landed  # it turns first
    assert drv.wait_for(lambda: screen.landed, 8)
    drv.frames(3)
    path = drv.screenshot(SHOTS / f"{lang}-spin-{kind}.png")
    assert not checks.image_is_blank(path)
    drv.wait_for(lambda: not checks.screen_problems(screen, drv.app.u), 1.0)
    assert not checks.screen_problems(screen, drv.app.u)
    segs = ctl.state.segments
    index = landing(segs, draw)
    want = segment_colours([k for k, _ in segs])[index]
    got = _pointer_pixel(drv, path)
    assert all(abs(g - w * 255) <= 3 for g, w in zip(got, want[:3], strict=True)), (got, want)
    others = [c for i, c in enumerate(segment_colours([k for k, _ in segs])) if i != index]
    assert all(any(abs(g - o * 255) > 3 for g, o in zip(got, c[:3], strict=True)) for c in others)
    assert screen.ids.result.text  # the outcome in words
    drv.tap(screen.ids.go_on)
    assert drv.wait_screen("reward" if draw.outcome.won else "card")


def test_outcomes_are_all_on_the_wheel():
    assert len({(o.kind, o.title) for o in OUTCOMES}) == 4
