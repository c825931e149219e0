"""The accessibility mode (#17) on the real customer app, offscreen: contrast of every label
on every customer screen in both themes (from the widget tree), large text at >= 200 % with
nothing clipped or overlapping, low reach, and the whole journey by key events alone.

Run by tests/ui/test_access_ui.py in its own process (one Kivy window per process).
Screenshots go to $KIOSK_UI_SHOTS.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from kiosk.ui.window import prepare_window

prepare_window(1280, 800, surface=(1280, 1280))

import pytest  # noqa: E402
from kivy.core.window import Window  # noqa: E402
from kivy.uix.behaviors import ButtonBehavior  # noqa: E402
from kivy.uix.scrollview import ScrollView  # noqa: E402

from kiosk.cli._kiosk_parts import kiosk_host  # noqa: E402
from kiosk.config import Settings  # noqa: E402
from kiosk.flows.base import FakeClock  # noqa: E402
from kiosk.flows.customer import (  # noqa: E402
    AttractState,
    CardState,
    MessageKind,
    MessageState,
    OutOfServiceState,
    RedeemedState,
    RewardState,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)
from kiosk.flows.customer import intents as ci  # noqa: E402
from kiosk.flows.customer.access import Access  # noqa: E402
from kiosk.flows.customer.model import AccessOptionsState  # noqa: E402
from kiosk.outcomes import StampKind, StampOutcome  # noqa: E402
from kiosk.ui import checks, contrast  # noqa: E402
from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.ui.driver import Driver  # noqa: E402
from kiosk.ui.focus import focusables, label_of  # noqa: E402
from kiosk.ui.screens.access_options import TextBlock  # noqa: E402
from kiosk.ui.theme import CUSTOMER, HIGH_CONTRAST  # noqa: E402
from tests.flows.customer_fakes import ScriptedServices, card, voucher  # noqa: E402

SHOTS = Path(os.environ.get("KIOSK_UI_SHOTS", "/tmp/kiosk-ui-shots"))
TOKEN = "tok_abcdefghijklmnop"
V_SELF = voucher("v1", code="CAKE-1234")
V_STAFF = voucher("v2", "staff_scan", code="STAFF-9876", title="Free cake")
CARD = card(3, (V_SELF, V_STAFF))
LANGS = ("en", "ko", "zh", "et")
NORMAL, HC = Access(), Access(on=True, contrast=True)
LARGE, LOW = Access(on=True, large=True), Access(low_reach=True)


def customer_states(lang: str, access: Access) -> list:
    """One state of every customer screen (every message kind included)."""
    done = replace(V_SELF, state="redeemed", redeemed_at=datetime(2026, 11, 29, 14, 5, tzinfo=UTC))
    base = dict(lang=lang, access=access)
    states = [
        AttractState(languages=LANGS, shop_name="Kohvik Mari", **base),
        WorkingState(**base),
        CardState(card=CARD, added=1, **base),
        RewardState(card=CARD, vouchers=(V_SELF,), **base),
        VouchersState(card=CARD, vouchers=(V_SELF, V_STAFF), **base),
        VoucherOpenState(voucher=V_SELF, card=CARD, **base),
        VoucherOpenState(voucher=V_SELF, card=CARD, confirming=True, **base),
        VoucherOpenState(voucher=V_STAFF, card=CARD, **base),
        RedeemedState(voucher=done, redeemed_at_text="14:05", print_status="printed", **base),
        OutOfServiceState(reason="test", **base),
        AccessOptionsState(**base),
        CardState(card=CARD, idle_warning=True, **base),
    ]
    for kind in MessageKind:
        back = CardState(card=CARD, **base) if kind is MessageKind.COOLDOWN else None
        values = (("time", "15:00"), ("when", "14:05"))
        states.append(MessageState(kind=kind, values=values, back=back, **base))
    return states


def _id(state) -> str:
    extra = getattr(state, "kind", "") or ("confirm" if getattr(state, "confirming", 0) else "")
    return f"{state.screen}{'-' + str(extra) if extra else ''}"


@pytest.fixture(scope="module")
def kiosk():
    services = ScriptedServices()
    clock = FakeClock(datetime(2026, 11, 29, 14, 5, tzinfo=UTC))
    ctl = kiosk_host(Settings(), services, clock=clock, shop_name="Kohvik Mari")
    app = KioskApp(ctl)
    drv = Driver(app).start((1280, 800))
    yield drv, ctl, services
    ctl.shutdown()


@pytest.fixture
def k(kiosk):
    drv, ctl, services = kiosk
    services.stamp_answer = StampOutcome(StampKind.ADDED, card=CARD, unlocked=(V_SELF,))
    services.vouchers = {"CAKE-1234": V_SELF}
    services.spoken.clear()
    services.calls.clear()
    ctl.send(ci.GoHome())
    drv.wait_for(lambda: drv.app.rendered.screen == "attract" and not drv.app.rendered.access.on)
    return drv, ctl, services


def show(drv, state):
    drv.app.render(state)
    drv.frames(3)
    screen = drv.app.root.sm.current_screen
    drv.wait_for(lambda: not checks.screen_problems(screen, drv.app.u), 1.0)
    return screen


def test_contrast_of_every_label_on_every_customer_screen_in_both_themes(k):
    drv, _, _ = k
    worst = {}
    for access, floor, look in ((NORMAL, 4.5, CUSTOMER), (HC, 7.0, HIGH_CONTRAST)):
        for state in customer_states("en", access):
            screen = show(drv, state)
            found = contrast.label_contrasts(screen, tuple(Window.clearcolor))
            assert found, f"{_id(state)}: no labels found"
            for c in found:
                assert c.ratio >= floor, f"{look.name} {_id(state)}: {c.text!r} {c.ratio:.1f}:1"
            worst[(look.name, _id(state))] = min(c.ratio for c in found)
            if access is HC:
                assert tuple(Window.clearcolor) == HIGH_CONTRAST.bg
    print("lowest contrast per screen:", {k: round(v, 1) for k, v in worst.items()})
    drv.app.render(AttractState(languages=LANGS))  # back to the normal look
    drv.frames(2)
    assert tuple(Window.clearcolor) == CUSTOMER.bg


@pytest.mark.parametrize("lang", LANGS)
def test_large_text_is_twice_the_size_and_nothing_clipped_or_overlapping(k, lang):
    drv, _, _ = k
    u = drv.app.u
    for state in customer_states(lang, LARGE):
        if state.screen == "out_of_service":
            continue  # not in the mode: staff fix it
        screen = show(drv, state)
        assert screen.name == "access_large", _id(state)
        blocks = [w for w in checks.walk(screen) if isinstance(w, TextBlock) and w.text]
        assert blocks
        texts = [b for b in blocks if not isinstance(b, ButtonBehavior)]
        title = max(texts, key=lambda b: b.to_window(b.x, b.top)[1])  # the first line
        assert title.font_size >= 2 * 40 * u - 0.5  # the normal title: 40
        for b in blocks:
            if b is not title:
                assert b.font_size >= 2 * 26 * u - 0.5, b.text  # body and buttons: 26
            assert b.fits(), f"{lang} {_id(state)}: {b.text[:30]!r} clipped"
        for parent in {id(b.parent): b.parent for b in blocks}.values():
            boxes = sorted((c.y, c.top) for c in parent.children)
            for (_, top), (y, _) in zip(boxes, boxes[1:], strict=False):
                assert top <= y + 0.5, f"{lang} {_id(state)}: overlapping"
        if state.screen in ("card", "voucher") and lang in ("en", "zh") and not state.idle_warning:
            drv.screenshot(SHOTS / f"a11y-large-text-{lang}-{_id(state)}.png")


def in_view(w, screen) -> bool:
    """Not scrolled out of its ScrollView (scrolled in, it lands in the same viewport)."""
    node = w.parent
    while node is not screen and not isinstance(node, ScrollView):
        node = node.parent
    if node is screen:
        return True
    _, bottom = node.to_window(node.x, node.y)
    _, top = node.to_window(node.x, node.top)
    y0, y1 = w.to_window(w.x, w.y)[1], w.to_window(w.x, w.top)[1]
    return y1 > bottom + 1 and y0 < top - 1


def test_low_reach_puts_every_control_in_the_lower_half(k):
    drv, _, _ = k
    half = Window.height / 2
    for access in (LOW, Access(on=True, low_reach=True)):
        for state in customer_states("et", access):
            screen = show(drv, state)
            shown = [w for w in focusables(screen) if in_view(w, screen)]
            assert shown or state.screen in ("working", "out_of_service"), _id(state)
            for w in shown:
                top = w.to_window(w.x, w.top)[1]
                assert top <= half + 1, f"{_id(state)}: {label_of(w)!r} top {top:.0f} > {half:.0f}"
    show(drv, customer_states("en", LOW)[2])
    drv.screenshot(SHOTS / "a11y-low-reach-en-card.png")


# -- the keypad alone ---------------------------------------------------------------------------

DOWN, UP, TAB, ENTER = 274, 273, 9, 13


def key(drv, code: int, codepoint: str = "") -> None:
    Window.dispatch("on_key_down", code, 0, codepoint or None, [])
    Window.dispatch("on_key_up", code, 0)
    drv.frames(3)


def focus_and_press(drv, words: str, tries: int = 12) -> None:
    """Tab until the ring is on the control that says `words`, then Enter: keys only."""
    for _ in range(tries):
        target = drv.app.focus.target()
        if target is not None and words in label_of(target):
            key(drv, ENTER)
            return
        key(drv, TAB)
    raise AssertionError(f"no control says {words!r} on {drv.app.root.sm.current}")


def test_the_whole_journey_by_keys_alone(k):
    drv, ctl, services = k
    key(drv, DOWN)  # the first key opens the mode
    assert drv.wait_screen("access") and ctl.state.access.on
    focus_and_press(drv, "High contrast")
    assert drv.wait_for(lambda: ctl.state.access.contrast)
    drv.screenshot(SHOTS / "a11y-keypad-en-options.png")
    focus_and_press(drv, "Start")
    assert drv.wait_screen("attract")
    ctl.scan_text(TOKEN)  # the scan is the customer's own action: no touch needed
    assert drv.wait_screen("reward")
    focus_and_press(drv, "Open my voucher")
    assert drv.wait_for(lambda: drv.app.root.sm.current == "access")
    assert ctl.state.screen == "voucher"
    focus_and_press(drv, "Redeem")
    assert drv.wait_for(lambda: ctl.state.confirming)
    assert not [c for c in services.calls if c[0] == "redeem"]  # one step never redeems
    drv.screenshot(SHOTS / "a11y-keypad-en-confirm.png")
    focus_and_press(drv, "Yes, redeem now")
    assert drv.wait_screen("redeemed")
    focus_and_press(drv, "Print")
    assert drv.wait_for(lambda: getattr(ctl.state, "print_status", "") == "printed")
    key(drv, 0, "*")  # repeat the speech
    key(drv, 0, "#")  # help
    focus_and_press(drv, "Done")
    assert drv.wait_screen("attract") and not ctl.state.access.on
    said = [s.text for s in services.spoken]
    assert any(s.startswith("Accessibility.") for s in said)
    assert "Redeem this voucher now? It can be used only once." in " ".join(said)
    assert "Yes, redeem now, button" in said
    assert any(s.startswith("Redeemed.") for s in said)
    assert any("Enter to choose" in s for s in said)  # the help
    assert [c[0] for c in services.calls] == ["stamp", "redeem", "print"]


def test_the_accessibility_button_is_on_attract_in_every_language(k):
    drv, ctl, _ = k
    for lang in LANGS:
        ctl.send(ci.ChooseLanguage(lang))
        drv.wait_for(lambda lang=lang: drv.app.rendered.lang == lang)
        drv.frames(2)
        button = drv.app.screens["attract"].ids.access
        assert button.text and button.text != "access.button"
        assert button in focusables(drv.app.screens["attract"])
    drv.screenshot(SHOTS / "a11y-attract-et.png")
    drv.tap(drv.app.screens["attract"].ids.access)
    assert drv.wait_screen("access") and ctl.state.access.on


def test_the_phone_pad_by_keys_alone(k):
    """#15's phone pad in the mode: opened, typed and sent with Tab and Enter only."""
    drv, ctl, services = k
    key(drv, DOWN)  # the first key opens the mode
    assert drv.wait_screen("access") and ctl.state.access.on
    focus_and_press(drv, "Start")
    assert drv.wait_screen("attract")
    focus_and_press(drv, "No phone", tries=20)
    assert drv.wait_for(lambda: ctl.state.screen == "phone_pad")
    for digit in "5123":
        focus_and_press(drv, digit, tries=20)
    assert drv.wait_for(lambda: len(getattr(ctl.state, "digits", "")) == 4)
