"""Re-pairing a PAIRED kiosk with another shop from the technician screen.

Real parts: the reference server (`kiosk server` subprocess) with two shops (locations),
the kiosk first paired with shop A by the real pair_by_scan, real token / paired.json /
outbox files, the real scan router, the real stamp path. The flow runs inline with a
FakeClock; no window.
"""

from __future__ import annotations

import hashlib
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.api.client import LoyaltyClient
from kiosk.api.keys import new_idempotency_key
from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.runner import run_checks
from kiosk.appliance.provisioning import pair_by_scan
from kiosk.appliance.repair import RePairer
from kiosk.card_cache import CardCache
from kiosk.cli._technician_parts import TechnicianDeps, technician_mode
from kiosk.config import PAIRED_FILE, load_settings
from kiosk.flows.base import FakeClock
from kiosk.flows.technician import REPAIR_WAIT_S, RESTART_AFTER_S
from kiosk.flows.technician import intents as ti
from kiosk.outbox import OpKind, Outbox, card_lane
from kiosk.scan_router import classify
from kiosk.stamping import StampKind, open_services
from tests.support.modes import technician_handle
from tests.support.refserver import free_port

PIN = "1379"
SHOP_A, SHOP_B = "Cafe Mari", "Kohvik Teine"


def config(tmp_path: Path, *extra: str) -> Path:
    """A kiosk.toml as install-service leaves it (no [server] url: paired by scan)."""
    cfg = tmp_path / "etc" / "kiosk.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[device]", 'name = "counter-1"', f'state_dir = "{tmp_path / "state"}"', *extra]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def new_code(server, location: str) -> str:
    return server.admin("POST", "/admin/pairing-codes", {"location_name": location})["code"]


def qr(server, code: str) -> str:
    return f"KIOSK-PAIR:{server.url}#{code}"


class Kiosk:
    """A kiosk paired with shop A by scan, and its technician flow (PIN typed: home)."""

    def __init__(
        self, server, tmp_path: Path, *extra: str, camera_frame=None, lang="en", **repairer_kw
    ) -> None:
        self.server = server
        self.cfg = config(tmp_path, *extra)
        first = load_settings(self.cfg, environ={})
        pair_by_scan(
            server.url,
            new_code(server, SHOP_A),
            device_name="counter-1",
            token_path=first.device.token_path,
            state_dir=first.device.state_dir,
        )
        self.settings = load_settings(self.cfg, environ={})
        self.state = tmp_path / "state"
        self.clock = FakeClock()
        self.restarts: list[int] = []
        self.repairer = RePairer(self.settings, **repairer_kw)
        ctx = DoctorContext(self.cfg, self.settings)
        mode = technician_mode(
            hashlib.sha256(PIN.encode()).hexdigest(),
            TechnicianDeps(
                run_doctor=lambda: run_checks(ctx, only=["config", "token"]),
                repairer=self.repairer,
                restart_after_pairing=lambda: self.restarts.append(1),
                camera_frame=camera_frame,
            ),
            session_timeout_s=60,
        )
        self.flow = technician_handle(mode, clock=self.clock, lang=lang)
        self.classify = classify

    def login(self) -> Kiosk:
        self.flow.open()
        for d in PIN:
            self.flow.send(ti.PinDigit(digit=d))
        self.flow.send(ti.PinEnter())
        assert self.flow.state.page == "home"
        return self

    @property
    def page(self) -> str:
        return self.flow.state.page

    def scan(self, text: str) -> None:
        """A scan while the technician screen is open: it goes to the mode on top."""
        assert self.flow.on_scan(self.classify(text, self.settings.scanner)) is True

    def files(self) -> tuple[bytes, bytes]:
        return (self.state / "device.token").read_bytes(), (self.state / PAIRED_FILE).read_bytes()

    def shop_of_current_pairing(self) -> str:
        """Which shop the kiosk serves after a restart: settings from disk, GET /device."""
        settings = load_settings(self.cfg, environ={})
        token = settings.device.token_path.read_text().strip()
        return LoyaltyClient(settings.server.url, token).device().location.name

    def to_wait(self) -> None:
        self.flow.send(ti.StartRepair())
        assert self.page == "repair_confirm", self.flow.state
        self.flow.send(ti.ConfirmRepair())
        assert self.page == "repair_wait"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def stamp_online(k: Kiosk, server) -> dict:
    """A customer stamped at shop A: the card is now in the kiosk's card cache."""
    card = server.card(server.program(cooldown_seconds=0))
    services = open_services(load_settings(k.cfg, environ={}))
    try:
        outcome = services.stamps.stamp(card["token"], scanned_at=datetime.now(UTC))
    finally:
        services.close()
    assert outcome.kind == StampKind.ADDED
    return card


