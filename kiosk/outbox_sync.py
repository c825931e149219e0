"""The sync worker: sends the outbox's rows to the cloud, in order per card, until acknowledged.

Rules it keeps (ARCHITECTURE section 5):
- A row is sent with the key it got at the scan, every time: the server's idempotency
  turns a replay after a timeout, a dropped answer or a kill -9 into "the first answer
  again", never a second stamp.
- A lane (one card) is strictly in order: its head is sent before anything behind it; a
  retryable failure blocks only that lane (and makes the worker go easy on the host).
- Retryable failures (no network, 5xx, garbage, 401 while re-pairing) back off
  exponentially with jitter and honour the server's `retry_after`; permanent ones
  (cooldown, card deleted, invalid) are recorded with their reason and never retried alone.
- A fresh scan is sent at once (`send_now`), whatever the backoff says: the customer is
  waiting, and it is the best probe of whether the network is back.

Threads: one background thread (`start`) wakes on new rows, on backoff expiry and every
`poll_s` (rows written by another process, e.g. a technician's `kiosk stamp`); it drains
up to `concurrency` lanes in parallel with short-lived daemon threads. Daemon on purpose:
a process exit (or kill -9) mid-request leaves the row pending and the replay is safe.
"""

from __future__ import annotations

import contextlib
import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from kiosk.api import errors
from kiosk.api.client import LoyaltyClient
from kiosk.api.models import Card, StampResult, Voucher
from kiosk.backoff import Backoff, retry_after_of
from kiosk.card_cache import CardCache, to_jsonable
from kiosk.clock import Clock, SystemClock
from kiosk.outbox import LIVE_OWNERS, ClaimBusy, Op, OpKind, OpState, Outbox, OutboxError

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    DONE = "done"
    REJECTED = "rejected"
    RETRY = "retry"


@dataclass(frozen=True)
class Attempt:
    """What one try of one row came to; waiters and progress bars get these."""

    op_id: int
    lane: str
    outcome: Outcome
    result: StampResult | Voucher | None = None
    error: errors.ApiError | None = None
    latency_s: float = 0.0

    @property
    def reason(self) -> str | None:
        return self.error.code if self.error is not None else None


# kiosk.stamping.PHONE_PREFIX (stamping imports this module, so the constant lives here too)
PHONE_PREFIX = "phone."


def is_retryable(exc: errors.ApiError) -> bool:
    """Worth trying again later with the same key (the request may even have applied)."""
    if exc.retryable:
        return True
    if isinstance(exc, errors.Unauthorized | errors.Forbidden):
        return True  # the device's problem (token revoked, re-pairing), not the stamp's
    return exc.status in (408, 425, 429)


def _for_the_record(result: StampResult | Voucher | None) -> dict[str, Any]:
    """What a done row keeps of the answer: the stamp id, what it unlocked and the card
    without its voucher list (that list grows with every round; the cache has it)."""
    data = to_jsonable(result)
    if isinstance(result, StampResult):
        data["card"]["vouchers"] = []
    return data


def attempt_from_stored(op: Op) -> Attempt | None:
    """The recorded fate of a finished row (None while it is still pending)."""
    if op.state == OpState.DONE and op.result:
        try:
            result: StampResult | Voucher = (
                StampResult.from_json(op.result)
                if op.kind == OpKind.STAMP
                else Voucher.from_json(op.result)
            )
        except (KeyError, TypeError, ValueError):
            return None
        return Attempt(op.id, op.lane, Outcome.DONE, result)
    if op.state in (OpState.REJECTED, OpState.DROPPED):
        problem = dict(op.result or {})
        problem.setdefault("code", op.reason or "rejected")
        err = errors.error_from_problem(409, problem)
        return Attempt(op.id, op.lane, Outcome.REJECTED, None, err)
    return None


class _Waiter:
    def __init__(self, op: Op) -> None:
        self.op_id = op.id
        self.lane = op.lane
        self.event = threading.Event()
        self.attempt: Attempt | None = None

    def set(self, attempt: Attempt) -> None:
        if self.attempt is None:
            self.attempt = attempt
        self.event.set()

    def wait(self, timeout: float) -> Attempt | None:
        self.event.wait(max(0.0, timeout))
        return self.attempt


