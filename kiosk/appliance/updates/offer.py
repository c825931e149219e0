"""A release offered by the cloud (GET /device `release`): fetched, verified, made pending.

What `kiosk run` does with an offer, in a background thread (a 150 MB download at a capped
rate must never hold up a scan): decide whether it is worth fetching at all, download it
with the resumable, size- and hash-checked, rate-limited download of `kiosk update URL`,
verify it with the very checks of `kiosk update` (signature against /etc/kiosk/release-keys,
architecture, downgrade), and stage it as pending. Root's kiosk-update.timer then applies it
inside `[update] window` with nobody at the kiosk (`kiosk update --apply-pending`, which
verifies it once more), and the health gate keeps or rolls back what it switched to.

Why the decisions are remembered in update/offer.json: an offer stays in GET /device for
weeks. A refused one (bad signature, downgrade, wrong architecture, hash mismatch) is
recorded once with its reason and never fetched again until the cloud offers something
else; a release that rolled back on this kiosk is never offered to the switch again unless
the cloud offers a new version; a network failure is retried with backoff, not in a loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.api.models import ReleaseOffer
from kiosk.api.release_download import DownloadError, RateLimit, download, signature_file
from kiosk.appliance.updates import apply as upd
from kiosk.appliance.updates import debversion
from kiosk.appliance.updates.package import this_arch
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.signing import trusted_keys
from kiosk.appliance.updates.trial import Store
from kiosk.backoff import Backoff
from kiosk.files.atomic import write_atomic

log = logging.getLogger(__name__)

OFFER_FILE = "offer.json"
DOWNLOADS = "downloads"
FAILED_RESULTS = {"rolled-back"}
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~-]{0,150}\.deb$")

# what became of an offer (offer.json "state")
FETCHING, PENDING, REFUSED, IGNORED, RETRY = "fetching", "pending", "refused", "ignored", "retry"


def offer_key(offer: ReleaseOffer) -> str:
    """One offer's identity: any change in the cloud's announcement is a new offer."""
    raw = json.dumps(asdict(offer), sort_keys=True).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


@dataclass
class OfferState:
    """update/offer.json: the last offer seen and what became of it (status, doctor)."""

    key: str
    version: str
    url: str
    state: str
    reason: str = ""
    code: int | None = None
    at: float = 0.0
    attempts: int = 0
    retry_at: float | None = None
    extra: dict[str, Any] = field(default_factory=dict[str, Any])

    @classmethod
    def from_json(cls, data: Any) -> OfferState | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})  # type: ignore[arg-type]
        except TypeError:
            return None


def load_state(store: Store) -> OfferState | None:
    try:
        return OfferState.from_json(json.loads((store.dir / OFFER_FILE).read_text()))
    except (OSError, ValueError):
        return None


def save_state(store: Store, state: OfferState) -> None:
    store.dir.mkdir(parents=True, exist_ok=True)
    write_atomic(store.dir / OFFER_FILE, json.dumps(asdict(state), indent=1, sort_keys=True), 0o640)


def failed_versions(store: Store) -> set[str]:
    """Versions that rolled back on this kiosk (update/history.jsonl)."""
    failed: set[str] = set()
    with contextlib.suppress(OSError):
        for line in (store.dir / "history.jsonl").read_text().splitlines():
            with contextlib.suppress(ValueError, AttributeError):
                entry = json.loads(line)
                if entry.get("result") in FAILED_RESULTS and entry.get("version"):
                    failed.add(str(entry["version"]))
    return failed


def assess(
    offer: ReleaseOffer, current: str, pending: dict[str, Any] | None, failed: set[str]
) -> tuple[str, str, int | None]:
    """Before any download: ("fetch" | IGNORED | REFUSED, why, exit code of a refusal)."""
    if offer.version == current:
        return IGNORED, f"{offer.version} is running", None
    if pending is not None and pending.get("version") == offer.version:
        return IGNORED, f"{offer.version} is already pending", None
    if pending is not None and debversion.compare(offer.version, str(pending.get("version"))) < 0:
        return IGNORED, f"the newer {pending.get('version')} is already pending", None
    if offer.version in failed:
        return IGNORED, (f"{offer.version} rolled back on this kiosk; not tried again "
                         "until the cloud offers another version"), None  # fmt: skip
    if debversion.compare(offer.version, current) < 0:
        return REFUSED, (f"{offer.version} is older than the running {current}: an offer "
                         "never downgrades (a technician can: kiosk update --allow-downgrade)"), upd.EX_DOWNGRADE  # fmt: skip
    return "fetch", "", None


def offers_of(settings: Any) -> Offers:
    """The Offers of a kiosk's settings ([update] and [device] state_dir)."""
    cfg = settings.update
    return Offers(cfg.releases_dir, settings.device.state_dir, cfg.keys_dir, cfg.max_rate_kib_s)


