"""The kiosk as `kiosk run` builds it: staff mode's Diagnostics opens the technician screen.

Real parts: the reference server over HTTP, the staff login through it, the real
technician flow with the real doctor behind it, reading the same config file.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

from kiosk.appliance.token_store import TokenStore
from kiosk.cli._kiosk_parts import build_kiosk
from kiosk.config import load_settings
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.staff import intents as si
from kiosk.flows.technician import intents as ti

STAFF_PIN, TECH_PIN = "2468", "1379"


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def kiosk_config(tmp_path: Path, server_url: str, tech_pin: str | None) -> Path:
    cfg = tmp_path / "kiosk.toml"
    tech = ""
    if tech_pin:
        digest = hashlib.sha256(tech_pin.encode()).hexdigest()
        tech = f'[technician]\npin_sha256 = "{digest}"\ndoctor_skip = ["display", "groups", "camera"]\n'
    cfg.write_text(
        f'[device]\nstate_dir = "{tmp_path / "state"}"\n'
        f'[server]\nurl = "{server_url}"\n'
        '[scanner]\ncamera = ""\n'
        f'[printer]\nuri = "preview:{tmp_path / "prints"}"\n' + tech
    )
    return cfg


def test_staff_diagnostics_opens_the_technician_screen(refserver, tmp_path):
    refserver.program()
    refserver.admin("POST", "/admin/staff", {"name": "Ann", "pin": STAFF_PIN, "permissions": ["*"]})
    cfg = kiosk_config(tmp_path, refserver.url, TECH_PIN)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device())
    parts = build_kiosk(settings, config_path=cfg)
    ctl = parts.host
    try:
        ctl.send(StaffGesture())
        for d in STAFF_PIN:
            ctl.send(si.PinDigit(digit=d))
        ctl.send(si.PinOk())
        wait_for(lambda: ctl.state.screen == "staff_menu")
        ctl.send(si.Diagnostics())
        assert ctl.state.screen == "technician"
        for d in TECH_PIN:
            ctl.send(ti.PinDigit(digit=d))
        ctl.send(ti.PinEnter())
        wait_for(lambda: getattr(ctl.state, "page", "") == "home" and ctl.state.checks)
        checks = {c.name: c for c in ctl.state.checks}
        assert checks["token"].status == "green", checks["token"]  # the doctor read our config
        assert checks["server"].status != "red", checks["server"]
        assert "display" not in checks  # the configured skip list applies
        ctl.send(ti.CloseScreen())
        wait_for(lambda: ctl.modes == ("customer",))
        assert not ctl.state.screen.startswith(("staff", "technician"))
    finally:
        parts.close()


def test_no_technician_pin_means_no_technician_screen(refserver, tmp_path):
    cfg = kiosk_config(tmp_path, refserver.url, None)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device())
    parts = build_kiosk(settings, config_path=cfg)
    try:
        assert parts.technician is None
    finally:
        parts.close()


def test_heartbeat_body_carries_queue_and_printer_and_the_server_takes_it(refserver, tmp_path):
    """What `kiosk run` posts every minute: outbox depth/age and printer state, in the
    shape the server accepts (it refuses unknown top-level fields)."""
    from kiosk.appliance.heartbeat import Heartbeat
    from kiosk.cli.run import _heartbeat_status

    cfg = kiosk_config(tmp_path, refserver.url, None)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device())
    parts = build_kiosk(settings, config_path=cfg)
    try:
        body = _heartbeat_status(parts, "")
        assert body["queue_depth"] == 0 and body["printer"] == "ready"
        beat = Heartbeat(parts.stamp_path.client, 60, lambda: _heartbeat_status(parts, ""))
        assert beat.beat_once() is True
        stored = [d["heartbeat"] for d in refserver.admin("GET", "/admin/devices")["devices"]]
        assert any(h and h.get("queue_depth") == 0 and h.get("printer") == "ready" for h in stored)
    finally:
        parts.close()


def test_day_summary_counts_stamps_and_online_redemptions_of_the_customer_path(refserver, tmp_path):
    """Staff's day summary: stamps come from the outbox, online redemptions from the day log
    that the customer path writes."""
    from datetime import UTC, datetime

    from kiosk.day_summary import DayLog
    from kiosk.flows.customer import Redeem, Stamp

    program = refserver.program(cooldown_seconds=0)
    card = refserver.card(program)
    cfg = kiosk_config(tmp_path, refserver.url, None)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device())
    parts = build_kiosk(settings, config_path=cfg)
    try:
        for _ in range(3):  # the third stamp unlocks the self-redeem "Free cookie"
            answer = parts.services.stamp(Stamp(card["token"], datetime.now(UTC)))
        voucher = next(v for v in answer.card.vouchers if v.redemption == "self_redeem")
        parts.services.redeem(Redeem(voucher.id, datetime.now(UTC)))
        summary = DayLog(settings.device.state_dir).summary(datetime.now(UTC).astimezone().date())
        assert (summary.stamps, summary.redemptions) == (3, 1)
    finally:
        parts.close()


def test_cooldown_from_the_cloud_lets_an_offline_kiosk_answer_itself(refserver, tmp_path):
    from datetime import UTC, datetime

    program = refserver.program(cooldown_seconds=600)
    card = refserver.card(program)
    cfg = kiosk_config(tmp_path, refserver.url, None)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device())
    parts = build_kiosk(settings, config_path=cfg)
    try:
        parts.load_cloud_settings()
        assert parts.stamp_path.stamps.cooldown_hint_s == 600
        first = parts.stamp_path.stamps.stamp(card["token"], scanned_at=datetime.now(UTC))
        assert first.kind == "added"
        refserver.stop()  # offline now: the kiosk itself knows this card is in its cooldown
        again = parts.stamp_path.stamps.stamp(card["token"], scanned_at=datetime.now(UTC))
        assert again.kind == "cooldown"
        assert parts.stamp_path.outbox.pending_count() == 0  # nothing queued to be refused
    finally:
        parts.close()
        refserver.start()


def test_the_shops_cloud_settings_reach_the_customer_screen_without_a_restart(refserver, tmp_path):
    """The kiosk as `kiosk run` builds it: a poll takes the shop's new languages to the
    attract screen on show; kiosk.toml's own keys stay (issue 19, docs/settings.md)."""
    shop = refserver.shop("Wired shop")
    refserver.program(shop_id=shop)
    cfg = kiosk_config(tmp_path, refserver.url, None)
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(refserver.pair_device(shop_id=shop))
    parts = build_kiosk(settings, config_path=cfg)
    try:
        parts.load_cloud_settings()
        assert parts.host.view_of("customer").languages == ("en", "ko", "zh", "et")
        refserver.admin(
            "POST",
            "/admin/device-settings",
            {"shop_id": shop, "settings": {"ui": {"languages": ["et", "en"], "language": "et"}}},
        )
        parts.load_cloud_settings()
        view = parts.host.view_of("customer")
        assert (view.lang, view.languages) == ("et", ("et", "en"))
    finally:
        parts.close()
