"""The ONE stamp path (scan -> saved -> sent -> told), used by the UI flows and `kiosk stamp`.

Order of events for a stamp, and why:
1. The idempotency key is taken at the scan (the caller may pass it), so every replay of
   this customer action, by anyone, at any time, is the same action for the server.
2. The row is written to the outbox and fsynced BEFORE anything is told to anyone. If the
   disk refuses (full, read-only, outbox full), the customer hears the truth: not saved.
3. The row is sent at once, and the answer is awaited up to `offline.degraded_deadline_ms`:
   - answered in time: ADDED (or COOLDOWN / CARD_NOT_FOUND, recorded with the reason);
   - no network / 5xx: SAVED_PENDING at once ("saved and will be added");
   - slow: SAVED_PENDING at the deadline; the send goes on and the sync worker finishes it.
Offline, a card is known by its token only: the row is queued "by token" and the worker
resolves the card at sync time. The card cache shows the last known progress meanwhile,
with the pending stamps marked as pending.

Redemption spends value, so `RedeemService` needs the cloud unless
`offline.allow_offline_redeem` is set (then only self-redeem vouchers of a card seen
before, queued through the same outbox with the same key; the risk is in docs/offline.md).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.api import errors
from kiosk.api.client import LoyaltyClient
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import Card, StampResult, Voucher
from kiosk.backoff import Backoff
from kiosk.card_cache import CardCache, to_jsonable
from kiosk.clock import Clock, SystemClock
from kiosk.config import Settings
from kiosk.outbox import (
    OpKind,
    OpState,
    Outbox,
    OutboxError,
    OutboxFull,
    card_lane,
    voucher_lane,
)
from kiosk.outbox_sync import PHONE_PREFIX, Attempt, Outcome, SyncWorker, attempt_from_stored

# The outcome types are kiosk.outcomes' (one vocabulary with the customer flow); callers
# that import them from here get the very same classes.
from kiosk.outcomes import (
    RedeemKind,
    RedeemOutcome,
    StampKind,
    StampOutcome,
    redeem_refusal,
)

# A token is untrusted scan text: bounded, and only characters a URL segment keeps as is.
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_.~-]{1,256}$")
# A phone stamp's row names the number's keyed hash under PHONE_PREFIX (a scanned code
# that starts with it is refused, so only the phone pad makes such rows).
_PHONE_HASH_RE = re.compile(r"^[0-9a-f]{64}$")


def is_phone_token(token: str) -> bool:
    return token.startswith(PHONE_PREFIX)


def stamp_outcome_json(o: StampOutcome) -> dict[str, Any]:
    """The outcome as `kiosk stamp --json` prints it."""
    return {
        "outcome": str(o.kind),
        "acknowledged": o.acknowledged,
        "idempotency_key": o.key,
        "op_id": o.op_id,
        "stamp_id": o.result.stamp_id if o.result else None,
        "card": to_jsonable(o.card) if o.card else None,
        "unlocked_vouchers": to_jsonable(list(o.unlocked)),
        "pending": o.pending,
        "next_stamp_at": o.next_stamp_at.isoformat() if o.next_stamp_at else None,
        "reason": o.reason,
        "card_as_of": o.card_as_of.isoformat() if o.card_as_of else None,
    }


def valid_token(token: str) -> bool:
    return bool(_TOKEN_RE.match(token or ""))


class _OutboxBacked:
    """What both customer actions stand on: the client, the durable outbox, the card cache.

    Why a shared base: a stamp and a redemption take the same parts in the same order, and
    the kiosk, the CLI and the tests build both with one call (open_services).
    """

    def __init__(
        self,
        client: LoyaltyClient,
        outbox: Outbox,
        cache: CardCache | None,
        settings: Settings,
        clock: Clock | None = None,
        *,
        worker: SyncWorker | None = None,
    ) -> None:
        self.client = client
        self.outbox = outbox
        self.cache = cache
        self.settings = settings
        self.clock: Clock = clock or SystemClock()
        self.worker = worker
        self._ready()

    def _ready(self) -> None:
        """The service's own state, set up after the shared parts."""


