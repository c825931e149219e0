"""The real customer app, offscreen, driven by injected scans and real touch events.

Run by tests/ui/test_customer_ui.py in its own process (Kivy allows one window per
process, and other areas' UI tests need theirs). One app for the whole module; each test
starts from the attract screen. Screenshots go to $KIOSK_UI_SHOTS.
"""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from kiosk.ui.window import prepare_window

SURFACE = tuple(int(n) for n in os.environ.get("KIOSK_UI_SURFACE", "1280x1280").split("x"))
prepare_window(1280, 800, surface=SURFACE)  # type: ignore[arg-type]

import pytest  # noqa: E402

from kiosk.cli._kiosk_parts import kiosk_host  # noqa: E402
from kiosk.config import Settings  # noqa: E402
from kiosk.flows.base import FakeClock  # noqa: E402
from kiosk.flows.customer import (  # noqa: E402
    BackInService,
    MessageKind,
    MessageState,
    OutOfService,
    PrintKind,
)
from kiosk.flows.customer import intents as ci  # noqa: E402
from kiosk.i18n import tr  # noqa: E402
from kiosk.outcomes import StampKind, StampOutcome  # noqa: E402
from kiosk.ui import checks  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import Driver  # noqa: E402
from tests.flows.customer_fakes import ScriptedServices, card, voucher  # noqa: E402

SHOTS = Path(os.environ.get("KIOSK_UI_SHOTS", "/tmp/kiosk-ui-shots"))
TOKEN = "tok_abcdefghijklmnop"
V_SELF = voucher("v1", code="CAKE-1234")
V_STAFF = voucher("v2", "staff_scan", code="STAFF-9876", title="Free cake")


class GatedServices(ScriptedServices):
    """Scripted answers; `gate` (when set) holds stamp answers back until released."""

    gate: threading.Event | None = None

    def stamp(self, effect):
        if self.gate is not None:
            self.gate.wait(10)
        return super().stamp(effect)


@pytest.fixture(scope="module")
def kiosk():
    settings = Settings()
    settings = settings.model_copy(
        update={"ui": settings.ui.model_copy(update={"screen_blank_after_s": 120.0})}
    )
    services = GatedServices()
    clock = FakeClock(datetime(2026, 11, 29, 14, 5, tzinfo=UTC))
    ctl = kiosk_host(settings, services, clock=clock, shop_name="Kohvik Mari")
    app = KioskApp(ctl)
    drv = Driver(app).start((1280, 800))
    yield drv, ctl, services, clock
    ctl.shutdown()


@pytest.fixture
def k(kiosk):
    drv, ctl, services, clock = kiosk
    services.gate = None
    services.stamp_answer = StampOutcome(
        StampKind.ADDED, card=card(3, (V_SELF, V_STAFF)), unlocked=(V_SELF,)
    )
    services.vouchers = {"CAKE-1234": V_SELF, "STAFF-9876": V_STAFF}
    services.print_answer = PrintKind.PRINTED
    services.calls.clear()
    drv.resize((1280, 800))
    ctl.send(ci.GoHome())
    assert drv.wait_screen("attract")
    return drv, ctl, services, clock


def ids(drv, name):
    return drv.app.screens[name].ids


def fits(drv) -> None:
    """Every label of the current screen fits its box (after the shrink-to-fit frames)."""
    screen = drv.app.root.sm.current_screen
    drv.wait_for(lambda: not checks.screen_problems(screen, drv.app.u), 1.0)
    problems = checks.screen_problems(screen, drv.app.u)
    assert not problems, problems


def shot(drv, name: str) -> Path:
    path = drv.screenshot(SHOTS / f"{name}.png")
    assert not checks.image_is_blank(path), f"{name} looks blank"
    screen = drv.app.root.sm.current_screen
    # long texts shrink to fit over a few frames
    drv.wait_for(lambda: not checks.screen_problems(screen, drv.app.u), 1.0)
    problems = checks.screen_problems(screen, drv.app.u)
    assert not problems, problems
    return path


def test_attract_language_switch_by_real_touch(k):
    drv, ctl, _, _ = k
    assert ids(drv, "attract").title.text == tr("attract.title", "en")
    korean = next(b for b in ids(drv, "attract").langs.children if b.lang_code == "ko")
    drv.tap(korean)
    assert drv.wait_for(lambda: ctl.state.lang == "ko")
    drv.frames(3)
    assert ids(drv, "attract").title.text == tr("attract.title", "ko")


