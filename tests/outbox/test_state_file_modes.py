"""Every state file is 0600 from its first byte, whatever the umask (issue 13, item 9):
the outbox, the card cache and the day log hold card tokens and first names, the print
record and coupon previews redeem codes. SQLite's -wal and -shm files included."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from devices.printer.coupon import Coupon
from devices.printer.service import PrinterService
from kiosk.api.models import Card
from kiosk.appliance.token_store import TokenStore
from kiosk.card_cache import CardCache
from kiosk.config import PrinterSection
from kiosk.day_summary import DayLog
from kiosk.input_methods.pinyin_user import UserWords
from kiosk.outbox import DB_NAME, Outbox
from tests.outbox.test_store import add

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "tok_1234567890abcdef"


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def loose_files(folder: Path) -> dict[str, str]:
    """Files anyone but the owner (and the group, read-only) could open."""
    out = {}
    for path in folder.rglob("*"):
        if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o037:
            out[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.stat().st_mode))
    return out


def test_every_state_file_is_private_with_umask_000(tmp_path):
    state = tmp_path / "state"
    with umask(0):
        ob = Outbox(state)
        add(ob, TOKEN)
        cache = CardCache(state)
        cache.put(
            TOKEN, Card.from_json({"id": "c_1", "display_name": "Mari", "stamps": 1, "goal": 9})
        )
        log = DayLog(state)
        log.record("voucher_issued", datetime.now(UTC), "v_1")
        printer = PrinterService(PrinterSection(uri=f"preview:{state / 'prints'}"), state)
        assert printer.submit(Coupon(title="Free coffee", redeem_code="CAFE-1")).state == "printed"
        TokenStore(state / "device.token").write("dvc_secret_token_123456")
        UserWords(state / "pinyin_words.json").learn("ni", "你")
        # while the connections are open: the -wal and -shm files exist now
        assert (state / f"{DB_NAME}-wal").exists() and (state / f"{DB_NAME}-shm").exists()
        assert loose_files(state) == {}
        ob.close()
        cache.close()
    assert loose_files(state) == {}


def test_a_damaged_outbox_moved_aside_and_its_flag_are_private_too(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / DB_NAME).write_bytes(b"not a database " * 300)
    os.chmod(state / DB_NAME, 0o600)
    with umask(0):
        Outbox(state).close()
    assert (state / "outbox.corrupt.json").exists()
    assert loose_files(state) == {}


def test_files_left_world_readable_by_an_old_build_are_tightened(tmp_path):
    state = tmp_path / "state"
    with umask(0o022):
        Outbox(state).close()
        CardCache(state).close()
    for name in ("outbox.sqlite", "card_cache.sqlite"):
        os.chmod(state / name, 0o666)
    Outbox(state).close()
    CardCache(state).close()
    assert loose_files(state) == {}


def test_kiosk_stamp_with_umask_000_leaves_no_readable_file(clean_shop):
    shop = clean_shop
    state = shop.state_dir()
    cfg = shop.config(state)
    res = subprocess.run(
        [sys.executable, "-m", "kiosk", "stamp", "--config", str(cfg), "--", shop.card()["token"]],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        preexec_fn=lambda: os.umask(0),
    )
    assert res.returncode == 0, res.stderr
    assert {p.name for p in state.iterdir()} >= {"outbox.sqlite", "card_cache.sqlite"}
    assert loose_files(state) == {}
