"""The kiosk as `kiosk run` builds it: an offer in GET /device goes to the background
worker, and a scan is served while the release is still downloading."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from kiosk.appliance.token_store import TokenStore
from kiosk.appliance.updates import offer as offer_mod
from kiosk.appliance.updates.trial import Store
from kiosk.cli._kiosk_parts import build_kiosk
from kiosk.config import load_settings
from tests.updates.conftest import needs_dpkg_deb, publish, wait_for

pytestmark = needs_dpkg_deb


def test_a_scan_is_served_while_an_offered_release_downloads(
    cloud,
    tmp_path,
    layout_v1,
    keys_dir,
    signer,
    monkeypatch,
):
    shop = cloud.shop("Busy shop")
    card = cloud.card(cloud.program(shop_id=shop))
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[device]\nstate_dir = "{tmp_path / "state"}"\n[server]\nurl = "{cloud.url}"\n'
        f'[scanner]\ncamera = ""\n[printer]\nuri = "preview:{tmp_path / "prints"}"\n'
        f'[update]\nreleases_dir = "{layout_v1.root}"\nkeys_dir = "{keys_dir}"\n'
    )
    settings = load_settings(cfg, environ={})
    TokenStore(settings.device.token_path).write(cloud.pair_device(shop_id=shop))
    cloud.admin("POST", "/admin/releases", publish(cloud, signer, "1.1.0") | {"shop_id": shop})

    downloading, release = threading.Event(), threading.Event()
    real = offer_mod.download

    def slow_network(*args, **kwargs):  # the download hangs until the test lets it go
        downloading.set()
        assert release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(offer_mod, "download", slow_network)
    parts = build_kiosk(settings, config_path=cfg)
    try:
        parts.load_cloud_settings()  # returns with the download still under way
        assert downloading.wait(30) and parts.offers.handled == 0
        scan = parts.stamp_path.stamps.stamp(card["token"], scanned_at=datetime.now(UTC))
        assert scan.kind == "added"  # served meanwhile
        release.set()
        wait_for(lambda: parts.offers.handled >= 1)
        assert Store(settings.device.state_dir).pending()["version"] == "1.1.0"
    finally:
        release.set()
        parts.close()