@dataclass
class Offers:
    """The kiosk's side of offers: one call of `handle` per offer seen (or retry due)."""

    releases_dir: Path
    state_dir: Path
    keys_dir: Path
    max_rate_kib_s: int
    arch: Callable[[], str] = this_arch
    backoff: Backoff = field(default_factory=lambda: Backoff(base_s=60.0, cap_s=3600.0))

    @property
    def store(self) -> Store:
        return Store(self.state_dir)

    def current(self) -> str:
        return Layout(self.releases_dir).current() or __version__

    def handle(self, offer: ReleaseOffer, now: float) -> OfferState:
        """What to do with `offer` now; the state saved in update/offer.json."""
        store, key = self.store, offer_key(offer)
        before = load_state(store)
        if before is not None and before.key == key:
            if before.state == REFUSED:
                return before  # recorded once; never again until the offer changes
            if before.state == RETRY and before.retry_at is not None and now < before.retry_at:
                return before
        if Layout(self.releases_dir).current() is None:
            action, why, code = (
                IGNORED,
                f"not installed from the .deb (no {self.releases_dir}/current)",
                None,
            )
        else:
            action, why, code = assess(
                offer, self.current(), store.pending(), failed_versions(store)
            )
        attempts = before.attempts if before is not None and before.key == key else 0
        state = OfferState(key, offer.version, offer.url, action, why, code, now, attempts)
        if action == REFUSED:
            return self._refuse(store, state, offer)
        if action == IGNORED:
            if before is None or (before.key, before.state, before.reason) != (key, IGNORED, why):
                save_state(store, state)
            return state
        return self._fetch(store, state, offer)

    def withdrawn(self, now: float) -> bool:
        """The cloud offers nothing (any more): a cloud release still pending is dropped,
        so an operator who withdraws a bad release before the window keeps it off the
        kiosks. One queued by a technician (`kiosk update --later`) stays."""
        store = self.store
        pending = store.pending()
        if pending is None or pending.get("source") != "cloud":
            return False
        store.clear_pending()
        _drop_files(pending)
        before = load_state(store)
        if before is not None:
            before.state, before.reason, before.at = IGNORED, "withdrawn by the cloud", now
            save_state(store, before)
        log.info("offered release %s withdrawn by the cloud; no longer pending", pending["version"])
        return True

    def _refuse(self, store: Store, state: OfferState, offer: ReleaseOffer) -> OfferState:
        state.state = REFUSED
        save_state(store, state)
        store.record({"result": "refused", "version": offer.version, "source": "cloud",
                      "file": offer.url.rsplit("/", 1)[-1], "reason": state.reason,
                      "code": state.code, "at": state.at})  # fmt: skip
        log.warning("offered release %s refused: %s", offer.version, state.reason)
        return state

    def _fetch(self, store: Store, state: OfferState, offer: ReleaseOffer) -> OfferState:
        folder = store.dir / DOWNLOADS
        folder.mkdir(parents=True, exist_ok=True)
        name = offer.url.rsplit("/", 1)[-1].split("?")[0]
        deb = folder / (name if _SAFE_NAME.match(name) else f"offered_{state.key}.deb")
        sig = upd.signature_path(deb)
        state.state = FETCHING
        state.attempts += 1
        save_state(store, state)
        log.info("downloading offered release %s (%d bytes)", offer.version, offer.size)
        try:
            download(offer.url, deb, size=offer.size, sha256=offer.sha256,
                     limit=RateLimit(self.max_rate_kib_s * 1024))  # fmt: skip
            signature_file(offer.signature, sig)
        except DownloadError as exc:
            if exc.retry:
                return self._retry(store, state, str(exc))
            state.reason, state.code = str(exc), upd.EX_DOWNLOAD
            return self._refuse(store, state, offer)
        except OSError as exc:  # a full disk: try again later, like a network failure
            return self._retry(store, state, f"could not store the download: {exc}")
        try:
            checked = upd.check(deb, sig, trusted_keys(self.keys_dir), self.current(),
                                self.arch())  # fmt: skip
        except upd.Refused as exc:
            for path in (deb, sig):
                path.unlink(missing_ok=True)  # a refused file is not kept
            state.reason, state.code = exc.message, exc.code
            return self._refuse(store, state, offer)
        _drop_files(store.pending(), keep=deb)
        store.save_pending({"version": checked.info.version, "deb": str(deb.resolve()),
                            "signature": str(sig.resolve()), "at": state.at,
                            "source": "cloud", "key": checked.key_id})  # fmt: skip
        state.state, state.reason = PENDING, f"downloaded and verified (key {checked.key_id})"
        state.retry_at = None
        save_state(store, state)
        log.info("offered release %s verified and pending", checked.info.version)
        return state

    def _retry(self, store: Store, state: OfferState, why: str) -> OfferState:
        state.state, state.reason = RETRY, why
        state.retry_at = state.at + self.backoff.delay(state.attempts)
        save_state(store, state)
        log.info("offered release %s not downloaded (%s); again in %.0f s",
                 state.version, why, state.retry_at - state.at)  # fmt: skip
        return state