@dataclass(frozen=True)
class SyncHealth:
    """What the UI footer and the heartbeat show about the queue."""

    mode: str  # online | degraded | offline
    queue_depth: int
    last_sync_at: datetime | None
    last_error: str | None
    next_retry_in_s: float | None

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "queue_depth": self.queue_depth,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
            "last_error": self.last_error,
            "next_retry_in_s": self.next_retry_in_s,
        }


@dataclass(frozen=True)
class DrainReport:
    sent: int
    rejected: int
    remaining: int
    last_error: str | None


class SyncWorker:
    """Sends pending rows; one per process (several processes may share one outbox)."""

    def __init__(
        self,
        outbox: Outbox,
        client: LoyaltyClient,
        *,
        cache: CardCache | None = None,
        clock: Clock | None = None,
        backoff: Backoff | None = None,
        concurrency: int = 2,
        lease_s: float = 30.0,
        poll_s: float = 5.0,
        degraded_after_s: float = 1.5,
    ) -> None:
        self.outbox = outbox
        self.client = client
        self.cache = cache
        self.clock: Clock = clock or SystemClock()
        self.backoff = backoff or Backoff()
        self.concurrency = max(1, concurrency)
        self.lease_s = lease_s
        self.poll_s = poll_s
        self.degraded_after_s = degraded_after_s
        self.owner = f"{os.getpid()}:{uuid.uuid4().hex[:8]}"
        LIVE_OWNERS.add(self.owner)
        self._lock = threading.Lock()
        self._lane_locks: dict[str, threading.Lock] = {}
        self._lane_due: dict[str, float] = {}
        self._lane_failures: dict[str, int] = {}
        self._host_due = 0.0
        self._host_failures = 0
        self.sync_errors = 0  # failed sends since start, for the metrics textfile
        self._waiters: dict[int, list[_Waiter]] = {}
        self._listeners: list[Callable[[Attempt], None]] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_prune = 0.0
        self.last_error: str | None = None
        self.last_latency_s: float | None = None

    # -- one row ------------------------------------------------------------------------

    def _send(self, op: Op) -> Attempt:
        started = self.clock.monotonic()
        try:
            result: StampResult | Voucher
            if op.kind == OpKind.STAMP:
                result = self._send_stamp(op)
            else:
                result = self.client.redeem(
                    str(op.voucher_id), idempotency_key=op.key, occurred_at=op.occurred_at
                )
            return Attempt(
                op.id, op.lane, Outcome.DONE, result, None, self.clock.monotonic() - started
            )
        except errors.ApiError as exc:
            outcome = Outcome.RETRY if is_retryable(exc) else Outcome.REJECTED
            return Attempt(op.id, op.lane, outcome, None, exc, self.clock.monotonic() - started)
        except Exception as exc:  # a bug must not lose the row: keep it, back off, say so
            log.exception("outbox: unexpected error sending #%d", op.id)
            err = errors.BadResponse(f"unexpected {type(exc).__name__}")
            return Attempt(op.id, op.lane, Outcome.RETRY, None, err)

    def _send_stamp(self, op: Op) -> StampResult:
        token = str(op.card_token)
        if token.startswith(PHONE_PREFIX):  # typed number: its keyed hash, resolved by the cloud
            return self.client.phone_stamp(
                token[len(PHONE_PREFIX) :], idempotency_key=op.key, occurred_at=op.occurred_at
            )
        card_id = op.card_id
        if card_id is None:
            # Queued offline by token: resolve now (a read, safe to repeat), then stamp.
            card = self.client.card_by_token(str(op.card_token))
            card_id = card.id
            if self.cache is not None:
                self.cache.put(str(op.card_token), card)
            with contextlib.suppress(OutboxError):
                self.outbox.resolve_card(str(op.card_token), card_id)
        return self.client.add_stamp(card_id, idempotency_key=op.key, occurred_at=op.occurred_at)

    def _record(self, op: Op, attempt: Attempt) -> Op | ClaimBusy | None | str:
        """Write what the cloud said (and claim the lane's next row in the same commit).

        If the disk refuses now, the row stays pending and the replay (same key) gets the
        same answer later: still exactly once. Returns the next head, or "stop".
        """
        then = (op.lane, self.owner, self.lease_s)
        try:
            if attempt.outcome == Outcome.DONE:
                nxt = self.outbox.complete(op.id, _for_the_record(attempt.result), then=then)
                if isinstance(attempt.result, Voucher) and self.cache:
                    self.cache.update_voucher(attempt.result)
                return nxt
            if attempt.outcome == Outcome.REJECTED:
                err = attempt.error
                assert err is not None
                log.warning("outbox: #%d rejected by the server: %s (%s)", op.id, err.code, err)
                return self.outbox.reject(op.id, err.code, str(err), err.problem or None, then=then)
            assert attempt.error is not None
            self.outbox.release(op.id, f"{attempt.error.code}: {attempt.error}")
        except OutboxError as exc:
            log.error("outbox: could not record the answer for #%d: %s", op.id, exc)
            self.last_error = f"storage: {exc.reason}"
        return "stop"

    # -- a lane -------------------------------------------------------------------------

    def _lane_lock(self, lane: str) -> threading.Lock:
        with self._lock:
            return self._lane_locks.setdefault(lane, threading.Lock())

    def process_lane(self, lane: str, *, only_if_due: bool = False) -> str:
        """Send a lane's rows in order until it is empty ('empty'), a row must wait
        ('blocked'), another process holds its head ('busy') or the disk fails ('storage').

        `only_if_due` (the background passes): the lane's backoff is checked again once its
        lock is held. Why: a pass picks due lanes before taking their locks, and the
        customer's own send may meanwhile get a 503 with Retry-After on the same lane;
        without the second look the pass would send again at once, against the server's word.
        """
        with self._lane_lock(lane):
            if only_if_due and not self._is_due(lane):
                return "blocked"
            try:
                head = self.outbox.claim_head(lane, self.owner, self.lease_s)
            except OutboxError as exc:
                self.last_error = f"storage: {exc.reason}"
                return "storage"
            latest: list[tuple[str, Card]] = []
            try:
                return self._drain_lane(head, latest)
            finally:
                # Draining a backlog, only the card after its last stamp is worth caching.
                # A phone row's card is masked and its lane is a number's hash: never cached.
                if latest and self.cache is not None and not lane.startswith("card:phone."):
                    self.cache.put(*latest[-1])

    def _is_due(self, lane: str) -> bool:
        now = self.clock.monotonic()
        with self._lock:
            return self._host_due <= now and self._lane_due.get(lane, 0.0) <= now

    def _drain_lane(self, head: Op | ClaimBusy | None, latest: list[tuple[str, Card]]) -> str:
        while True:
            if head is None:
                return "empty"
            if isinstance(head, ClaimBusy):
                return "busy"
            attempt = self._send(head)
            nxt = self._record(head, attempt)
            self._after(attempt)
            if isinstance(attempt.result, StampResult) and head.card_token:
                latest[:] = [(head.card_token, attempt.result.card)]
            if attempt.outcome == Outcome.RETRY:
                return "blocked"
            if nxt == "stop":
                return "storage"
            if self._stop.is_set():
                if isinstance(nxt, Op):  # claimed but not sent: let it go at once
                    with contextlib.suppress(OutboxError):
                        self.outbox.release(nxt.id, nxt.last_error or "")
                return "blocked"
            head = nxt  # type: ignore[assignment]

    def _after(self, attempt: Attempt) -> None:
        """Bookkeeping of backoff and health, then tell whoever waits."""
        now = self.clock.monotonic()
        with self._lock:
            if attempt.outcome == Outcome.RETRY:
                err = attempt.error
                assert err is not None
                failures = self._lane_failures.get(attempt.lane, 0) + 1
                self._lane_failures[attempt.lane] = failures
                delay = self.backoff.delay(failures, retry_after_of(err))
                if isinstance(err, errors.Unauthorized | errors.Forbidden):
                    delay = max(delay, self.backoff.cap_s)
                self._lane_due[attempt.lane] = now + delay
                self._host_failures += 1
                self.sync_errors += 1  # never reset: the metrics' counter
                self._host_due = max(
                    self._host_due,
                    now + self.backoff.delay(self._host_failures, retry_after_of(err)),
                )
                self.last_error = f"{err.code}: {err}"
                log.info(
                    "outbox: #%d not sent (%s); retry in %.1fs", attempt.op_id, err.code, delay
                )
            else:
                self._lane_failures.pop(attempt.lane, None)
                self._lane_due.pop(attempt.lane, None)
                self._host_failures = 0
                self._host_due = 0.0
                self.last_error = None
                self.last_latency_s = attempt.latency_s
            waiters = self._waiters.pop(attempt.op_id, [])
            if attempt.outcome == Outcome.RETRY:
                # Everyone queued behind a blocked head is not going out now either.
                for op_id, ws in list(self._waiters.items()):
                    if ws and ws[0].lane == attempt.lane:
                        waiters.extend(self._waiters.pop(op_id))
            listeners = list(self._listeners)
        for w in waiters:
            w.set(attempt)
        for listener in listeners:
            try:
                listener(attempt)
            except Exception:  # a progress bar must never stop the sync
                log.exception("outbox: listener failed")

    # -- the customer's row -------------------------------------------------------------

    def send_now(self, op: Op) -> _Waiter:
        """Send this row's lane now in a daemon thread; the waiter hears the row's fate."""
        waiter = _Waiter(op)
        with self._lock:
            self._waiters.setdefault(op.id, []).append(waiter)
        threading.Thread(
            target=self._send_now_thread, args=(op,), name=f"outbox-now-{op.id}", daemon=True
        ).start()
        return waiter

    def _send_now_thread(self, op: Op) -> None:
        try:
            state = self.process_lane(op.lane)
        except Exception:  # the waiting customer gets "storage", never a hang
            log.exception("outbox: sending #%d failed unexpectedly", op.id)
            state = "storage"
        with self._lock:
            still_waiting = bool(self._waiters.get(op.id))
        if still_waiting and state in ("busy", "storage", "empty"):
            # Another thread or process finished it first, holds it, or the disk failed:
            # tell the waiter what is stored (or that the row is safe and waits).
            attempt = None
            with contextlib.suppress(OutboxError):
                stored = self.outbox.get(op.id)
                attempt = attempt_from_stored(stored) if stored else None
            if attempt is None:
                err = errors.Offline(f"not sent now ({state})")
                attempt = Attempt(op.id, op.lane, Outcome.RETRY, None, err)
            with self._lock:
                waiters = self._waiters.pop(op.id, [])
            for w in waiters:
                w.set(attempt)
        self._wake.set()

    def forget(self, waiter: _Waiter) -> None:
        with self._lock:
            ws = self._waiters.get(waiter.op_id, [])
            if waiter in ws:
                ws.remove(waiter)
            if not ws:
                self._waiters.pop(waiter.op_id, None)

    # -- passes over all lanes ----------------------------------------------------------

    def drain_pass(self, *, force: bool = False) -> int:
        """One pass over the lanes that are due; returns how many lanes were worked on."""
        try:
            lanes = self.outbox.pending_lanes()
        except OutboxError:
            return 0
        now = self.clock.monotonic()
        if not force:
            if self._host_due > now:
                return 0
            lanes = [lane for lane in lanes if self._lane_due.get(lane, 0.0) <= now]
        if not lanes:
            return 0
        if self._host_failures and len(lanes) > 1:
            # The host failed last time: one lane probes before everyone piles on.
            if self.process_lane(lanes[0], only_if_due=not force) != "empty":
                return 1
            lanes = lanes[1:]
        work: queue.SimpleQueue[str] = queue.SimpleQueue()
        for lane in lanes:
            work.put(lane)

        def run() -> None:
            while not self._stop.is_set():
                try:
                    lane = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    self.process_lane(lane, only_if_due=not force)
                except Exception:  # one lane's bug must not stop the other lanes
                    log.exception("outbox: lane failed unexpectedly")

        threads = [
            threading.Thread(target=run, name="outbox-sync", daemon=True)
            for _ in range(min(self.concurrency, len(lanes)))
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self._maybe_prune()
        return len(lanes)

    def _maybe_prune(self) -> None:
        now = self.clock.monotonic()
        if now - self._last_prune > 600:
            self._last_prune = now
            with contextlib.suppress(OutboxError):
                self.outbox.prune()

    def next_due_in(self) -> float | None:
        """Seconds until some blocked lane may be tried again (None: nothing waits)."""
        with self._lock:
            dues = list(self._lane_due.values())
            if self._host_due:
                dues.append(self._host_due)
        if not dues:
            return None
        return max(0.0, max(min(dues), self._host_due) - self.clock.monotonic())

    def drain(
        self,
        *,
        timeout_s: float = 60.0,
        on_attempt: Callable[[Attempt], None] | None = None,
    ) -> DrainReport:
        """`kiosk sync`: send everything now, wait out backoffs until `timeout_s`."""
        sent = rejected = 0

        def count(a: Attempt) -> None:
            nonlocal sent, rejected
            sent += a.outcome == Outcome.DONE
            rejected += a.outcome == Outcome.REJECTED
            if on_attempt:
                on_attempt(a)

        self.add_listener(count)
        deadline = time.monotonic() + timeout_s
        try:
            self.drain_pass(force=True)
            while time.monotonic() < deadline:
                try:
                    if self.outbox.pending_count() == 0:
                        break
                except OutboxError:
                    break
                wait = self.next_due_in()
                wait = 0.2 if wait is None else wait
                time.sleep(max(0.01, min(wait, deadline - time.monotonic())))
                self.drain_pass()
        finally:
            self.remove_listener(count)
        try:
            remaining = self.outbox.pending_count()
        except OutboxError:
            remaining = -1
        return DrainReport(sent, rejected, remaining, self.last_error)

    def add_listener(self, fn: Callable[[Attempt], None]) -> None:
        with self._lock:
            self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[Attempt], None]) -> None:
        with self._lock, contextlib.suppress(ValueError):
            self._listeners.remove(fn)

    # -- the background thread ----------------------------------------------------------

    def start(self) -> SyncWorker:
        """Resume pending rows left by the last run (crash or not) and keep syncing."""
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="outbox-worker", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        LIVE_OWNERS.discard(self.owner)
        self.outbox.release_all(self.owner)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.drain_pass()
            except Exception:  # the sync thread must outlive a bad pass: rows stay kept
                log.exception("outbox: sync pass failed")
            due = self.next_due_in()
            wait = self.poll_s if due is None else min(self.poll_s, max(0.05, due))
            self._wake.wait(wait)
            self._wake.clear()

    def heartbeat_fields(self) -> dict[str, Any]:
        """The queue as POST /device/heartbeat takes it (queue_depth, oldest_queued_s, and
        the rest under `details`): merge it into the heartbeat's status source."""
        health = self.health()
        out: dict[str, Any] = {"queue_depth": max(0, health.queue_depth)}
        try:
            oldest = self.outbox.oldest_pending_at()
            status = self.outbox.status()
        except OutboxError:
            oldest, status = None, None
        if oldest is not None:
            out["oldest_queued_s"] = max(0.0, (datetime.now(UTC) - oldest).total_seconds())
        out["details"] = {
            "sync_mode": health.mode,
            "last_sync_at": health.last_sync_at.isoformat() if health.last_sync_at else None,
            "sync_error": health.last_error,
            "outbox_full": bool(status and status.full),
            "outbox_rejected": status.rejected if status else None,
            "outbox_unavailable": self.outbox.unavailable,
            "outbox_corrupt_files": len(status.corrupt_files) if status else 0,
        }
        return out

    def health(self) -> SyncHealth:
        try:
            depth = self.outbox.pending_count()
            last = self.outbox.last_sync_at()
        except OutboxError as exc:
            return SyncHealth("offline", -1, None, f"storage: {exc.reason}", None)
        with self._lock:
            failing = self._host_failures > 0
            err = self.last_error
        if failing and err and err.startswith("offline"):
            mode = "offline"
        elif failing or (self.last_latency_s or 0) > self.degraded_after_s:
            mode = "degraded"
        else:
            mode = "online"
        return SyncHealth(mode, depth, last, err, self.next_due_in())
