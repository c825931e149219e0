"""The kiosk takes a release the cloud offers: a real refserver on 127.0.0.1 offers and
serves a signed test release; the kiosk's settings poller sees the offer, the background
worker downloads and verifies it and makes it pending, and it is applied only inside
[update] window with nobody at the kiosk (FakeClock). Refusals are recorded once; a
release that rolled back is never taken again."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime

import pytest
import requests

from kiosk.api import LoyaltyClient
from kiosk.api.models import ReleaseOffer
from kiosk.appliance.updates import apply as upd
from kiosk.appliance.updates import offer as offer_mod
from kiosk.appliance.updates.offer import IGNORED, PENDING, REFUSED, RETRY, Offers, OfferWorker
from kiosk.appliance.updates.package import this_arch
from kiosk.appliance.updates.pending import due, take
from kiosk.appliance.updates.signing import trusted_keys
from kiosk.appliance.updates.trial import Store
from kiosk.appliance.updates.window import SessionMarker
from kiosk.cli import main
from kiosk.clock import FakeClock
from kiosk.cloud_sync import CloudSync, Polled
from kiosk.config import load_settings
from tests.updates.conftest import make_deb, make_signer, needs_dpkg_deb, publish, wait_for

pytestmark = needs_dpkg_deb
WINDOW = "03:00-05:00"


@pytest.fixture
def kiosk(tmp_path, monkeypatch, layout_v1, keys_dir):
    state = tmp_path / "state"
    monkeypatch.setenv("KIOSK__UPDATE__RELEASES_DIR", str(layout_v1.root))
    monkeypatch.setenv("KIOSK__UPDATE__KEYS_DIR", str(keys_dir))
    monkeypatch.setenv("KIOSK__DEVICE__STATE_DIR", str(state))
    monkeypatch.setenv("KIOSK__UPDATE__WINDOW", WINDOW)
    return layout_v1, state, Offers(layout_v1.root, state, keys_dir, max_rate_kib_s=0)


def as_offer(body: dict) -> ReleaseOffer:
    offer = ReleaseOffer.from_json(body)
    assert offer is not None
    return offer


class Downloads:
    """Counts the real downloads (the function is called through, not replaced)."""

    def __init__(self, monkeypatch) -> None:
        self.calls: list[str] = []
        real = offer_mod.download

        def counting(url, *args, **kwargs):
            self.calls.append(url)
            return real(url, *args, **kwargs)

        monkeypatch.setattr(offer_mod, "download", counting)


def history(state) -> list[dict]:
    path = Store(state).dir / "history.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_offered_downloaded_pending_then_applied_only_in_the_window(cloud, kiosk, signer):
    layout, state, offers = kiosk
    shop = cloud.shop("Update shop")
    client = LoyaltyClient(cloud.url, cloud.pair_device(shop_id=shop))
    worker = OfferWorker(offers)
    sync = CloudSync(load_settings(None, must_exist=False), client.device_if_changed,
                     lambda eff: None, lambda dev: worker.offer(dev.release))  # fmt: skip
    assert sync.poll_once() is Polled.APPLIED
    assert sync.poll_once() is Polled.UNCHANGED  # nothing offered yet: a 304

    cloud.admin("POST", "/admin/releases", publish(cloud, signer, "1.1.0") | {"shop_id": shop})
    started = time.monotonic()
    assert sync.poll_once() is Polled.APPLIED  # the ETag changed with the offer
    assert time.monotonic() - started < 2.0  # the poll never waits for the download
    wait_for(lambda: worker.handled >= 1)
    worker.stop()

    store = Store(state)
    pending = store.pending()
    assert pending is not None and pending["version"] == "1.1.0" and pending["source"] == "cloud"
    assert offer_mod.load_state(store).state == PENDING
    assert layout.current() == "1.0.0"  # downloaded is not applied

    clock = FakeClock(datetime(2026, 12, 3, 14, 0, tzinfo=UTC))
    assert due(store, WINDOW, clock.now()) == (None, f"1.1.0 waits for the window {WINDOW}")
    clock.advance(13.5 * 3600)  # 03:30 next night
    marker = SessionMarker(state)
    marker.update(("customer",), "card")  # a customer at the kiosk
    assert due(store, WINDOW, clock.now()) == (None, "1.1.0 waits: a session is open")
    marker.update(("customer",), "attract")
    taken, why = due(store, WINDOW, clock.now())
    assert taken is not None and why == ""

    deb, sig = take(taken, layout.root)
    assert deb.parent == layout.root / ".incoming"  # root's copy is what is checked and used
    checked = upd.check(deb, sig, trusted_keys(offers.keys_dir), layout.current(), this_arch())
    restarts: list[int] = []
    upd.apply(deb, checked, layout, store, health_timeout_s=60, keep=3,
              restart=lambda: restarts.append(1))  # fmt: skip
    assert layout.current() == "1.1.0" and layout.previous() == "1.0.0" and restarts == [1]

    # the offer stays in GET /device: now it is simply the running release
    assert offers.handle(as_offer(publish(cloud, signer, "1.1.0")), 10.0).state == IGNORED


def test_the_apply_pending_command_takes_the_offered_release(
    cloud, kiosk, signer, monkeypatch, capsys
):
    layout, state, offers = kiosk
    assert (
        offers.handle(as_offer(publish(cloud, signer, "1.2.0", sig_as_url=True)), 1.0).state
        == PENDING
    )
    monkeypatch.setattr(upd, "is_root", lambda: True)
    monkeypatch.setenv("KIOSK__UPDATE__WINDOW", "")  # "any time": the window itself is above
    assert main(["update", "--apply-pending", "--no-restart"]) == 0
    assert "switched 1.0.0 -> 1.2.0" in capsys.readouterr().out
    assert layout.current() == "1.2.0" and Store(state).pending() is None
    assert not (layout.root / ".incoming").exists()


def test_a_wrongly_signed_offer_is_refused_and_recorded_once(cloud, kiosk, monkeypatch, capsys):
    layout, state, offers = kiosk
    downloads = Downloads(monkeypatch)
    offer = as_offer(publish(cloud, make_signer(), "1.1.0"))  # a key this kiosk does not trust
    first = offers.handle(offer, 100.0)
    assert first.state == REFUSED and first.code == upd.EX_BAD_SIGNATURE
    assert "not in the trusted keys" in first.reason
    for now in (400.0, 4000.0, 40_000.0):  # every poll, for days: nothing happens
        assert offers.handle(offer, now).state == REFUSED
    assert len(downloads.calls) == 1
    refused = [h for h in history(state) if h["result"] == "refused"]
    assert len(refused) == 1 and refused[0]["code"] == 11 and refused[0]["source"] == "cloud"
    assert Store(state).pending() is None and layout.current() == "1.0.0"
    assert not list((Store(state).dir / "downloads").glob("*.deb"))  # a refused file is gone

    assert main(["update", "--status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["offer"]["state"] == "refused" and st["offer"]["version"] == "1.1.0"
    assert st["last_result"]["result"] == "refused"
    from kiosk.appliance.doctor.base import DoctorContext
    from kiosk.appliance.doctor.checks import update as update_check

    doc = update_check.check(DoctorContext(state / "k.toml", load_settings(None, must_exist=False)))
    assert doc.status == "yellow" and "offered 1.1.0: refused" in doc.message


def test_an_offer_of_a_rolled_back_release_is_ignored_until_a_new_version(
    cloud, kiosk, signer, monkeypatch
):
    _layout, state, offers = kiosk
    downloads = Downloads(monkeypatch)
    Store(state).record({"result": "rolled-back", "version": "1.1.0", "to": "1.0.0",
                         "reason": "1.1.0 sent no READY=1 within 120 s", "at": 5.0})  # fmt: skip
    again = offers.handle(as_offer(publish(cloud, signer, "1.1.0")), 10.0)
    assert again.state == IGNORED and "rolled back" in again.reason
    assert downloads.calls == [] and Store(state).pending() is None
    assert offers.handle(as_offer(publish(cloud, signer, "1.1.1")), 20.0).state == PENDING


def test_a_downgrade_and_a_hash_mismatch_are_refused_with_their_codes(
    cloud, kiosk, signer, monkeypatch
):
    _layout, state, offers = kiosk
    downloads = Downloads(monkeypatch)
    old = offers.handle(as_offer(publish(cloud, signer, "0.9.0")), 1.0)
    assert old.state == REFUSED and old.code == upd.EX_DOWNGRADE and downloads.calls == []
    bad_hash = publish(cloud, signer, "1.3.0") | {"sha256": "0" * 64}
    res = offers.handle(as_offer(bad_hash), 2.0)
    assert res.state == REFUSED and res.code == upd.EX_DOWNLOAD and "sha256" in res.reason
    assert offers.handle(as_offer(bad_hash), 3.0).state == REFUSED
    assert len(downloads.calls) == 1
    assert [h["code"] for h in history(state) if h["result"] == "refused"] == [12, 17]


def test_a_wrong_architecture_is_refused(cloud, kiosk, signer):
    _layout, _state, offers = kiosk
    other = "arm64" if this_arch() != "arm64" else "amd64"
    deb = make_deb(cloud.published, "1.4.0", arch=other)  # type: ignore[attr-defined]
    body = deb.read_bytes()
    offer = ReleaseOffer("1.4.0", f"{cloud.url}/releases/{deb.name}", len(body),
                         hashlib.sha256(body).hexdigest(), signer.sign(deb).read_text())  # fmt: skip
    res = offers.handle(offer, 1.0)
    assert res.state == REFUSED and res.code == upd.EX_WRONG_ARCH


def test_an_unreachable_download_is_retried_with_backoff_not_in_a_loop(
    cloud, kiosk, signer, monkeypatch
):
    _layout, _state, offers = kiosk
    body = publish(cloud, signer, "1.5.0")
    cloud.stop()  # the network is gone
    downloads = Downloads(monkeypatch)
    offer = as_offer(body)
    first = offers.handle(offer, 1000.0)
    assert first.state == RETRY and first.retry_at is not None and first.retry_at >= 1030.0
    assert offers.handle(offer, first.retry_at - 1).state == RETRY
    assert len(downloads.calls) == 1  # not before its time
    cloud.start(timeout=60)
    assert offers.handle(offer, first.retry_at).state == PENDING
    assert len(downloads.calls) == 2


def test_a_newer_offer_replaces_a_pending_one_and_its_files(cloud, kiosk, signer):
    _layout, state, offers = kiosk
    assert offers.handle(as_offer(publish(cloud, signer, "1.1.0")), 1.0).state == PENDING
    first = Store(state).pending()
    assert offers.handle(as_offer(publish(cloud, signer, "1.2.0")), 2.0).state == PENDING
    assert Store(state).pending()["version"] == "1.2.0"
    assert not (state / "update" / "downloads" / first["deb"].rsplit("/", 1)[-1]).exists()
    older = offers.handle(as_offer(publish(cloud, signer, "1.1.5")), 3.0)
    assert older.state == IGNORED and "newer 1.2.0 is already pending" in older.reason


def test_the_refserver_file_route_resumes_a_cut_download(cloud, signer, tmp_path):
    """The cloud's own release files honour Range: the kiosk's download resumes on them."""
    from kiosk.api.release_download import RateLimit, download

    body = publish(cloud, signer, "1.6.0")
    dest = tmp_path / "got.deb"
    part = dest.with_name(dest.name + ".part")
    whole = requests.get(body["url"], timeout=5).content
    part.write_bytes(whole[: len(whole) // 2])
    got = download(body["url"], dest, size=body["size"], sha256=body["sha256"], limit=RateLimit(0))
    assert got.resumed_from == len(whole) // 2 and dest.read_bytes() == whole


def test_a_withdrawn_offer_is_no_longer_pending_but_a_technicians_is(cloud, kiosk, signer):
    _layout, state, offers = kiosk
    shop = cloud.shop("Withdraw shop")
    client = LoyaltyClient(cloud.url, cloud.pair_device(shop_id=shop))
    worker = OfferWorker(offers)
    made = cloud.admin(
        "POST", "/admin/releases", publish(cloud, signer, "1.1.0") | {"shop_id": shop}
    )
    device, _tag = client.device_if_changed(None)
    worker.offer(device.release)
    wait_for(lambda: worker.handled >= 1)
    pending = Store(state).pending()
    assert pending is not None and pending["version"] == "1.1.0"

    cloud.admin("DELETE", f"/admin/releases/{made['id']}")
    device, _tag = client.device_if_changed(None)
    assert device.release is None
    worker.offer(device.release)
    worker.stop()
    assert Store(state).pending() is None
    assert not (state / "update" / "downloads" / pending["deb"].rsplit("/", 1)[-1]).exists()
    assert offer_mod.load_state(Store(state)).reason == "withdrawn by the cloud"

    Store(state).save_pending({"version": "1.1.0", "deb": "/x.deb", "signature": "/x.deb.minisig"})
    assert offers.withdrawn(5.0) is False and Store(state).pending() is not None


def test_apply_pending_keeps_the_release_while_the_last_update_is_on_trial(
    cloud, kiosk, signer, monkeypatch, capsys
):
    from kiosk.appliance.updates.trial import Trial

    layout, state, offers = kiosk
    layout.install(make_deb(cloud.published, "1.0.5"), "1.0.5")
    layout.switch("1.0.5", "1.0.0")
    Store(state).save_trial(Trial("1.0.5", "1.0.0", 1.0, 120))  # not READY yet
    assert offers.handle(as_offer(publish(cloud, signer, "1.2.0")), 1.0).state == PENDING
    monkeypatch.setattr(upd, "is_root", lambda: True)
    monkeypatch.setenv("KIOSK__UPDATE__WINDOW", "")
    assert main(["update", "--apply-pending", "--no-restart"]) == 0
    assert "waits" in capsys.readouterr().out
    assert layout.current() == "1.0.5" and Store(state).pending()["version"] == "1.2.0"
    Store(state).clear_trial()  # it passed
    assert main(["update", "--apply-pending", "--no-restart"]) == 0
    assert layout.current() == "1.2.0" and Store(state).pending() is None


def test_apply_pending_drops_a_pending_file_that_fails_its_check(
    cloud, kiosk, signer, monkeypatch, capsys
):
    _layout, state, offers = kiosk
    assert offers.handle(as_offer(publish(cloud, signer, "1.2.0")), 1.0).state == PENDING
    pending = Store(state).pending()
    with open(pending["deb"], "r+b") as f:  # changed on disk after the kiosk verified it
        f.seek(100)
        f.write(b"X")
    monkeypatch.setattr(upd, "is_root", lambda: True)
    monkeypatch.setenv("KIOSK__UPDATE__WINDOW", "")
    assert main(["update", "--apply-pending", "--no-restart"]) == upd.EX_BAD_SIGNATURE
    assert Store(state).pending() is None  # not tried again at every timer run


def test_apply_pending_follows_the_window_the_shop_set_in_the_cloud(
    cloud, kiosk, signer, monkeypatch, capsys
):
    """[update] window from GET /device settings (issue 19) reaches root's timer run."""
    from kiosk.cloud_settings import CloudStore, Stored

    layout, state, offers = kiosk
    assert offers.handle(as_offer(publish(cloud, signer, "1.2.0")), 1.0).state == PENDING
    monkeypatch.setattr(upd, "is_root", lambda: True)
    monkeypatch.delenv("KIOSK__UPDATE__WINDOW")
    now = datetime.now()
    shut = f"{(now.hour + 2) % 24:02d}:00-{(now.hour + 3) % 24:02d}:00"  # not now
    CloudStore(state).save(Stored(good={"update": {"window": shut}}))
    assert main(["update", "--apply-pending", "--no-restart"]) == 0
    assert f"waits for the window {shut}" in capsys.readouterr().out
    assert layout.current() == "1.0.0"