def _drop_files(pending: dict[str, Any] | None, keep: Path | None = None) -> None:
    """A cloud download replaced or withdrawn is not kept (an SD card is small); a file a
    technician queued is theirs."""
    if pending is None or pending.get("source") != "cloud" or pending.get("deb") == str(keep):
        return
    for name in ("deb", "signature"):
        with contextlib.suppress(OSError, TypeError):
            Path(pending[name]).unlink(missing_ok=True)


class OfferWorker:
    """One background thread: takes the newest offer from the settings poller and works
    on it (download included) without ever blocking the caller; retries when due."""

    def __init__(self, offers: Offers, clock: Callable[[], float] = time.time) -> None:
        self.offers, self.clock = offers, clock
        self._latest: ReleaseOffer | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.handled = 0  # offers worked on (tests wait on it)

    def offer(self, release: ReleaseOffer | None) -> None:
        """From the GET /device poller: returns at once (the work is the thread's)."""
        self._latest = release
        if release is None:
            with contextlib.suppress(OSError):
                self.offers.withdrawn(self.clock())  # a few file operations, no network
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="release-offer", daemon=True)
            self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        wait: float | None = None
        while not self._stop.is_set():
            self._wake.wait(wait)
            self._wake.clear()
            if self._stop.is_set():
                return
            release, wait = self._latest, None
            if release is None:
                continue
            try:
                state = self.offers.handle(release, self.clock())
            except Exception:  # never let an offer take the kiosk down; try later
                log.exception("release offer %s failed", release.version)
                wait = 3600.0
            else:
                if state.state == RETRY and state.retry_at is not None:
                    wait = max(1.0, state.retry_at - self.clock())
            self.handled += 1

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
