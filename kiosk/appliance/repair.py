"""Re-pairing a PAIRED kiosk with another shop, from the technician screen.

A paired kiosk ignores pairing QRs from customers (kiosk.flows.pairing); moving it to
another shop is the technician's act, so it lives behind the technician PIN. This module
is the part without screens: what must be true before the one-time code is spent, the
exchange itself (the very `pair_by_scan` that first pairing uses, so the token and
paired.json are written the same way: token 0600 through TokenStore, paired.json 0600 with
the token's fingerprint), and putting the old pairing back if the writing fails half-way.
The pages (confirm, wait for the scan, result) are in kiosk/flows/technician/flow.py.
After a successful exchange the card cache (the old shop's customers, for offline
display) is emptied: see forget_old_cards.

Why nothing is written before the server said yes: `pair_by_scan` exchanges the code
first and writes only with the new token in hand, so a wrong, expired or used code, or an
unreachable server, leaves the old token and paired.json untouched and the kiosk keeps
serving the old shop.

Why re-pairing is REFUSED while stamps wait in the outbox (and the rows are not kept
bound to the old token instead): the outbox (kiosk/outbox.py, <state_dir>/outbox.sqlite)
keys its rows by lane (`card:<token>` / `voucher:<id>`) and idempotency key only; no row
names the shop, the server or the device token it was taken under, and the sync worker
sends every row with whatever token the running kiosk holds. After re-pairing that is the
NEW shop's token: a stamp earned at the old shop would be sent to the new shop (or
refused there and lost for the customer). Binding rows to the old token would mean
keeping the old shop's secret on disk after the kiosk left it, a schema change in the
outbox and a second client in the sync worker, for a moment that happens once or twice
in a kiosk's life. Refusing cannot go wrong silently: the technician sees how many
stamps wait, taps "Send now" (the same drain `kiosk sync` runs, still with the old
token) and re-pairs once the count is 0. Rows the cloud refused for good (`rejected`)
are kept only for the record and are never sent again by themselves, so they do not
block (docs/technician.md says not to `kiosk outbox retry` them after re-pairing).
An outbox that cannot be read blocks too: "unknown" is not "empty".
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.appliance.provisioning import ScanPairResult, pair_by_scan
from kiosk.scan_kinds import ClassifiedScan

log = logging.getLogger(__name__)

SYNC_TIMEOUT_S = 20.0  # "Send now" waits this long for the cloud, then says what is left


@dataclass(frozen=True)
class Refusal:
    """Why re-pairing cannot start: an i18n key (technician catalog) and English detail."""

    message: str
    detail: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SyncReport:
    sent: int
    remaining: int
    error: str | None = None


class RePairer:
    """Checks, exchange and rollback for re-pairing; every outside call can be injected."""

    def __init__(
        self,
        settings: Any,
        *,
        pair: Callable[..., ScanPairResult] = pair_by_scan,
        pending: Callable[[], int] | None = None,
        sync: Callable[[], SyncReport] | None = None,
        sync_timeout_s: float = SYNC_TIMEOUT_S,
    ) -> None:
        self.settings = settings
        self.sync_timeout_s = sync_timeout_s
        self._pair = pair
        self._pending = pending or self._outbox_pending
        self._sync = sync or self._drain_outbox

    # -- the outbox of the old shop ---------------------------------------------------------

    def pending_stamps(self) -> int:
        """Operations of this shop not yet acknowledged by the cloud; raises OSError when
        the outbox cannot be read (then nobody knows, so re-pairing is refused)."""
        return self._pending()

    def _outbox_pending(self) -> int:
        """One read-only COUNT beside the running kiosk (no integrity scan: this runs on a
        touch, and a damaged file fails the query anyway, which blocks as "unknown")."""
        from kiosk.outbox import DB_NAME, corruption_warnings

        state_dir = Path(self.settings.device.state_dir)
        if corruption_warnings(state_dir):
            raise OSError("the outbox was damaged and moved aside (see kiosk doctor: outbox)")
        path = state_dir / DB_NAME
        if not path.exists():
            return 0
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
            try:
                row = conn.execute("SELECT count(*) FROM ops WHERE state = 'pending'").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise OSError(f"the outbox cannot be read ({exc})") from exc
        return int(row[0])

    def sync_now(self) -> SyncReport:
        """Send the waiting operations now, with the current (old) token. Blocking."""
        return self._sync()

    def _drain_outbox(self) -> SyncReport:
        from kiosk.stamping import open_services

        services = open_services(self.settings)
        try:
            report = services.worker.drain(timeout_s=self.sync_timeout_s)
        finally:
            services.close()
        return SyncReport(report.sent, report.remaining, report.last_error)

    # -- before the code is spent -----------------------------------------------------------

    def preflight(self, scan: ClassifiedScan) -> Refusal | None:
        """Everything that would make a successful exchange useless, checked BEFORE the
        one-time code is sent (a spent code cannot be given back)."""
        settings = self.settings
        try:
            waiting = self.pending_stamps()
        except OSError as exc:
            return Refusal("tech.repair.outbox_unreadable", str(exc))
        if waiting:
            return Refusal(
                "tech.repair.blocked", f"{waiting} operations wait", {"count": str(waiting)}
            )
        if settings.server_explicit and scan.server.rstrip("/") != settings.server.url.rstrip("/"):
            return Refusal(
                "tech.repair.wrong_server",
                f"this code is for {scan.server}, but [server] url is {settings.server.url} "
                f"({settings.server_source}). Fix: 'sudo kiosk provision', or remove [server] "
                "url from kiosk.toml",
            )
        for folder in {Path(settings.device.token_path).parent, Path(settings.device.state_dir)}:
            if not _writable(folder):
                return Refusal(
                    "tech.repair.not_writable",
                    f"the kiosk cannot write {folder} (read-only for the service). Fix: "
                    "'sudo kiosk provision' over SSH",
                )
        return None

    # -- the exchange -----------------------------------------------------------------------

    def exchange(self, scan: ClassifiedScan, now: datetime | None = None) -> ScanPairResult:
        """pair_by_scan with the old paired.json kept aside: if writing fails after the
        server accepted (disk full between the two files), the old one is put back, so
        the old token still finds its server. Raises what pair_by_scan raises."""
        from kiosk.config import PAIRED_FILE

        device = self.settings.device
        paired = Path(device.state_dir) / PAIRED_FILE
        token_path = Path(device.token_path)
        old_paired = _read_bytes(paired)
        old_token = _read_bytes(token_path)
        try:
            result = self._pair(
                scan.server,
                scan.value,
                device_name=device.name,
                token_path=token_path,
                state_dir=device.state_dir,
                now=now,
            )
        except OSError:
            if _read_bytes(token_path) == old_token:  # the new token never landed
                _restore(paired, old_paired)
            raise
        forget_old_cards(Path(device.state_dir))
        return result

    def current_shop(self) -> str:
        """The shop this kiosk serves now, for the confirm page (no network needed)."""
        from kiosk.config import PAIRED_FILE, paired_server

        if paired_server(self.settings) is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                path = Path(self.settings.device.state_dir) / PAIRED_FILE
                name = json.loads(path.read_text(encoding="utf-8")).get("location_name")
                if isinstance(name, str) and name.strip():
                    return name.strip()[:80]
        return str(self.settings.server.url)


def forget_old_cards(state_dir: Path) -> int:
    """Empty the card cache once the kiosk serves another shop.

    Why: the cache holds the old shop's customers (first name, stamps, vouchers) for
    offline display; they have no business on a kiosk that left that shop, and offline the
    new shop would show an old shop's card as if it knew it. Best effort (the cache is a
    display aid): a failure is logged, never a failed re-pairing.
    """
    from kiosk.card_cache import DB_NAME

    path = Path(state_dir) / DB_NAME
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(path, timeout=5)
        try:
            with conn:
                removed = conn.execute("DELETE FROM cards").rowcount
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.warning("card cache not emptied after re-pairing: %s", exc)
        return 0
    log.info("re-paired: %d cached cards of the old shop forgotten", removed)
    return removed


def _writable(folder: Path) -> bool:
    """True when a file could be created there (the folder may not exist yet: its parent)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK)


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _restore(path: Path, content: bytes | None) -> None:
    """Put a file back as it was (or remove it if there was none); best effort, logged."""
    try:
        if content is None:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f".{path.name}.restore.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        log.error("could not restore %s after a failed re-pairing: %s", path.name, exc)
