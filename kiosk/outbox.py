"""The outbox: a durable queue of operations the cloud has not acknowledged yet.

Why it exists (ARCHITECTURE section 5): a customer told "stamp added" or "saved" must get
that stamp exactly once, through Wi-Fi loss, 502s and power cuts. So every stamp is first
written here, with the idempotency key taken at the scan and the scan time, in a SQLite
file in WAL mode with synchronous=FULL (the commit returns only after the WAL is on disk);
only then is anybody told anything, and only then is it sent. A replay after a crash
carries the same key, so the server's idempotency turns "maybe applied" into "exactly once".

Rows live in *lanes* (one per card, one per voucher): a lane is sent strictly in order,
different lanes are independent, so one deleted card never blocks the others.

The sending side (backoff, the worker thread) is kiosk/outbox_sync.py; this module is only
storage, so it can be tested and reasoned about on its own.

States: pending -> done (the cloud answered) | rejected (a permanent "no": cooldown, card
deleted; kept with its reason) | dropped (a technician's decision, kept for the record).
Bounded: at most `max_rows` pending rows (then OutboxFull, the kiosk says so and takes no
stamp it cannot keep); finished rows are pruned by age and count.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from kiosk.files.atomic import write_atomic
from kiosk.state_files import PRIVATE, bound_sqlite_memory, move_aside, prepare_sqlite
from kiosk.state_schema import migrate

log = logging.getLogger(__name__)

DB_NAME = "outbox.sqlite"
CORRUPT_FLAG = "outbox.corrupt.json"
SCHEMA_VERSION = 1
KEEP_DONE_ROWS = 10000  # a done row is ~0.5 KiB: a few MiB at most
KEEP_DONE_AGE = timedelta(days=7)
KEEP_FINISHED_AGE = timedelta(days=90)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ops (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    lane        TEXT NOT NULL,
    idem_key    TEXT NOT NULL UNIQUE,
    card_token  TEXT,
    card_id     TEXT,
    voucher_id  TEXT,
    occurred_at TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending',
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    reason      TEXT,
    result      TEXT,
    finished_at TEXT,
    claim       TEXT,
    claim_until REAL
);
CREATE INDEX IF NOT EXISTS ops_by_state_lane ON ops(state, lane, id);
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
"""
# PRAGMA user_version steps (kiosk/state_schema.py): append, never edit, additive only
MIGRATIONS = [_SCHEMA]


class OpKind(StrEnum):
    STAMP = "stamp"
    REDEEM = "redeem"


class OpState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    REJECTED = "rejected"
    DROPPED = "dropped"


