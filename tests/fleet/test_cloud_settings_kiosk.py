"""The kiosk polls GET /device with If-None-Match against a real refserver on 127.0.0.1:
the shop's settings are checked by the kiosk.toml models, a technician's explicit keys win,
an invalid set is rejected with the last good one kept (0600, in the state dir), and a
304 changes nothing."""

from __future__ import annotations

import stat
from pathlib import Path

from kiosk.api import LoyaltyClient
from kiosk.cloud_settings import CloudStore, Effective, check, effective, with_last_good
from kiosk.cloud_sync import CloudSync, Polled
from kiosk.config import Settings, load_settings
from tests.support.refserver import RefServer


def local_settings(tmp_path: Path, extra: str = "") -> Settings:
    path = tmp_path / "kiosk.toml"
    path.write_text(
        f'[device]\nstate_dir = "{tmp_path}"\n[ui]\nidle_timeout_s = 30\n{extra}', encoding="utf-8"
    )
    return load_settings(path, environ={})


def sync_for(server: RefServer, local: Settings) -> tuple[CloudSync, list[Effective], str]:
    """A kiosk of a new shop: its poller, what it applied, and the shop's id."""
    shop = server.shop("Cloud kiosk shop")
    client = LoyaltyClient(server.url, server.pair_device(shop_id=shop))
    applied: list[Effective] = []
    return CloudSync(local, client.device_if_changed, applied.append), applied, shop


def set_cloud(server: RefServer, shop: str, settings: dict) -> None:
    server.admin("POST", "/admin/device-settings", {"shop_id": shop, "settings": settings})


def test_poll_applies_the_shops_settings_under_the_technicians_keys(
    shared_refserver: RefServer, tmp_path: Path
) -> None:
    local = local_settings(tmp_path)
    sync, applied, shop = sync_for(shared_refserver, local)
    set_cloud(
        shared_refserver,
        shop,
        {"ui": {"idle_timeout_s": 90, "languages": ["en", "et"], "low_reach": True}},
    )
    assert sync.poll_once() is Polled.APPLIED
    eff = applied[-1]
    assert eff.settings.ui.idle_timeout_s == 30  # kiosk.toml said so: it wins
    assert eff.settings.ui.languages == ["en", "et"] and eff.settings.ui.low_reach
    assert eff.sources[("ui", "idle_timeout_s")] == "file"
    assert eff.sources[("ui", "languages")] == "cloud"
    assert eff.sources[("ui", "speech_volume")] == "default"
    assert eff.overridden == {("ui", "idle_timeout_s"): 90}

    # nothing changed: a 304, nothing applied again
    tag = sync.etag
    assert tag and sync.poll_once() is Polled.UNCHANGED and len(applied) == 1
    assert sync.etag == tag

    # a change the kiosk's models refuse (speech_volume is 0..100): rejected, last good kept
    set_cloud(shared_refserver, shop, {"ui": {"speech_volume": 150, "languages": ["et"]}})
    assert sync.poll_once() is Polled.REJECTED and len(applied) == 1
    stored = CloudStore(tmp_path).load()
    assert stored.good == {
        "ui": {"idle_timeout_s": 90, "languages": ["en", "et"], "low_reach": True}
    }
    assert stored.rejected_at and "[ui] speech_volume" in stored.problems[0]
    assert stat.S_IMODE((tmp_path / "cloud-settings.json").stat().st_mode) == 0o600
    assert sync.poll_once() is Polled.UNCHANGED  # the bad set is not re-read every poll

    # a restart (off line too) starts on the last good set
    restarted = with_last_good(local_settings(tmp_path)).settings
    assert restarted.ui.languages == ["en", "et"] and restarted.ui.idle_timeout_s == 30

    # the shop fixes it: applied, the rejection forgotten
    set_cloud(shared_refserver, shop, {"ui": {"speech_volume": 60}})
    assert sync.poll_once() is Polled.APPLIED
    assert applied[-1].settings.ui.speech_volume == 60
    assert applied[-1].settings.ui.languages == ["en", "ko", "zh", "et"]  # left out: local again
    assert CloudStore(tmp_path).load().problems == []


def test_keys_the_cloud_may_not_set_are_ignored_and_offline_keeps_the_last_good(
    refserver: RefServer, tmp_path: Path
) -> None:
    local = local_settings(tmp_path)
    sync, applied, shop = sync_for(refserver, local)
    set_cloud(refserver, shop, {"update": {"window": "01:00-02:00"}})
    assert sync.poll_once() is Polled.APPLIED
    assert applied[-1].settings.update.window == "01:00-02:00"
    # a key this kiosk does not take from the cloud (a newer server's): ignored, not fatal
    checked = check(local, {"printer": {"uri": "file:/tmp/x"}, "ui": {"sound": False}})
    assert checked.ok and checked.values == {"ui": {"sound": False}}
    assert checked.ignored == ("[printer] uri",)
    refserver.stop()
    assert sync.poll_once() is Polled.OFFLINE
    assert CloudStore(tmp_path).load().good == {"update": {"window": "01:00-02:00"}}


def test_an_environment_override_wins_too(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[device]\nstate_dir = "{tmp_path}"\n', encoding="utf-8")
    local = load_settings(path, environ={"KIOSK__UI__LOW_REACH": "false"})
    eff = effective(local, {"ui": {"low_reach": True, "speech_volume": 40}})
    assert eff.settings.ui.low_reach is False and eff.sources[("ui", "low_reach")] == "environment"
    assert eff.settings.ui.speech_volume == 40