def cached(k: Kiosk, token: str) -> bool:
    cache = CardCache(k.state)
    try:
        return cache.card(token) is not None
    finally:
        cache.close()


def test_repair_after_confirm_writes_new_token_and_restarts(shared_refserver, tmp_path):
    k = Kiosk(shared_refserver, tmp_path).login()
    assert k.flow.state.can_repair
    old_customer = stamp_online(k, shared_refserver)
    assert cached(k, old_customer["token"])
    before = k.files()
    k.flow.send(ti.StartRepair())
    s = k.flow.state
    assert (s.page, s.note, s.value("shop")) == ("repair_confirm", "tech.repair.confirm", SHOP_A)
    k.scan(qr(shared_refserver, new_code(shared_refserver, SHOP_B)))  # not confirmed yet
    assert k.page == "repair_confirm" and k.files() == before
    k.flow.send(ti.ConfirmRepair())
    assert k.page == "repair_wait" and k.flow.state.wait_left_s == int(REPAIR_WAIT_S)

    k.scan(qr(shared_refserver, new_code(shared_refserver, SHOP_B)))

    s = k.flow.state
    assert (s.page, s.note, s.value("shop")) == ("repair_paired", "tech.repair.paired", SHOP_B)
    token, paired = k.files()
    assert token != before[0] and paired != before[1]
    assert mode(k.state / "device.token") == 0o600 and mode(k.state / PAIRED_FILE) == 0o600
    assert token.decode().strip() not in paired.decode()  # a fingerprint, never the token
    assert k.shop_of_current_pairing() == SHOP_B  # the next start serves the new shop
    assert load_settings(k.cfg, environ={}).server_source.startswith("paired by scan")
    assert not cached(k, old_customer["token"])  # the old shop's customers are forgotten
    assert Outbox(k.state).pending_count() == 0
    k.flow.close()  # nobody closes the screen under the restart
    k.clock.advance(RESTART_AFTER_S - 0.5)
    k.flow.tick()
    assert k.restarts == [] and k.page == "repair_paired"
    k.clock.advance(0.5)
    k.flow.tick()
    k.flow.tick()
    assert k.restarts == [1]


def test_wrong_code_or_dead_server_leaves_the_old_pairing_working(shared_refserver, tmp_path):
    k = Kiosk(shared_refserver, tmp_path).login()
    customer = stamp_online(k, shared_refserver)
    before = k.files()
    k.to_wait()
    k.scan(qr(shared_refserver, "WRONGCODE9"))
    s = k.flow.state
    assert (s.page, s.note) == ("repair_failed", "tech.repair.invalid")
    assert "not valid" in s.detail
    k.scan(qr(shared_refserver, "WRONGCODE9"))  # the QR still held up: no second request
    assert k.page == "repair_failed"
    k.flow.send(ti.RetryRepair())
    assert k.page == "repair_wait"
    k.scan(f"KIOSK-PAIR:http://127.0.0.1:{free_port()}#CODE1234")
    assert k.flow.state.note == "tech.repair.offline"
    assert k.files() == before
    k.flow.send(ti.CancelRepair())
    assert (k.page, k.flow.state.note) == ("home", "tech.repair.cancelled")
    # fully working: the kiosk, as it starts next, serves shop A and really stamps there
    assert k.shop_of_current_pairing() == SHOP_A
    assert cached(k, customer["token"])  # its customers are still known offline
    stamp_online(k, shared_refserver)


