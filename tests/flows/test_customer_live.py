"""The customer journey on the real parts: reference server, outbox stamp path, printer preview."""

from __future__ import annotations

import time

import pytest

from kiosk.cli._kiosk_parts import build_kiosk
from kiosk.config import Settings
from kiosk.flows.customer import (
    CardState,
    MessageKind,
    RedeemedState,
    RewardState,
    VoucherOpenState,
)
from kiosk.flows.customer import intents as ci


@pytest.fixture
def kiosk(refserver, tmp_path):
    program = refserver.program(cooldown_seconds=600)
    token = refserver.pair_device()
    settings = Settings.model_validate(
        {
            "device": {"state_dir": str(tmp_path / "state")},
            "server": {"url": refserver.url},
            "scanner": {"camera": ""},
            "printer": {"uri": f"preview:{tmp_path / 'prints'}"},
        }
    )
    settings.device.token_path.parent.mkdir(parents=True)
    settings.device.token_path.write_text(token)
    parts = build_kiosk(settings, shop_name="Test shop", use_config_sources=False)
    parts.start()
    yield parts, refserver, program
    parts.close()


def wait(ctl, pred, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred(ctl.state):
            return ctl.state
        time.sleep(0.01)
    raise AssertionError(f"state never matched; now {ctl.state!r}")


def scan(parts, text, pred):
    parts.host.scan_text(text)
    return wait(parts.host, pred)


def test_stamp_cooldown_reward_redeem_print_on_the_real_server(kiosk, tmp_path):
    parts, server, program = kiosk
    ctl = parts.host
    cards = [server.card(program, first_name="P0")]
    st = scan(parts, f"{server.url}/c/{cards[0]['token']}", lambda s: isinstance(s, CardState))
    assert st.card.stamps == 1 and st.added == 1 and st.card.display_name == "P0"
    ctl.send(ci.GoHome())
    time.sleep(0.05)
    st = scan(parts, cards[0]["token"], lambda s: s.screen == "message")
    assert st.kind == MessageKind.COOLDOWN and st.value("time")
    # the first milestone (3) on a program without a cooldown
    quick = server.card(server.program(cooldown_seconds=0, name="Quick"), first_name="Q")
    for _ in range(3):
        ctl.send(ci.GoHome())
        st = scan(parts, quick["token"], lambda s: isinstance(s, (CardState, RewardState)))
    assert isinstance(st, RewardState) and st.vouchers[0].title == "Free cookie"
    ctl.send(ci.OpenVoucher(voucher_id=st.vouchers[0].id))
    assert isinstance(ctl.state, VoucherOpenState)
    ctl.send(ci.HoldRedeem(voucher_id=st.vouchers[0].id))
    red = wait(ctl, lambda s: isinstance(s, RedeemedState))
    assert red.code and red.redeemed_at_text
    ctl.send(ci.PrintCoupon())
    wait(ctl, lambda s: getattr(s, "print_status", "") == "printed")
    assert list((tmp_path / "prints").glob("*.png"))
    ctl.send(ci.GoHome())
    st = scan(parts, red.code, lambda s: s.screen == "message")
    assert st.kind == MessageKind.ALREADY_REDEEMED
    ctl.send(ci.GoHome())
    st = scan(parts, "no_such_card_0123456789", lambda s: s.screen == "message")
    assert st.kind == MessageKind.CARD_NOT_FOUND