class StampService(_OutboxBacked):
    """Scan -> durable row -> send with a deadline -> outcome (see the module doc)."""

    def _ready(self) -> None:
        settings = self.settings
        if self.worker is None:
            self.worker = make_worker(settings, self.outbox, self.client, self.cache, self.clock)
        self.deadline_s = settings.offline.degraded_deadline_ms / 1000
        # The program's cooldown as the cloud told it (GET /device); lets an offline kiosk
        # say "already stamped" for a second scan instead of queueing a certain reject.
        self.cooldown_hint_s: float | None = None

    def stamp(
        self, card_token: str, *, scanned_at: datetime, key: str | None = None
    ) -> StampOutcome:
        if not valid_token(card_token) or is_phone_token(card_token):
            return StampOutcome(StampKind.INVALID, reason="not_a_card_token")
        replay = key is not None and self._known_key(key)
        key = key or new_idempotency_key()
        local = None if replay else self._local_refusal(card_token, scanned_at)
        if local is not None:
            return local
        cached = self.cache.card(card_token) if self.cache else None
        return self._save_and_send(card_token, scanned_at, key, cached.id if cached else None)

    def stamp_phone(
        self, phone_hash: str, *, scanned_at: datetime, key: str | None = None
    ) -> StampOutcome:
        """A stamp for a typed phone number, known here only by its keyed hash
        (kiosk.phone_numbers): the outbox row holds `phone.<hash>`, never the number, and
        the answer is the cloud's masked card, which is never cached."""
        if not _PHONE_HASH_RE.match(phone_hash or ""):
            return StampOutcome(StampKind.INVALID, reason="not_a_phone_hash")
        return self._save_and_send(
            PHONE_PREFIX + phone_hash, scanned_at, key or new_idempotency_key(), None
        )

    def _save_and_send(
        self, card_token: str, scanned_at: datetime, key: str, card_id: str | None
    ) -> StampOutcome:
        try:
            op = self.outbox.enqueue(
                kind=OpKind.STAMP,
                lane=card_lane(card_token),
                key=key,
                occurred_at=scanned_at,
                card_token=card_token,
                card_id=card_id,
            )
        except OutboxFull:
            return StampOutcome(StampKind.NOT_SAVED, key=key, reason="outbox_full")
        except OutboxError as exc:
            return StampOutcome(StampKind.NOT_SAVED, key=key, reason=exc.reason)
        # From here on the stamp is the customer's: every path below acknowledges it or
        # reports the cloud's own permanent answer.
        attempt = attempt_from_stored(op) if op.state != OpState.PENDING else None
        if attempt is None:
            waiter = self.worker.send_now(op)
            attempt = waiter.wait(self.deadline_s)
            if attempt is None:
                self.worker.forget(waiter)
                return self._pending(op.id, key, card_token, "slow")
        return self._from_attempt(attempt, op.id, key, card_token)

    def _known_key(self, key: str) -> bool:
        """A replay of a stamp already saved: its own stored fate wins over any local guess."""
        try:
            return self.outbox.by_key(key) is not None
        except OutboxError:
            return False

    def _local_refusal(self, token: str, scanned_at: datetime) -> StampOutcome | None:
        """A cooldown or a reached daily limit the kiosk already knows of (or None)."""
        return self._local_cooldown(token, scanned_at) or self._local_daily_limit(token, scanned_at)

    def _local_daily_limit(self, token: str, scanned_at: datetime) -> StampOutcome | None:
        """Today's stamps reached the program's daily limit, counted from the cached card
        (the cloud's count when it last answered) plus this kiosk's stamps still waiting.
        Works offline; the cloud stays the authority (its count can only grow in a day)."""
        card = self.cache.card(token) if self.cache else None
        if card is None or card.daily_limit is None or card.day_ends_at is None:
            return None
        if scanned_at >= card.day_ends_at:
            return None  # the cached count is of an earlier day
        day_start = card.day_ends_at - timedelta(days=1)
        try:
            pending = self.outbox.pending_stamps(token)
        except OutboxError:
            pending = []
        waiting = sum(1 for p in pending if p.occurred_at >= day_start)
        if card.today_stamps + waiting < card.daily_limit:
            return None
        return StampOutcome(
            StampKind.DAILY_LIMIT,
            card=card,
            next_stamp_at=card.day_ends_at,
            pending=len(pending),
            reason="local",
        )

    def _local_cooldown(self, token: str, scanned_at: datetime) -> StampOutcome | None:
        """Spare a round trip the cloud would refuse anyway; the cloud stays the authority."""
        card = self.cache.card(token) if self.cache else None
        if card is not None and card.next_stamp_at and card.next_stamp_at > scanned_at:
            return StampOutcome(
                StampKind.COOLDOWN, card=card, next_stamp_at=card.next_stamp_at, reason="local"
            )
        if not self.cooldown_hint_s:
            return None
        try:
            pending = self.outbox.pending_stamps(token)
        except OutboxError:
            return None
        if pending:
            last = max(p.occurred_at for p in pending)
            next_at = last + timedelta(seconds=self.cooldown_hint_s)
            if next_at > scanned_at:
                return StampOutcome(
                    StampKind.COOLDOWN,
                    card=card,
                    next_stamp_at=next_at,
                    pending=len(pending),
                    reason="local",
                )
        return None

    def _from_attempt(self, a: Attempt, op_id: int, key: str, token: str) -> StampOutcome:
        if a.outcome == Outcome.DONE and isinstance(a.result, StampResult):
            self._remember(token, a.result.card)
            return StampOutcome(
                StampKind.ADDED,
                key=key,
                op_id=op_id,
                result=a.result,
                card=a.result.card,
                unlocked=a.result.unlocked_vouchers,
                pending=self._pending_count(token),
                lottery=a.result.lottery,
            )
        if a.outcome == Outcome.REJECTED:
            err = a.error
            if isinstance(err, errors.CooldownActive):
                return StampOutcome(
                    StampKind.COOLDOWN,
                    key=key,
                    op_id=op_id,
                    card=self.cache.card(token) if self.cache else None,
                    next_stamp_at=err.next_stamp_at,
                    reason=err.code,
                )
            if isinstance(err, errors.DailyLimitReached):
                return StampOutcome(
                    StampKind.DAILY_LIMIT,
                    key=key,
                    op_id=op_id,
                    card=self.cache.card(token) if self.cache else None,
                    next_stamp_at=err.next_day_at,
                    reason=err.code,
                )
            if isinstance(err, errors.NotFound):
                return StampOutcome(StampKind.CARD_NOT_FOUND, key=key, op_id=op_id, reason=err.code)
            return StampOutcome(
                StampKind.REJECTED, key=key, op_id=op_id, reason=err.code if err else "rejected"
            )
        reason = "offline" if isinstance(a.error, errors.Offline) else "server_error"
        return self._pending(op_id, key, token, reason)

    def _remember(self, token: str, card: Card) -> None:
        """The card as the cloud just answered, into the cache NOW: the sync worker caches
        it too, but only after telling us, and `kiosk stamp` may exit in between (the cache
        then showed progress from before this stamp). Only when no later stamp of this card
        waits: then the worker's own write, after the last one, is the newer one."""
        if is_phone_token(token):
            return  # a phone stamp's card is masked, and a number is never cached
        if self.cache is not None and self._pending_count(token) == 0:
            self.cache.put(token, card)

    def _pending_count(self, token: str) -> int:
        try:
            return self.outbox.pending_count(card_lane(token))
        except OutboxError:
            return 0

    def _pending(self, op_id: int, key: str, token: str, reason: str) -> StampOutcome:
        known = self.cache.get(token) if self.cache and not is_phone_token(token) else None
        return StampOutcome(
            StampKind.SAVED_PENDING,
            key=key,
            op_id=op_id,
            card=known[0] if known else None,
            pending=max(1, self._pending_count(token)),
            reason=reason,
            card_as_of=known[1] if known else None,
        )