def test_expired_code_changes_nothing(refserver, tmp_path):
    k = Kiosk(refserver, tmp_path).login()
    before = k.files()
    code = new_code(refserver, SHOP_B)
    refserver.advance_clock(24 * 3600)
    k.to_wait()
    k.scan(qr(refserver, code))
    assert (k.page, k.flow.state.note) == ("repair_failed", "tech.repair.expired")
    assert k.files() == before and k.shop_of_current_pairing() == SHOP_A


def test_customer_scans_while_waiting_are_ignored(shared_refserver, tmp_path):
    k = Kiosk(shared_refserver, tmp_path).login()
    program = shared_refserver.program(cooldown_seconds=0)
    card = shared_refserver.card(program)
    k.to_wait()
    k.scan(f"https://shop.example/c/{card['token']}")
    k.scan("STAFF:anna:1234")
    s = k.flow.state
    assert s.page == "repair_wait" and s.value("ignored").startswith("staff_badge")
    assert shared_refserver.admin("GET", f"/admin/cards/{card['id']}")["total_stamps"] == 0
    assert Outbox(k.state).pending_count() == 0  # nothing queued either


def test_cancel_and_timeout_change_nothing(shared_refserver, tmp_path):
    k = Kiosk(shared_refserver, tmp_path).login()
    before = k.files()
    k.flow.send(ti.StartRepair())
    k.flow.send(ti.CancelRepair())
    assert (k.page, k.flow.state.note) == ("home", "tech.repair.cancelled")
    k.to_wait()
    k.clock.advance(61)  # longer than the technician session: the wait decides, not it
    k.flow.tick()
    assert k.page == "repair_wait" and k.flow.state.wait_left_s == int(REPAIR_WAIT_S) - 61
    k.clock.advance(REPAIR_WAIT_S - 61)
    k.flow.tick()
    assert (k.page, k.flow.state.note) == ("home", "tech.repair.timeout")
    k.scan(qr(shared_refserver, new_code(shared_refserver, SHOP_B)))  # too late: a decode test
    assert k.page == "home" and k.flow.state.last_scan.startswith("pairing")
    assert k.files() == before


def stamp_offline(k: Kiosk, server) -> dict:
    """A customer stamped at shop A while the cloud was down: one row waits in the outbox."""
    program = server.program(cooldown_seconds=0)
    card = server.card(program)
    server.stop()
    services = open_services(load_settings(k.cfg, environ={}))
    try:
        outcome = services.stamps.stamp(card["token"], scanned_at=datetime.now(UTC))
    finally:
        services.close()
    assert outcome.kind == StampKind.SAVED_PENDING
    return card


def test_waiting_stamps_block_until_sent_to_the_old_shop(refserver, tmp_path):
    k = Kiosk(refserver, tmp_path, sync_timeout_s=1.0).login()
    old_device = LoyaltyClient(refserver.url, k.files()[0].decode().strip()).device().device_id
    card = stamp_offline(k, refserver)
    k.flow.send(ti.StartRepair())
    s = k.flow.state
    assert (s.page, s.note, s.value("count")) == ("repair_blocked", "tech.repair.blocked", "1")
    k.flow.send(ti.ConfirmRepair())  # no way around the gate
    assert k.page == "repair_blocked"
    k.flow.send(ti.SendNow())  # still offline: it says so and keeps blocking
    s = k.flow.state
    assert s.page == "repair_blocked" and "0 sent, 1 still waiting" in s.detail
    refserver.start()
    k.flow.send(ti.SendNow())
    s = k.flow.state
    assert s.page == "repair_confirm" and "1 sent, 0 still waiting" in s.detail
    ledger = refserver.admin("GET", f"/admin/cards/{card['id']}")["ledger"]
    assert [e["device_id"] for e in ledger] == [old_device]  # delivered to the OLD shop
    k.flow.send(ti.ConfirmRepair())
    k.scan(qr(refserver, new_code(refserver, SHOP_B)))
    assert k.page == "repair_paired" and k.shop_of_current_pairing() == SHOP_B


