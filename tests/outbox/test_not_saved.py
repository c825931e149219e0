"""When the disk refuses, the customer hears the truth and nothing unsaved is ever sent.

Disk full on a small tmpfs (or a SQLite page cap without root), a state directory that
goes read-only (remount, as an SD card with errors does), and a full outbox.
"""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime

from kiosk.stamping import StampKind
from tests.outbox.conftest import remount_read_only, small_fs


def now() -> datetime:
    return datetime.now(UTC)


def test_disk_full_customer_told_not_saved_and_server_gets_exactly_the_saved(clean_shop, tmp_path):
    shop = clean_shop
    state = tmp_path / "small"
    with small_fs(state, "3m") as mounted:
        svc = shop.services(state, min_free_mb=1)
        if mounted:  # leave the kept 1 MiB and a little more
            free = shutil.disk_usage(state).free
            (state / "filler.bin").write_bytes(b"\0" * max(0, free - (1 << 20) - 48 * 1024))
        else:  # no root: the same refusal, from a free-space floor just above what is free
            svc.outbox.min_free_bytes = shutil.disk_usage(state).free - 48 * 1024
        card = shop.card()
        shop.proxy.set("reset")  # offline: every stamp must be kept on this small disk
        told = Counter()
        outcomes = []
        for _ in range(3000):
            o = svc.stamps.stamp(card["token"], scanned_at=now())
            outcomes.append(o.kind)
            if o.acknowledged:
                told[card["id"]] += 1
            else:
                break
        assert outcomes[-1] == StampKind.NOT_SAVED, outcomes[-5:]
        last = svc.stamps.stamp(card["token"], scanned_at=now())
        assert last.kind == StampKind.NOT_SAVED and last.reason == "disk_full"
        assert not last.acknowledged and last.op_id is None
        assert told[card["id"]] > 0
        shop.proxy.set("pass")
        report = svc.worker.drain(timeout_s=60)
        assert report.remaining == 0
        assert len(shop.ledger(card["id"])) == told[card["id"]]
        svc.close()
        shop.opened.remove(svc)


def test_read_only_state_dir_not_saved_nothing_sent(clean_shop, tmp_path):
    shop = clean_shop
    state = tmp_path / "ro"
    with small_fs(state, "4m") as mounted:
        svc = shop.services(state, min_free_mb=1)
        card = shop.card()
        assert svc.stamps.stamp(card["token"], scanned_at=now()).kind == StampKind.ADDED
        svc.close()
        shop.opened.remove(svc)
        remount_read_only(state, mounted)  # the SD card went read-only; the kiosk restarts
        svc = shop.services(state, min_free_mb=1)
        requests_before = shop.proxy.counts["requests"]
        try:
            o = svc.stamps.stamp(card["token"], scanned_at=now())
            assert o.kind == StampKind.NOT_SAVED and o.reason == "read_only"
            assert shop.proxy.counts["requests"] == requests_before  # nothing unsaved is sent
            assert len(shop.ledger(card["id"])) == 1
        finally:
            svc.close()
            shop.opened.remove(svc)
            if not mounted:
                state.chmod(0o755)


def test_full_outbox_says_so_and_takes_stamps_again_once_drained(clean_shop):
    shop = clean_shop
    svc = shop.services()
    svc.outbox.max_rows = 3
    card = shop.card()
    shop.proxy.set("503")
    kinds = [svc.stamps.stamp(card["token"], scanned_at=now()).kind for _ in range(4)]
    assert kinds == [StampKind.SAVED_PENDING] * 3 + [StampKind.NOT_SAVED]
    full = svc.stamps.stamp(card["token"], scanned_at=now())
    assert full.reason == "outbox_full" and svc.outbox.status().full
    shop.proxy.set("pass")
    assert svc.worker.drain(timeout_s=10).remaining == 0
    assert svc.stamps.stamp(card["token"], scanned_at=now()).kind == StampKind.ADDED
    assert len(shop.ledger(card["id"])) == 4
