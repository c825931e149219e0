"""Damage and I/O errors are different things (issue 13, item 8).

Real faults, no mocks: a full disk is a small tmpfs filled to the last byte; an I/O error
is the kernel's own EIO (the cache path points at /proc/self/mem, whose offset 0 is not
mapped); damage is garbage bytes where a database should be.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kiosk.api.models import Card
from kiosk.card_cache import DB_NAME, CardCache
from kiosk.cli import main
from kiosk.outbox import DB_NAME as OUTBOX_DB
from kiosk.outbox import Outbox
from kiosk.state_files import move_aside
from tests.outbox.conftest import small_fs
from tests.outbox.test_store import add


def card(stamps: int = 2) -> Card:
    return Card.from_json(
        {"id": "c_1", "display_name": "Mari", "stamps": stamps, "goal": 9, "vouchers": []}
    )


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def aside(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".corrupt-" in p.name)


def test_full_disk_keeps_the_card_cache_where_it_is(tmp_path):
    folder = tmp_path / "state"
    with small_fs(folder, "256k") as mounted:
        if not mounted:
            pytest.skip("needs root to mount a small tmpfs")
        cache = CardCache(folder)
        cache.put("tok_1234567890abcdef", card())
        cache.close()
        before = (folder / DB_NAME).read_bytes()
        fill(folder)
        full = CardCache(folder)  # opening needs space (WAL index): the disk says no
        assert len(full) == 0 and full.card("tok_1234567890abcdef") is None
        full.close()
        assert aside(folder) == [], "a full disk is not damage: nothing is moved aside"
        assert (folder / DB_NAME).read_bytes() == before
        (folder / "filler").unlink()
        again = CardCache(folder)
        assert again.card("tok_1234567890abcdef").stamps == 2  # the cache was never lost
        again.close()


def test_io_error_keeps_the_card_cache_where_it_is(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    (folder / DB_NAME).symlink_to("/proc/self/mem")  # reads and writes there give EIO
    cache = CardCache(folder)
    assert len(cache) == 0
    cache.put("tok_1234567890abcdef", card())  # harmless: the cache is off
    assert aside(folder) == [] and (folder / DB_NAME).is_symlink()


def test_damage_is_moved_aside_under_names_that_never_collide(tmp_path):
    folder = tmp_path / "state"
    folder.mkdir()
    contents = []
    for n in range(3):  # three in the same second
        body = f"garbage {n} ".encode() * 300
        (folder / DB_NAME).write_bytes(body)
        contents.append(body)
        cache = CardCache(folder)
        cache.put("tok_1234567890abcdef", card(n))  # a fresh cache works at once
        assert cache.card("tok_1234567890abcdef").stamps == n
        cache.close()
        (folder / DB_NAME).unlink()
        for side in ("-wal", "-shm"):
            Path(f"{folder / DB_NAME}{side}").unlink(missing_ok=True)
    moved = aside(folder)
    assert len(moved) == 3
    assert sorted((folder / m).read_bytes() for m in moved) == sorted(contents)


def test_move_aside_never_overwrites(tmp_path):
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    names = []
    for path, body in ((first, b"one"), (second, b"two")):
        path.write_bytes(body)
        target = tmp_path / "x.db"
        path.rename(target)
        names.append(move_aside(target))
    assert names[0] != names[1]
    assert [n.read_bytes() for n in names] == [b"one", b"two"]


def outbox_status(capsys, cfg: Path, *extra: str) -> tuple[int, str]:
    code = main(["outbox", "status", "--config", str(cfg), *extra])
    return code, capsys.readouterr().out


def config_for(tmp_path: Path, state: Path) -> Path:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f'[device]\nstate_dir = "{state}"\n')
    return cfg


def test_outbox_status_on_a_damaged_file_says_corrupt_and_moves_nothing(tmp_path, capsys):
    state = tmp_path / "state"
    state.mkdir()
    garbage = b"this is not a database " * 200
    (state / OUTBOX_DB).write_bytes(garbage)
    cfg = config_for(tmp_path, state)
    code, out = outbox_status(capsys, cfg)
    assert code == 75 and "corrupt" in out and "queue depth 0" not in out
    code, out = outbox_status(capsys, cfg, "--json")
    report = json.loads(out)
    assert code == 75 and report["state"] == "corrupt" and report["queue_depth"] is None
    assert (state / OUTBOX_DB).read_bytes() == garbage  # read-only: still there, unchanged
    assert aside(state) == [] and not (state / "outbox.corrupt.json").exists()


def test_outbox_status_on_an_unreadable_file_says_unreadable(tmp_path, capsys):
    state = tmp_path / "state"
    state.mkdir()
    (state / OUTBOX_DB).symlink_to("/proc/self/mem")
    code, out = outbox_status(capsys, config_for(tmp_path, state))
    assert code == 75 and "unreadable" in out and "queue depth 0" not in out
    assert (state / OUTBOX_DB).is_symlink() and aside(state) == []


def test_outbox_status_counts_a_healthy_queue(tmp_path, capsys):
    state = tmp_path / "state"
    ob = Outbox(state)
    token = "tok_1234567890abcdef"
    add(ob, token)
    ob.close()
    code, out = outbox_status(capsys, config_for(tmp_path, state), "--json")
    assert code == 0 and json.loads(out)["queue_depth"] == 1