def test_a_stamp_appearing_while_waiting_blocks_before_the_code_is_spent(refserver, tmp_path):
    """The gate is checked again right before the exchange: the one-time code is not
    spent, so after "Send now" the very same code still pairs."""
    k = Kiosk(refserver, tmp_path, sync_timeout_s=3.0).login()
    before = k.files()
    k.to_wait()
    outbox = Outbox(k.state)  # e.g. `kiosk stamp` from a shell meanwhile
    token = "AbCdEfGh12345678"
    outbox.enqueue(
        kind=OpKind.STAMP,
        lane=card_lane(token),
        key=new_idempotency_key(),
        occurred_at=datetime.now(UTC),
        card_token=token,
    )
    outbox.close()
    code = new_code(refserver, SHOP_B)
    k.scan(qr(refserver, code))
    assert (k.page, k.flow.state.value("count")) == ("repair_blocked", "1")
    assert k.files() == before
    k.flow.send(ti.SendNow())  # the unknown card is refused for good: not waiting
    assert k.page == "repair_confirm"
    k.flow.send(ti.ConfirmRepair())
    k.scan(qr(refserver, code))
    assert k.page == "repair_paired" and k.shop_of_current_pairing() == SHOP_B


def test_explicit_other_server_is_refused_before_the_exchange(shared_refserver, tmp_path):
    k = Kiosk(shared_refserver, tmp_path).login()
    k.cfg.write_text(k.cfg.read_text() + f'[server]\nurl = "{shared_refserver.url}"\n')
    k.repairer.settings = load_settings(k.cfg, environ={})  # provisioned with this server
    before = k.files()
    k.to_wait()
    code = new_code(shared_refserver, SHOP_B)
    other = shared_refserver.url.replace("127.0.0.1", "localhost")
    k.scan(f"KIOSK-PAIR:{other}#{code}")
    s = k.flow.state
    assert (s.page, s.note) == ("repair_failed", "tech.repair.wrong_server")
    assert "kiosk provision" in s.detail and k.files() == before
    k.flow.send(ti.RetryRepair())
    k.scan(qr(shared_refserver, code))  # the same server: fine, and the code was unspent
    assert k.page == "repair_paired" and k.shop_of_current_pairing() == SHOP_B


def test_a_token_file_the_service_cannot_write_is_refused(shared_refserver, tmp_path):
    """Provisioned kiosks keep the token in /etc/kiosk, read-only under systemd."""
    if not Path("/proc/sys").exists() or __import__("os").access("/proc/sys", 2):
        pytest.skip("needs a read-only mount (/proc/sys in a container)")
    k = Kiosk(shared_refserver, tmp_path).login()
    settings = load_settings(k.cfg, environ={})
    settings.device.token_file = Path("/proc/sys/kiosk/device.token")
    refusal = RePairer(settings).preflight(
        k.classify(qr(shared_refserver, "ABCD1234"), k.settings.scanner)
    )
    assert refusal is not None and refusal.message == "tech.repair.not_writable"
    assert "/proc/sys" in refusal.detail


def test_a_failed_write_puts_the_old_paired_json_back(shared_refserver, tmp_path):
    """The server accepted, paired.json was written, then the token could not be: the old
    paired.json is restored so the old token still finds its server."""
    target = tmp_path / "not-a-file"
    target.mkdir()

    def pair_then_fail(*a, **kw):  # the real pair_by_scan; its token write hits a folder
        return pair_by_scan(*a, **{**kw, "token_path": target})

    k = Kiosk(shared_refserver, tmp_path, pair=pair_then_fail).login()
    before = k.files()
    k.to_wait()
    k.scan(qr(shared_refserver, new_code(shared_refserver, SHOP_B)))
    assert (k.page, k.flow.state.note) == ("repair_failed", "tech.repair.write_failed")
    assert k.files() == before and k.shop_of_current_pairing() == SHOP_A


def test_an_unreadable_outbox_blocks_as_unknown(shared_refserver, tmp_path):
    """Nobody can tell whether stamps wait in a damaged outbox: re-pairing waits too."""
    k = Kiosk(shared_refserver, tmp_path).login()
    (k.state / "outbox.sqlite").write_bytes(b"this is not a database" * 100)
    k.flow.send(ti.StartRepair())
    s = k.flow.state
    assert (s.page, s.note) == ("repair_blocked", "tech.repair.outbox_unreadable")
    assert "cannot be read" in s.detail
    k.flow.send(ti.ConfirmRepair())
    assert k.page == "repair_blocked"
