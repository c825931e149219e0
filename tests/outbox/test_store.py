"""The outbox's storage on real SQLite files: durable, ordered per lane, bounded, self-healing."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.outbox import (
    DB_NAME,
    ClaimBusy,
    OpKind,
    OpState,
    Outbox,
    OutboxFull,
    OutboxUnavailable,
    card_lane,
    corruption_warnings,
    mask,
    read_status,
)
from tests.outbox.conftest import remount_read_only, small_fs

T0 = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)


def add(ob: Outbox, token: str = "tok-aaaaaaaaaaaaaaaa", key: str | None = None, at=T0):
    import uuid

    return ob.enqueue(
        kind=OpKind.STAMP,
        lane=card_lane(token),
        key=key or str(uuid.uuid4()),
        occurred_at=at,
        card_token=token,
    )


def test_file_is_wal_with_full_sync_and_a_row_is_on_disk_when_enqueue_returns(state_dir):
    ob = Outbox(state_dir)
    conn = ob._conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    op = add(ob, key="k-1")
    # Another connection (another process would see the same) reads the committed row.
    other = sqlite3.connect(state_dir / DB_NAME)
    row = other.execute("SELECT idem_key, state, occurred_at FROM ops").fetchone()
    assert row == ("k-1", "pending", T0.isoformat())
    assert op.state == OpState.PENDING and op.key == "k-1"


def test_row_survives_kill_9_right_after_enqueue(state_dir):
    """The process dies the instant enqueue returned: the row is there on the next open."""
    code = (
        "import os, sys, signal\n"
        "from datetime import datetime, UTC\n"
        "from kiosk.outbox import Outbox, OpKind\n"
        f"ob = Outbox({str(state_dir)!r})\n"
        "ob.enqueue(kind=OpKind.STAMP, lane='card:x', key='survivor', "
        "occurred_at=datetime.now(UTC), card_token='x')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True)
    assert res.returncode == -9
    op = Outbox(state_dir).by_key("survivor")
    assert op is not None and op.state == OpState.PENDING


def test_same_key_twice_is_one_row(state_dir):
    ob = Outbox(state_dir)
    a = add(ob, key="same")
    b = add(ob, key="same")
    assert a.id == b.id
    assert ob.pending_count() == 1


def test_lane_is_strictly_in_order_and_lanes_are_independent(state_dir):
    ob = Outbox(state_dir)
    a1 = add(ob, "card-a-token-000001")
    b1 = add(ob, "card-b-token-000001")
    a2 = add(ob, "card-a-token-000001")
    assert ob.pending_lanes() == [
        card_lane("card-a-token-000001"),
        card_lane("card-b-token-000001"),
    ]
    head = ob.claim_head(a1.lane, "1:me", 30)
    assert head.id == a1.id and head.attempts == 1
    ob.release(head.id, "offline: no route")
    # A retryable failure leaves the head at the head: a2 can never overtake a1.
    again = ob.claim_head(a1.lane, "1:me", 30)
    assert again.id == a1.id and again.attempts == 2 and again.last_error == "offline: no route"
    ob.complete(a1.id, {"stamp_id": "s1"})
    assert ob.claim_head(a1.lane, "1:me", 30).id == a2.id
    assert ob.claim_head(b1.lane, "1:me", 30).id == b1.id
    assert ob.get(a1.id).state == OpState.DONE and ob.get(a1.id).result == {"stamp_id": "s1"}
    assert ob.last_sync_at() is not None


def test_claim_of_a_live_process_is_respected_and_of_a_dead_one_taken_over(state_dir):
    ob = Outbox(state_dir)
    op = add(ob)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert ob.claim_head(op.lane, f"{live.pid}:other", 30).id == op.id
        assert isinstance(ob.claim_head(op.lane, "1:me", 30), ClaimBusy)
    finally:
        live.kill()
        live.wait()
    # The holder died (kill -9): its claim is stale, the row is not stranded.
    taken = ob.claim_head(op.lane, "1:me", 30)
    assert taken.id == op.id and taken.attempts == 2


def test_expired_lease_is_taken_over(state_dir):
    ob = Outbox(state_dir)
    op = add(ob)
    ob.claim_head(op.lane, f"{__import__('os').getppid()}:other", -1)  # lease already over
    assert ob.claim_head(op.lane, "1:me", 30).id == op.id


def test_claim_of_another_owner_in_this_process_lasts_while_that_owner_lives(state_dir):
    import os

    from kiosk.outbox import LIVE_OWNERS

    ob = Outbox(state_dir)
    op = add(ob)
    other = f"{os.getpid()}:worker-a"
    LIVE_OWNERS.add(other)
    try:
        ob.claim_head(op.lane, other, 30)
        assert isinstance(ob.claim_head(op.lane, f"{os.getpid()}:worker-b", 30), ClaimBusy)
    finally:
        LIVE_OWNERS.discard(other)  # worker-a stopped: its claim is free at once
    assert ob.claim_head(op.lane, f"{os.getpid()}:worker-b", 30).id == op.id


def test_bounded_full_state_is_clear_and_clears_itself(state_dir):
    ob = Outbox(state_dir, max_rows=3)
    ops = [add(ob) for _ in range(3)]
    with pytest.raises(OutboxFull) as info:
        add(ob)
    assert info.value.reason == "outbox_full"
    status = ob.status()
    assert status.full and status.pending == 3 and status.as_json()["queue_depth"] == 3
    ob.complete(ops[0].id, {})
    assert not ob.status().full
    add(ob)


def test_permanent_rejection_kept_with_reason_retry_gets_new_key_drop_is_recorded(state_dir):
    ob = Outbox(state_dir)
    op = add(ob, key="orig")
    ob.claim_head(op.lane, "1:me", 30)
    ob.reject(op.id, "cooldown_active", "stamped moments ago", {"retry_after": 60})
    rejected = ob.get(op.id)
    assert rejected.state == OpState.REJECTED and rejected.reason == "cooldown_active"
    assert ob.claim_head(op.lane, "1:me", 30) is None  # never retried by itself
    retried = ob.retry(op.id)
    # The server said no, so nothing applied: a fresh key, or the stored "no" replays.
    assert retried.state == OpState.PENDING and retried.key != "orig"
    assert "cooldown_active" in retried.last_error
    other = add(ob, key="pending-one")
    assert ob.retry(other.id).key == "pending-one"  # pending: may have applied, same key
    dropped = ob.drop(other.id)
    assert dropped.state == OpState.DROPPED and dropped.reason == "dropped by technician"
    with pytest.raises(ValueError):
        ob.drop(other.id)
    with pytest.raises(KeyError):
        ob.retry(9999)
    ob.complete(retried.id, {})
    with pytest.raises(ValueError):
        ob.retry(retried.id)


def test_prune_forgets_old_finished_rows_only(state_dir):
    ob = Outbox(state_dir)
    done = add(ob)
    ob.complete(done.id, {})
    pending = add(ob)
    assert ob.prune(datetime.now(UTC) + timedelta(days=8)) == 1
    assert ob.get(done.id) is None and ob.get(pending.id) is not None


def test_mask_hides_most_of_a_token():
    assert mask("card:abcdefghijklmnop") == "card:abcd...mnop"
    assert "efgh" not in mask("abcdefghijklmnop")
    assert mask("short") == "*****"


def test_corrupt_file_is_moved_aside_kept_flagged_and_a_fresh_one_started(state_dir, caplog):
    garbage = b"this is not a database" * 200
    (state_dir / DB_NAME).write_bytes(garbage)
    with caplog.at_level(logging.CRITICAL, logger="kiosk.outbox"):
        ob = Outbox(state_dir)
    assert any("OUTBOX CORRUPT" in r.message for r in caplog.records)
    warnings = corruption_warnings(state_dir)
    assert len(warnings) == 1
    moved = Path(warnings[0]["moved_to"])
    assert moved.read_bytes() == garbage  # kept, byte for byte
    assert ob.status().corrupt_files == (str(moved),)
    add(ob)  # the fresh outbox works
    assert ob.pending_count() == 1
    # The warning lasts as long as the evidence does.
    moved.unlink()
    assert corruption_warnings(state_dir) == []


def test_corrupt_index_pending_rows_are_carried_over_with_their_keys(state_dir):
    ob = Outbox(state_dir)
    keys = [add(ob).key for _ in range(30)]
    ob.complete(ob.claim_head(card_lane("tok-aaaaaaaaaaaaaaaa"), "1:me", 30).id, {})
    ob.close()
    path = state_dir / DB_NAME
    conn = sqlite3.connect(path)
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'ops_by_state_lane'"
    ).fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as f:  # scribble over the index's root page
        f.seek((root - 1) * page + 8)
        f.write(b"\xff" * (page - 8))
    ob2 = Outbox(state_dir)
    assert ob2.salvaged == 29
    assert [o.key for o in ob2.list(("pending",))] == keys[1:]
    flag = json.loads((state_dir / "outbox.corrupt.json").read_text())
    assert Path(flag[0]["moved_to"]).exists()


def test_disk_full_is_a_clear_error_and_recovers_when_space_returns(tmp_path):
    state = tmp_path / "small"
    with small_fs(state, "640k") as mounted:
        ob = Outbox(state, min_free_bytes=0)  # the disk itself must say "full" here
        if not mounted:  # no root: a real SQLITE_FULL through a page cap instead
            ob._conn.execute("PRAGMA max_page_count = 40")
        filler = state / "filler.bin"
        if mounted:
            free = __import__("shutil").disk_usage(state).free
            filler.write_bytes(b"\0" * max(0, free - 96 * 1024))
        saved = []
        with pytest.raises(OutboxUnavailable) as info:
            for i in range(20000):
                saved.append(add(ob, key=f"k{i}").key)
        assert info.value.reason == "disk_full"
        assert saved, "some rows fit before the disk filled"
        # Everything acknowledged before is still there, readable.
        assert [o.key for o in ob.list(("pending",), limit=100000)] == saved
        if mounted:
            filler.unlink()
        else:
            ob._conn.execute("PRAGMA max_page_count = 100000")
        add(ob, key="after")  # recovered by itself
        assert ob.by_key("after") is not None
        ob.close()


def test_headroom_refuses_new_rows_but_lets_the_sync_mark_them_sent(tmp_path):
    state = tmp_path / "headroom"
    with small_fs(state, "3m") as mounted:
        ob = Outbox(state, min_free_bytes=1 << 20)
        saved = [add(ob) for _ in range(3)]
        if mounted:
            free = __import__("shutil").disk_usage(state).free
            (state / "filler.bin").write_bytes(b"\0" * max(0, free - (1 << 20) + 4096))
        else:
            ob.min_free_bytes = __import__("shutil").disk_usage(state).free + 1
        with pytest.raises(OutboxUnavailable) as info:
            add(ob)
        assert info.value.reason == "disk_full"
        for op in saved:  # the sync still works in the space kept for it
            head = ob.claim_head(op.lane, "1:me", 30)
            ob.complete(head.id, {"stamp_id": f"s{head.id}"})
        assert ob.pending_count() == 0
        ob.close()


def test_read_only_state_dir_is_a_clear_error(tmp_path):
    state = tmp_path / "ro"
    with small_fs(state, "4m") as mounted:
        ob = Outbox(state, min_free_bytes=0)
        add(ob, key="before")
        ob.close()
        remount_read_only(state, mounted)
        try:
            ob = Outbox(state, min_free_bytes=0)
            with pytest.raises(OutboxUnavailable) as info:
                add(ob, key="during")
            assert info.value.reason == "read_only"
            fresh = Outbox(state / "sub")  # cannot even create the folder
            assert fresh.unavailable == "read_only"
            with pytest.raises(OutboxUnavailable):
                add(fresh)
        finally:
            if not mounted:
                state.chmod(0o755)


def test_read_status_changes_nothing_and_reports_corruption(state_dir):
    assert read_status(state_dir).pending == 0  # no file yet: nothing created
    assert not (state_dir / DB_NAME).exists()
    ob = Outbox(state_dir, max_rows=2)
    add(ob)
    add(ob)
    st = read_status(state_dir, max_rows=2)
    assert (st.pending, st.full, st.unavailable) == (2, True, None)
    ob.close()
    garbage = b"not a database" * 300
    (state_dir / DB_NAME).write_bytes(garbage)
    assert read_status(state_dir).unavailable == "corrupt"
    assert (state_dir / DB_NAME).read_bytes() == garbage  # left for the kiosk to handle
    assert corruption_warnings(state_dir) == []