# -- redemption ------------------------------------------------------------------------


class RedeemService(_OutboxBacked):
    """Self-redeem a voucher: the cloud decides, unless offline redemption is allowed."""

    KEY_MEMORY_S = 900.0

    def _ready(self) -> None:
        self._keys: dict[str, tuple[str, datetime, float]] = {}
        self._lock = threading.Lock()

    def _key_for(
        self, voucher_id: str, key: str | None, scanned_at: datetime
    ) -> tuple[str, datetime]:
        """Reuse the key (and scan time: the server checks the replay is the same request)
        of an unanswered attempt on the same voucher: if that one applied after all, the
        server answers "redeemed" (its first answer), not "already redeemed"."""
        if key:
            return key, scanned_at
        now = self.clock.monotonic()
        with self._lock:
            remembered = self._keys.get(voucher_id)
            if remembered and now - remembered[2] < self.KEY_MEMORY_S:
                return remembered[0], remembered[1]
            fresh = new_idempotency_key()
            self._keys[voucher_id] = (fresh, scanned_at, now)
            return fresh, scanned_at

    def _settled(self, voucher_id: str) -> None:
        with self._lock:
            self._keys.pop(voucher_id, None)

    def redeem(
        self, voucher_id: str, *, scanned_at: datetime, key: str | None = None
    ) -> RedeemOutcome:
        key, scanned_at = self._key_for(voucher_id, key, scanned_at)
        try:
            queued = self.outbox.pending_redeem(voucher_id)
        except OutboxError:
            queued = None
        if queued is not None:
            self._settled(voucher_id)
            return RedeemOutcome(RedeemKind.ALREADY_REDEEMED, key, reason="redeemed_here_offline")
        try:
            voucher = self.client.redeem(voucher_id, idempotency_key=key, occurred_at=scanned_at)
        except errors.ApiError as exc:
            return self._failed(voucher_id, key, scanned_at, exc)
        self._settled(voucher_id)
        if self.cache:
            self.cache.update_voucher(voucher)
        return RedeemOutcome(RedeemKind.REDEEMED, key, voucher)

    def _failed(
        self, voucher_id: str, key: str, scanned_at: datetime, exc: errors.ApiError
    ) -> RedeemOutcome:
        if not exc.retryable:
            self._settled(voucher_id)
            return RedeemOutcome(redeem_refusal(exc), key, reason=exc.code)
        offline_ok = self._offline_voucher(voucher_id, scanned_at)
        if offline_ok is None:
            return RedeemOutcome(RedeemKind.NEEDS_CLOUD, key, reason=exc.code)
        voucher, token = offline_ok
        try:
            # The SAME key as the attempt that just failed: if it applied after all, the
            # queued replay gets the first answer instead of a second redemption.
            self.outbox.enqueue(
                kind=OpKind.REDEEM,
                lane=voucher_lane(voucher_id),
                key=key,
                occurred_at=scanned_at,
                card_token=token,
                card_id=voucher.card_id,
                voucher_id=voucher_id,
            )
        except OutboxError as err:
            return RedeemOutcome(RedeemKind.NOT_SAVED, key, voucher, reason=err.reason)
        self._settled(voucher_id)
        redeemed = replace(voucher, state="redeemed", redeemed_at=scanned_at)
        if self.cache:
            self.cache.update_voucher(redeemed)
        if self.worker:
            self.worker.wake()
        return RedeemOutcome(RedeemKind.REDEEMED_OFFLINE, key, redeemed, reason=exc.code)

    def _offline_voucher(self, voucher_id: str, at: datetime) -> tuple[Voucher, str] | None:
        """A voucher this kiosk may redeem without the cloud, or None (then it needs it).

        Only with the setting on, only a self-redeem voucher of a card seen before (issued
        staff vouchers and free codes always need the cloud), only while usable and valid.
        """
        if not self.settings.offline.allow_offline_redeem or self.cache is None:
            return None
        hit = self.cache.voucher(voucher_id)
        if hit is None:
            return None
        voucher, token = hit
        if voucher.redemption != "self_redeem" or not voucher.card_id or not voucher.is_usable:
            return None
        if voucher.valid_until is not None and voucher.valid_until < at:
            return None
        return voucher, token