def test_scan_shows_working_at_once_then_card(k):
    drv, ctl, services, _ = k
    services.stamp_answer = StampOutcome(StampKind.ADDED, card=card(4, (V_SELF,)))
    services.gate = threading.Event()
    ctl.scan_text(TOKEN)
    drv.frames(1)  # one frame (~16 ms at 60 Hz) after the read
    assert drv.app.root.sm.current == "working"
    services.gate.set()
    assert drv.wait_screen("card")
    grid = ids(drv, "card").grid
    assert (grid.stamps, grid.goal, grid.animate_index) == (4, 9, 3)
    assert grid.pop < 1.0  # the new stamp is still growing in
    assert ids(drv, "card").hello.text == "Hello, Mari!"
    assert ids(drv, "card").more.text == "2 more for: Free cake"
    drv.pump(0.7)
    assert grid.pop == pytest.approx(1.0)


def test_reward_then_hold_to_redeem_then_code_decodes_and_prints(k):
    drv, ctl, services, _ = k
    ctl.scan_text(TOKEN)
    assert drv.wait_screen("reward")
    drv.tap(ids(drv, "reward").open)
    assert drv.wait_screen("voucher")
    hold = ids(drv, "voucher").hold
    drv.tap(hold)  # one tap is not enough
    drv.pump(0.2)
    assert drv.app.root.sm.current == "voucher" and not any(
        c[0] == "redeem" for c in services.calls
    )
    drv.tap(hold, hold=1.4)
    assert drv.wait_screen("redeemed")
    r = ids(drv, "redeemed")
    assert r.code_text.text == "CAKE-1234"
    first_clock = r.now.text
    path = shot(drv, "test-redeemed")
    assert "CAKE-1234" in checks.decode(path)
    drv.pump(1.1)
    assert r.now.text != first_clock  # the live clock ticks
    drv.tap(r.print)
    assert drv.wait_for(lambda: r.status.text == tr("redeemed.printed", "en"))
    assert [c for c in services.calls if c[0] == "print"] == [("print", "v1")]


def test_staff_voucher_says_show_staff_and_has_no_hold(k):
    drv, ctl, _, _ = k
    ctl.scan_text("STAFF-9876")
    assert drv.wait_screen("voucher")
    v = ids(drv, "voucher")
    assert v.how.text == tr("how.staff_scan", "en")
    assert v.hold.disabled and v.hold.height == 0
    path = shot(drv, "test-voucher-staff")
    assert "STAFF-9876" in checks.decode(path)


def test_scan_during_animation_and_two_scans_in_a_row(k):
    drv, ctl, services, _ = k
    services.stamp_answer = StampOutcome(StampKind.ADDED, card=card(5))
    ctl.scan_text(TOKEN)
    assert drv.wait_screen("card")
    services.stamp_answer = StampOutcome(StampKind.ADDED, card=card(6))
    services.gate = threading.Event()
    ctl.scan_text(TOKEN)  # while the stamp is still popping in
    ctl.scan_text("another_token_abcdefgh")  # a second read right after: ignored
    drv.frames(2)
    assert drv.app.root.sm.current == "working"
    services.gate.set()
    assert drv.wait_for(lambda: ids(drv, "card").grid.stamps == 6)
    assert drv.app.root.sm.current == "card"
    assert [c[1] for c in services.calls] == [TOKEN, TOKEN]


def test_scan_while_voucher_open_shows_the_new_card(k):
    drv, ctl, services, _ = k
    ctl.scan_text("CAKE-1234")
    assert drv.wait_screen("voucher")
    services.stamp_answer = StampOutcome(StampKind.ADDED, card=card(2))
    ctl.scan_text(TOKEN)
    assert drv.wait_screen("card")
    assert ids(drv, "card").grid.stamps == 2


def test_answer_after_idle_timeout_is_ignored(k):
    drv, ctl, services, clock = k
    services.gate = threading.Event()
    ctl.scan_text(TOKEN)
    drv.frames(2)
    assert drv.app.root.sm.current == "working"
    clock.advance(21)
    assert drv.wait_screen("attract")
    services.gate.set()
    drv.pump(0.5)
    assert drv.app.root.sm.current == "attract"


def test_first_touch_after_blank_only_wakes(k):
    drv, ctl, _, clock = k
    clock.advance(121)
    assert drv.wait_for(lambda: drv.app.root.overlay.opacity == 1)
    estonian = next(b for b in ids(drv, "attract").langs.children if b.lang_code == "et")
    drv.tap(estonian)
    assert drv.wait_for(lambda: drv.app.root.overlay.opacity == 0)
    assert ctl.state.lang == "en"
    drv.tap(estonian)
    assert drv.wait_for(lambda: ctl.state.lang == "et")