@dataclass(frozen=True)
class Op:
    """One queued operation, as stored."""

    id: int
    kind: OpKind
    lane: str
    key: str
    card_token: str | None
    card_id: str | None
    voucher_id: str | None
    occurred_at: datetime
    created_at: datetime
    state: OpState
    attempts: int
    last_error: str | None
    reason: str | None
    result: dict[str, Any] | None
    finished_at: datetime | None

    def as_json(self, *, mask_token: bool = True) -> dict[str, Any]:
        """For `kiosk outbox list --json`: the card token masked (it is a bearer credential)."""
        return {
            "id": self.id,
            "kind": str(self.kind),
            "state": str(self.state),
            "lane": mask(self.lane) if mask_token else self.lane,
            "idempotency_key": self.key,
            "card_token": mask(self.card_token) if mask_token else self.card_token,
            "card_id": self.card_id,
            "voucher_id": self.voucher_id,
            "occurred_at": self.occurred_at.isoformat(),
            "created_at": self.created_at.isoformat(),
            "attempts": self.attempts,
            "last_error": self.last_error,
            "reason": self.reason,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


def mask(value: str | None) -> str | None:
    """Show enough of a card token to tell cards apart, not enough to forge a scan."""
    if not value:
        return value
    prefix, _, rest = value.rpartition(":")
    head = f"{prefix}:" if prefix else ""
    if len(rest) <= 8:
        return head + "*" * len(rest)
    return f"{head}{rest[:4]}...{rest[-4:]}"


def card_lane(card_token: str) -> str:
    return f"card:{card_token}"


def voucher_lane(voucher_id: str) -> str:
    return f"voucher:{voucher_id}"


class OutboxError(Exception):
    """The outbox cannot take a row; `reason` is a stable code the UI turns into words."""

    reason = "unavailable"

    def __init__(self, detail: str, reason: str | None = None) -> None:
        super().__init__(detail)
        if reason:
            self.reason = reason


class OutboxFull(OutboxError):
    reason = "outbox_full"


class OutboxUnavailable(OutboxError):
    """disk_full, read_only, io_error, cannot_open: the disk refused; nothing was saved."""


@dataclass(frozen=True)
class ClaimBusy:
    """The lane's head is being sent by another live process; leave it alone."""

    owner: str


Claim = tuple[str, str, float]  # (lane, owner, lease_s): what to claim next


@dataclass(frozen=True)
class OutboxStatus:
    pending: int
    rejected: int
    done: int
    max_rows: int
    full: bool
    last_sync_at: datetime | None
    unavailable: str | None
    corrupt_files: tuple[str, ...]
    oldest_pending_at: datetime | None = None  # filled by read_status (for doctor)

    def as_json(self) -> dict[str, Any]:
        return {
            "queue_depth": self.pending,
            "rejected": self.rejected,
            "done": self.done,
            "max_rows": self.max_rows,
            "full": self.full,
            "last_sync_at": self.last_sync_at.isoformat() if self.last_sync_at else None,
            "unavailable": self.unavailable,
            "corrupt_files": list(self.corrupt_files),
        }


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(dt: datetime) -> str:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def classify(exc: BaseException, directory: Path | None = None) -> str:
    """A stable reason code for a storage failure, from SQLite's error code or errno."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary == 13 or "database or disk is full" in text or getattr(exc, "errno", 0) == 28:
        return "disk_full"
    if primary in (8, 3) or "readonly" in text or getattr(exc, "errno", 0) in (30, 13):
        return "read_only"
    if primary in (11, 26) or "malformed" in text or "not a database" in text:
        return "corrupt"
    if primary == 14 or "unable to open" in text:
        if directory is not None and not os.access(directory, os.W_OK):
            return "read_only"
        return "cannot_open"
    if primary in (5, 6):
        return "busy"
    return "io_error"


def _is_corruption(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.DatabaseError) and classify(exc) == "corrupt"


# Claim owners of this process that are still working (see SyncWorker): a claim held by
# another owner of our own pid is live only while that owner is (a stopped worker's
# claims are free at once, so a restart in the same process never waits out a lease).
LIVE_OWNERS: set[str] = set()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def corruption_warnings(state_dir: Path) -> list[dict[str, Any]]:
    """For `kiosk doctor`: every corrupt outbox moved aside that is still on disk.

    A warning lasts as long as the evidence: the technician reads or saves the moved file,
    deletes it, and the warning goes away (nothing here ever deletes it).
    """
    flag = Path(state_dir) / CORRUPT_FLAG
    try:
        entries = json.loads(flag.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and Path(str(e.get("moved_to"))).exists()]


def read_status(state_dir: Path | str, max_rows: int = 50000) -> OutboxStatus:
    """The outbox's status without changing anything (for `kiosk doctor` beside a running
    kiosk): read-only, and a damaged file is reported as `corrupt`, never moved aside here
    (only the kiosk's own Outbox does that, on its next start)."""
    state_dir = Path(state_dir)
    corrupt = tuple(str(e["moved_to"]) for e in corruption_warnings(state_dir))
    path = state_dir / DB_NAME
    if not path.exists():
        return OutboxStatus(0, 0, 0, max_rows, False, None, None, corrupt)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
            counts = dict(conn.execute("SELECT state, count(*) FROM ops GROUP BY state").fetchall())
            row = conn.execute("SELECT v FROM meta WHERE k = 'last_sync_at'").fetchone()
            oldest = conn.execute(
                "SELECT min(created_at) FROM ops WHERE state = 'pending'"
            ).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return OutboxStatus(0, 0, 0, max_rows, False, None, classify(exc, state_dir), corrupt)
    pending = counts.get("pending", 0)
    return OutboxStatus(
        pending,
        counts.get("rejected", 0),
        counts.get("done", 0),
        max_rows,
        pending >= max_rows,
        _parse(row[0]) if row else None,
        None,
        corrupt,
        _parse(oldest) if oldest else None,
    )


class Outbox:
    """The SQLite outbox of one kiosk (thread-safe; several processes may share the file)."""

    def __init__(
        self, state_dir: Path | str, *, max_rows: int = 50000, min_free_bytes: int = 4 << 20
    ) -> None:
        self.state_dir = Path(state_dir)
        self.path = self.state_dir / DB_NAME
        self.max_rows = max_rows
        self.min_free_bytes = min_free_bytes
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.unavailable: str | None = None
        self.closed = False
        self.salvaged = 0
        self._try_open()

    # -- opening, corruption ------------------------------------------------------------

    def _try_open(self) -> sqlite3.Connection | None:
        """Open (or re-open after the disk came back); never raises, records why not."""
        with self._lock:
            if self._conn is not None or self.closed:
                return self._conn
            try:
                self.state_dir.mkdir(parents=True, exist_ok=True)
                self._conn = self._open_checked()
                self.unavailable = None
            except OSError as exc:
                self.unavailable = classify(exc, self.state_dir)
                log.error("outbox: cannot open %s: %s (%s)", self.path, exc, self.unavailable)
            except sqlite3.Error as exc:
                self.unavailable = classify(exc, self.state_dir)
                log.error("outbox: cannot open %s: %s (%s)", self.path, exc, self.unavailable)
            return self._conn

    def _connect(self, path: Path) -> sqlite3.Connection:
        prepare_sqlite(path)  # 0600 from the first byte, and so its -wal and -shm
        conn = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout=10000")
        bound_sqlite_memory(conn)
        return conn

    def _open_checked(self) -> sqlite3.Connection:
        try:
            conn = self._connect(self.path)
            self._prepare(conn)
            return conn
        except sqlite3.DatabaseError as exc:
            if not _is_corruption(exc):
                raise
            moved = self._move_aside(str(exc))
            conn = self._connect(self.path)
            self._prepare(conn)
            self.salvaged = self._salvage(moved, conn)
            return conn

    @staticmethod
    def _prepare(conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"journal_mode is {mode}, not wal")
        # FULL: a commit returns only once the WAL is fsynced: "saved" means on disk.
        conn.execute("PRAGMA synchronous=FULL")
        # A small WAL (checkpoint every ~400 KiB, truncated back after): the space the sync
        # needs to mark rows sent stays small and bounded, even on a nearly full disk.
        conn.execute("PRAGMA wal_autocheckpoint=100")
        conn.execute("PRAGMA journal_size_limit=524288")
        check = conn.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise sqlite3.DatabaseError(f"database disk image is malformed: {check}")
        migrate(conn, "outbox", MIGRATIONS)
        conn.execute(
            "INSERT OR IGNORE INTO meta(k, v) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
        )

    def _move_aside(self, why: str) -> Path:
        """Keep the broken file (and its WAL) under a new name, say so loudly, flag it."""
        moved = move_aside(self.path, "corrupt", ("-wal", "-shm"))
        flag = self.state_dir / CORRUPT_FLAG
        try:
            entries = json.loads(flag.read_text(encoding="utf-8")) if flag.exists() else []
        except (OSError, ValueError):
            entries = []
        entries.append({"moved_to": str(moved), "at": _iso(_now()), "error": why})
        write_atomic(flag, json.dumps(entries, indent=2), PRIVATE)
        log.critical(
            "OUTBOX CORRUPT: %s (%s). Moved aside to %s (kept, not deleted); started a fresh "
            "outbox. Pending rows that could still be read are carried over. Run 'kiosk doctor'.",
            self.path,
            why,
            moved,
        )
        return moved

    def _salvage(self, moved: Path, conn: sqlite3.Connection) -> int:
        """Carry readable pending rows (same keys: replays stay exactly-once) into the new file."""
        try:
            old = sqlite3.connect(f"file:{moved}?mode=ro", uri=True, timeout=1)
            rows = old.execute(
                "SELECT kind, lane, idem_key, card_token, card_id, voucher_id, occurred_at, "
                "created_at FROM ops NOT INDEXED WHERE state = 'pending' ORDER BY id"
            ).fetchall()
            old.close()
        except sqlite3.Error as exc:
            log.error("outbox: nothing could be read back from %s: %s", moved, exc)
            return 0
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT OR IGNORE INTO ops(kind, lane, idem_key, card_token, card_id, voucher_id, "
            "occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        conn.execute("COMMIT")
        log.critical("outbox: carried %d pending rows over from %s", len(rows), moved)
        return len(rows)

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def _tx(self, write: bool = True, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction; storage failures become OutboxUnavailable with a reason code.

        durable=False is for bookkeeping only (claims, "sent", "rejected"): committed at
        synchronous=NORMAL, i.e. without its own fsync (the next durable commit syncs it).
        Losing one to a power cut only means a replay with the same key, which the server
        answers with its first answer. A new row is always durable (FULL)."""
        with self._lock:
            conn = self._try_open()
            if conn is None:
                reason = "closed" if self.closed else self.unavailable
                raise OutboxUnavailable(f"outbox cannot be opened: {reason}", reason)
            try:
                if not durable:
                    conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
                if not durable:
                    conn.execute("PRAGMA synchronous=FULL")
            except sqlite3.Error as exc:
                reason = classify(exc, self.state_dir)
                with contextlib.suppress(sqlite3.Error):
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    conn.execute("PRAGMA synchronous=FULL")
                if reason in ("read_only", "io_error", "cannot_open", "corrupt"):
                    # The file system may have been remounted or the card pulled: reopen
                    # on the next call instead of trusting this handle again.
                    self._drop_connection()
                log.error("outbox: %s (%s)", exc, reason)
                raise OutboxUnavailable(str(exc), reason) from exc

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        """Close for good: a thread still finishing a send cannot reopen the file behind
        the owner's back (its row simply stays pending)."""
        with self._lock:
            self.closed = True
            self._drop_connection()

    # -- writing ------------------------------------------------------------------------

    def enqueue(
        self,
        *,
        kind: OpKind,
        lane: str,
        key: str,
        occurred_at: datetime,
        card_token: str | None = None,
        card_id: str | None = None,
        voucher_id: str | None = None,
    ) -> Op:
        """Write one operation durably; the same key again returns the row already there.

        Returns only after the commit is on disk (synchronous=FULL). Raises OutboxFull at
        `max_rows` pending rows, OutboxUnavailable when the disk refuses.
        """
        self._check_headroom()
        with self._tx() as c:
            row = c.execute("SELECT * FROM ops WHERE idem_key = ?", (key,)).fetchone()
            if row is not None:
                return _op(row)
            pending = c.execute("SELECT count(*) FROM ops WHERE state = 'pending'").fetchone()[0]
            if pending >= self.max_rows:
                raise OutboxFull(
                    f"the outbox holds {pending} unsent operations (limit {self.max_rows})"
                )
            cur = c.execute(
                "INSERT INTO ops(kind, lane, idem_key, card_token, card_id, voucher_id, "
                "occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    str(kind),
                    lane,
                    key,
                    card_token,
                    card_id,
                    voucher_id,
                    _iso(occurred_at),
                    _iso(_now()),
                ),
            )
            row = c.execute("SELECT * FROM ops WHERE id = ?", (cur.lastrowid,)).fetchone()
        return _op(row)

    def _check_headroom(self) -> None:
        """Take no new row when the disk is nearly full: the space left is kept for the
        sync, which must still be able to mark the rows already saved as sent. Otherwise
        a full disk would freeze the queue with every acknowledged stamp inside it."""
        if not self.min_free_bytes:
            return
        try:
            free = shutil.disk_usage(self.state_dir).free
        except OSError:
            return  # the transaction itself will say what is wrong
        if free < self.min_free_bytes:
            log.error(
                "outbox: only %d KiB free in %s: not taking new rows", free >> 10, self.state_dir
            )
            raise OutboxUnavailable(
                f"only {free >> 10} KiB free in {self.state_dir} "
                f"(at least {self.min_free_bytes >> 10} KiB kept for sending)",
                "disk_full",
            )

    def claim_head(self, lane: str, owner: str, lease_s: float) -> Op | ClaimBusy | None:
        """Take the oldest pending row of a lane for sending (None: the lane is empty).

        The claim (owner = pid:nonce, lease) stops two processes (the kiosk's worker and a
        technician's `kiosk sync`) from sending the same row at once; a claim of a dead
        process or past its lease is taken over, so kill -9 never strands a row.
        """
        with self._tx(durable=False) as c:
            return self._claim_in(c, lane, owner, lease_s)

    @staticmethod
    def _claim_in(
        c: sqlite3.Connection, lane: str, owner: str, lease_s: float
    ) -> Op | ClaimBusy | None:
        now = time.time()
        row = c.execute(
            "SELECT * FROM ops WHERE lane = ? AND state = 'pending' ORDER BY id LIMIT 1",
            (lane,),
        ).fetchone()
        if row is None:
            return None
        holder = row["claim"]
        if holder and holder != owner and (row["claim_until"] or 0) > now:
            pid = int(str(holder).split(":", 1)[0] or 0)
            mine = pid == os.getpid()
            if (mine and holder in LIVE_OWNERS) or (not mine and _pid_alive(pid)):
                return ClaimBusy(holder)
        c.execute(
            "UPDATE ops SET claim = ?, claim_until = ?, attempts = attempts + 1 WHERE id = ?",
            (owner, now + lease_s, row["id"]),
        )
        return _op(c.execute("SELECT * FROM ops WHERE id = ?", (row["id"],)).fetchone())

    def complete(
        self, op_id: int, result: dict[str, Any], *, then: Claim | None = None
    ) -> Op | ClaimBusy | None:
        """The cloud acknowledged: done, with its answer kept for the record.

        `then` claims the lane's next row in the same transaction: one fsync per stamp
        instead of two while a backlog drains.
        """
        with self._tx(durable=False) as c:
            c.execute(
                "UPDATE ops SET state = 'done', result = ?, finished_at = ?, claim = NULL, "
                "claim_until = NULL, last_error = NULL WHERE id = ? AND state = 'pending'",
                (json.dumps(result), _iso(_now()), op_id),
            )
            c.execute(
                "INSERT OR REPLACE INTO meta(k, v) VALUES ('last_sync_at', ?)", (_iso(_now()),)
            )
            return self._claim_in(c, *then) if then else None

    def reject(
        self,
        op_id: int,
        reason: str,
        detail: str,
        result: dict | None = None,
        *,
        then: Claim | None = None,
    ) -> Op | ClaimBusy | None:
        """A permanent "no" from the cloud: recorded with its reason, never retried by itself."""
        with self._tx(durable=False) as c:
            c.execute(
                "UPDATE ops SET state = 'rejected', reason = ?, last_error = ?, result = ?, "
                "finished_at = ?, claim = NULL, claim_until = NULL "
                "WHERE id = ? AND state = 'pending'",
                (reason, detail[:500], json.dumps(result) if result else None, _iso(_now()), op_id),
            )
            c.execute(
                "INSERT OR REPLACE INTO meta(k, v) VALUES ('last_sync_at', ?)", (_iso(_now()),)
            )
            return self._claim_in(c, *then) if then else None

    def release(self, op_id: int, error: str) -> None:
        """A retryable failure: the row stays pending (same key), the claim is let go."""
        with self._tx(durable=False) as c:
            c.execute(
                "UPDATE ops SET claim = NULL, claim_until = NULL, last_error = ? WHERE id = ?",
                (error[:500], op_id),
            )

    def release_all(self, owner: str) -> None:
        with contextlib.suppress(OutboxError), self._tx(durable=False) as c:
            c.execute("UPDATE ops SET claim = NULL, claim_until = NULL WHERE claim = ?", (owner,))

    def resolve_card(self, card_token: str, card_id: str) -> None:
        """A stamp queued by token (offline scan) learns its card id: store it for the lane."""
        with self._tx(durable=False) as c:
            c.execute(
                "UPDATE ops SET card_id = ? WHERE card_token = ? AND state = 'pending' "
                "AND card_id IS NULL",
                (card_id, card_token),
            )

    def retry(self, op_id: int) -> Op:
        """Technician's retry: a pending row is tried again now (same key: it may have been
        applied); a rejected or dropped row goes back to pending with a NEW key (the server
        said no, so nothing was applied, and its stored "no" must not be replayed)."""
        with self._tx() as c:
            row = c.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
            if row is None:
                raise KeyError(op_id)
            if row["state"] == OpState.DONE:
                raise ValueError(f"operation {op_id} is already done; nothing to retry")
            if row["state"] == OpState.PENDING:
                c.execute("UPDATE ops SET attempts = 0 WHERE id = ?", (op_id,))
            else:
                c.execute(
                    "UPDATE ops SET state = 'pending', idem_key = ?, attempts = 0, reason = NULL, "
                    "finished_at = NULL, result = NULL, last_error = ? WHERE id = ?",
                    (
                        str(uuid.uuid4()),
                        f"retried by technician after {row['state']}: {row['reason']}",
                        op_id,
                    ),
                )
            row = c.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
        return _op(row)

    def drop(self, op_id: int, reason: str = "dropped by technician") -> Op:
        """Give up on a row (kept as 'dropped' for the record, never sent again)."""
        with self._tx() as c:
            row = c.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
            if row is None:
                raise KeyError(op_id)
            if row["state"] != OpState.PENDING:
                raise ValueError(f"operation {op_id} is {row['state']}, only pending rows drop")
            c.execute(
                "UPDATE ops SET state = 'dropped', reason = ?, finished_at = ?, claim = NULL "
                "WHERE id = ?",
                (reason, _iso(_now()), op_id),
            )
            row = c.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
        return _op(row)

    def prune(self, now: datetime | None = None) -> int:
        """Forget old finished rows so the file never grows without bound."""
        now = now or _now()
        with self._tx() as c:
            n = c.execute(
                "DELETE FROM ops WHERE state = 'done' AND (finished_at < ? OR id NOT IN "
                "(SELECT id FROM ops WHERE state = 'done' ORDER BY id DESC LIMIT ?))",
                (_iso(now - KEEP_DONE_AGE), KEEP_DONE_ROWS),
            ).rowcount
            n += c.execute(
                "DELETE FROM ops WHERE state IN ('rejected', 'dropped') AND (finished_at < ? "
                "OR id NOT IN (SELECT id FROM ops WHERE state IN ('rejected', 'dropped') "
                "ORDER BY id DESC LIMIT ?))",
                (_iso(now - KEEP_FINISHED_AGE), self.max_rows),
            ).rowcount
        return n

    # -- reading ------------------------------------------------------------------------

    def get(self, op_id: int) -> Op | None:
        with self._tx(write=False) as c:
            row = c.execute("SELECT * FROM ops WHERE id = ?", (op_id,)).fetchone()
        return _op(row) if row else None

    def by_key(self, key: str) -> Op | None:
        with self._tx(write=False) as c:
            row = c.execute("SELECT * FROM ops WHERE idem_key = ?", (key,)).fetchone()
        return _op(row) if row else None

    def list(self, states: tuple[str, ...] = ("pending", "rejected"), limit: int = 500) -> list[Op]:
        marks = ",".join("?" * len(states))
        with self._tx(write=False) as c:
            rows = c.execute(
                f"SELECT * FROM ops WHERE state IN ({marks}) ORDER BY id LIMIT ?",  # noqa: S608
                (*states, limit),
            ).fetchall()
        return [_op(r) for r in rows]

    def pending_lanes(self) -> list[str]:
        """Lanes with work, oldest first (fair: the longest-waiting customer goes first)."""
        with self._tx(write=False) as c:
            rows = c.execute(
                "SELECT lane, min(id) AS first FROM ops WHERE state = 'pending' "
                "GROUP BY lane ORDER BY first"
            ).fetchall()
        return [r["lane"] for r in rows]

    def pending_count(self, lane: str | None = None) -> int:
        with self._tx(write=False) as c:
            if lane is None:
                return c.execute("SELECT count(*) FROM ops WHERE state = 'pending'").fetchone()[0]
            return c.execute(
                "SELECT count(*) FROM ops WHERE state = 'pending' AND lane = ?", (lane,)
            ).fetchone()[0]

    def pending_stamps(self, card_token: str) -> list[Op]:
        with self._tx(write=False) as c:
            rows = c.execute(
                "SELECT * FROM ops WHERE state = 'pending' AND kind = 'stamp' AND lane = ? "
                "ORDER BY id",
                (card_lane(card_token),),
            ).fetchall()
        return [_op(r) for r in rows]

    def pending_redeem(self, voucher_id: str) -> Op | None:
        with self._tx(write=False) as c:
            row = c.execute(
                "SELECT * FROM ops WHERE kind = 'redeem' AND voucher_id = ? "
                "AND state IN ('pending', 'done') ORDER BY id DESC LIMIT 1",
                (voucher_id,),
            ).fetchone()
        return _op(row) if row else None

    def oldest_pending_at(self) -> datetime | None:
        """When the longest-waiting unsent row was saved (the heartbeat's oldest_queued_s)."""
        with self._tx(write=False) as c:
            row = c.execute("SELECT min(created_at) FROM ops WHERE state = 'pending'").fetchone()
        return _parse(row[0]) if row and row[0] else None

    def counts(self) -> dict[str, int]:
        with self._tx(write=False) as c:
            rows = c.execute("SELECT state, count(*) AS n FROM ops GROUP BY state").fetchall()
        return {r["state"]: r["n"] for r in rows}

    def last_sync_at(self) -> datetime | None:
        with self._tx(write=False) as c:
            row = c.execute("SELECT v FROM meta WHERE k = 'last_sync_at'").fetchone()
        return _parse(row["v"]) if row else None

    def status(self) -> OutboxStatus:
        """Queue depth, full flag, last sync: what the UI footer and the heartbeat show."""
        corrupt = tuple(str(e["moved_to"]) for e in corruption_warnings(self.state_dir))
        try:
            counts = self.counts()
            last = self.last_sync_at()
        except OutboxError as exc:
            return OutboxStatus(0, 0, 0, self.max_rows, False, None, exc.reason, corrupt)
        pending = counts.get("pending", 0)
        return OutboxStatus(
            pending=pending,
            rejected=counts.get("rejected", 0),
            done=counts.get("done", 0),
            max_rows=self.max_rows,
            full=pending >= self.max_rows,
            last_sync_at=last,
            unavailable=None,
            corrupt_files=corrupt,
        )


def _op(row: sqlite3.Row) -> Op:
    return Op(
        id=row["id"],
        kind=OpKind(row["kind"]),
        lane=row["lane"],
        key=row["idem_key"],
        card_token=row["card_token"],
        card_id=row["card_id"],
        voucher_id=row["voucher_id"],
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        created_at=datetime.fromisoformat(row["created_at"]),
        state=OpState(row["state"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        reason=row["reason"],
        result=json.loads(row["result"]) if row["result"] else None,
        finished_at=_parse(row["finished_at"]),
    )