# -- wiring ----------------------------------------------------------------------------


class NotPaired(Exception):
    """No device token: this kiosk is not paired with a shop (`kiosk provision`)."""


def read_device_token(settings: Settings) -> str:
    path = Path(settings.device.token_path)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise NotPaired(f"no device token at {path}: run 'kiosk provision' first") from exc
    if not token:
        raise NotPaired(f"the device token file {path} is empty: run 'kiosk provision'")
    return token


def make_client(settings: Settings, token: str) -> LoyaltyClient:
    """The outbox's own client: no inner retries (the outbox owns retrying, with backoff)."""
    verify: bool | str = (
        str(settings.server.ca_bundle) if settings.server.ca_bundle else settings.server.verify_tls
    )
    return LoyaltyClient(
        settings.server.url,
        token,
        connect_timeout=settings.server.connect_timeout_s,
        read_timeout=settings.server.read_timeout_s,
        retries=0,
        verify_tls=verify,
    )


def make_worker(
    settings: Settings,
    outbox: Outbox,
    client: LoyaltyClient,
    cache: CardCache | None,
    clock: Clock | None = None,
) -> SyncWorker:
    off = settings.offline
    # A claim must outlive the slowest attempt, or a second sender could start the same row.
    lease = settings.server.connect_timeout_s + settings.server.read_timeout_s + 10
    return SyncWorker(
        outbox,
        client,
        cache=cache,
        clock=clock,
        backoff=Backoff(base_s=off.retry_base_s, cap_s=off.retry_max_s),
        concurrency=off.sync_concurrency,
        lease_s=lease,
        poll_s=off.sync_poll_s,
        degraded_after_s=off.degraded_deadline_ms / 1000,
    )


@dataclass
class Services:
    """Everything the stamp path needs, opened from the settings (CLI and app)."""

    settings: Settings
    client: LoyaltyClient
    outbox: Outbox
    cache: CardCache
    worker: SyncWorker
    stamps: StampService
    redeems: RedeemService

    def close(self) -> None:
        self.worker.stop(timeout=2)
        self.outbox.close()
        self.cache.close()


def open_services(settings: Settings, clock: Clock | None = None) -> Services:
    """Open outbox, cache, client and worker (not started) for this kiosk."""
    token = read_device_token(settings)
    state = Path(settings.device.state_dir)
    client = make_client(settings, token)
    outbox = Outbox(
        state,
        max_rows=settings.offline.outbox_max_rows,
        min_free_bytes=int(settings.offline.min_free_mb * (1 << 20)),
    )
    cache = CardCache(state, size=settings.offline.card_cache_size)
    worker = make_worker(settings, outbox, client, cache, clock)
    stamps = StampService(client, outbox, cache, settings, clock, worker=worker)
    redeems = RedeemService(client, outbox, cache, settings, clock, worker=worker)
    return Services(settings, client, outbox, cache, worker, stamps, redeems)