def _visit_every_screen(drv, ctl, services, tag: str, messages=tuple(MessageKind)) -> None:
    """attract, working, card, reward, vouchers, voucher, redeemed, messages, oos."""
    lang = ctl.state.lang
    shot(drv, f"{tag}-attract")
    services.gate = threading.Event()
    ctl.scan_text(TOKEN)
    assert drv.wait_screen("working")
    shot(drv, f"{tag}-working")
    services.gate.set()
    services.gate = None
    assert drv.wait_screen("reward")
    shot(drv, f"{tag}-reward")
    ctl.send(ci.GoBack())
    assert drv.wait_screen("card")
    drv.pump(0.6)
    shot(drv, f"{tag}-card")
    ctl.send(ci.ShowVouchers())
    assert drv.wait_screen("vouchers")
    shot(drv, f"{tag}-vouchers")
    ctl.send(ci.OpenVoucher(voucher_id="v1"))
    assert drv.wait_screen("voucher")
    shot(drv, f"{tag}-voucher")
    ctl.send(ci.HoldRedeem(voucher_id="v1"))
    assert drv.wait_screen("redeemed")
    shot(drv, f"{tag}-redeemed")
    for n, kind in enumerate(messages):
        values = (("time", "14:05"), ("when", "14:05"))
        drv.app.render(MessageState(lang=lang, kind=kind, values=values))  # each kind's words
        assert drv.wait_screen("message")
        drv.frames(2)
        assert ids(drv, "message").title.text == tr(f"msg.{kind}.title", lang)
        if n < 3:  # pictures of the first few; every text is checked for fit
            shot(drv, f"{tag}-message-{kind}")
        else:
            fits(drv)
    ctl.send(OutOfService("config: [printer] uri: must start with usb:, serial:, tcp://"))
    assert drv.wait_screen("out_of_service")
    shot(drv, f"{tag}-out_of_service")
    ctl.send(BackInService())


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_every_screen_in_every_language(k, lang):
    drv, ctl, services, _ = k
    ctl.send(ci.ChooseLanguage(lang=lang))
    _visit_every_screen(drv, ctl, services, f"1280x800-{lang}")


LONG_MESSAGES = (MessageKind.COOLDOWN, MessageKind.OFFLINE_REDEEM, MessageKind.PAPER_OUT)


@pytest.mark.parametrize(
    ("size", "lang"),
    [((800, 480), "et"), ((480, 800), "et"), ((480, 800), "ko")],
)
def test_every_screen_small_sizes(k, size, lang):
    drv, ctl, services, _ = k
    drv.resize(size)
    ctl.send(ci.ChooseLanguage(lang=lang))
    _visit_every_screen(drv, ctl, services, f"{size[0]}x{size[1]}-{lang}", LONG_MESSAGES)


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920)])
def test_every_screen_big_sizes(k, size):
    """Needs a 1920x1920 surface (the runner's second pass, KIOSK_UI_SURFACE=1920x1920)."""
    if SURFACE[0] < max(size) or SURFACE[1] < max(size):
        pytest.skip("surface too small; the runner's second pass covers it")
    drv, ctl, services, _ = k
    drv.resize(size)
    ctl.send(ci.ChooseLanguage(lang="zh"))
    _visit_every_screen(drv, ctl, services, f"{size[0]}x{size[1]}-zh", LONG_MESSAGES)


def test_text_from_the_network_is_not_markup(k):
    drv, ctl, services, _ = k
    evil = replace(V_SELF, id="v9", title="[b]Free[/b] [color=ff0000]cookie")
    services.vouchers = {"EVIL-0001": evil}
    ctl.scan_text("EVIL-0001")
    assert drv.wait_screen("voucher")
    assert ids(drv, "voucher").title.text == evil.title
    assert not ids(drv, "voucher").title.markup


# -- issue 15: the join QR and the phone pad (real window) ----------------------------------


@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_join_qr_is_small_and_decodes_and_the_phone_pad_masks(k, lang):
    from kiosk.flows.customer import CloudSettings

    drv, ctl, _services, _clock = k
    join = "http://127.0.0.1:9/join/loc_demo"
    ctl.send_to("customer", CloudSettings(join))
    if lang != ctl.state.lang:
        ctl.send(ci.ChooseLanguage(lang))
    assert drv.wait_for(lambda: drv.app.rendered.join_qr == f"{join}?lang={lang}", 3)
    drv.frames(3)
    path = shot(drv, f"1280x800-{lang}-attract-join")
    assert f"{join}?lang={lang}" in checks.decode(path)
    a = ids(drv, "attract")
    # "Scan your card here" keeps its place: above the QR, in far bigger type, and the QR
    # row takes at most a fifth of the screen
    assert 0 < a.join.height <= 0.2 * drv.app.root.height + 1
    assert a.title.y > a.join.top
    assert a.title.font_size > 1.5 * a.join.label.font_size
    drv.tap(a.phone)
    assert drv.wait_screen("phone_pad")
    pad = drv.app.screens["phone_pad"]
    for d in "5123":
        drv.tap(pad.keys[d])
    drv.frames(2)
    shot(drv, f"1280x800-{lang}-phone-pad")
    assert "512" not in pad.number.text and pad.number.text.endswith("3")
    drv.tap(pad.cancel)
    assert drv.wait_screen("attract")
