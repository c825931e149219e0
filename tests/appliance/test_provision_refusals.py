"""`kiosk provision` and `kiosk unpair` refuse BEFORE anything is spent or lost: files that
cannot be written are found before the one-time code is sent (the code still works
afterwards, no stray device), and stamps still waiting in the outbox block re-pairing and
unpairing unless --force, which then says how many were abandoned.

Why a file in the way of the folder: the tests may run as root, for whom permissions do
not stop a write; a path through a regular file (ENOTDIR) fails for everyone, exactly at
the point where a non-root `kiosk provision` meets /etc/kiosk.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kiosk.outbox import OpKind, Outbox, card_lane
from tests.appliance.helpers import kiosk_cli
from tests.appliance.test_provision import new_code, provision


def queue_stamps(state, n: int) -> None:
    box = Outbox(state)
    for i in range(n):
        token = f"waitingcard{i:08d}"
        box.enqueue(
            kind=OpKind.STAMP,
            lane=card_lane(token),
            key=f"wait-{i}",
            occurred_at=datetime.now(UTC),
            card_token=token,
        )
    box.close()


def pending(state) -> int:
    box = Outbox(state)
    try:
        return box.pending_count()
    finally:
        box.close()


def test_unwritable_config_dir_is_found_before_the_code_is_spent(shared_refserver, tmp_path):
    blocker = tmp_path / "etc"
    blocker.write_text("a file where the config folder should be\n")
    code = new_code(shared_refserver)
    res = provision(shared_refserver, blocker / "kiosk", code, "--no-doctor")
    assert res.returncode == 78, res.stdout + res.stderr
    assert "cannot write" in res.stderr and "pairing code was not used" in res.stderr
    # the same code still pairs: it was never sent
    ok = provision(shared_refserver, tmp_path / "good", code, "--no-doctor", "--json")
    assert ok.returncode == 0, ok.stderr


def test_unwritable_token_file_is_found_before_the_code_is_spent(shared_refserver, tmp_path):
    (tmp_path / "lib").write_text("not a folder\n")
    code = new_code(shared_refserver)
    res = provision(
        shared_refserver, tmp_path / "c", code, "--no-doctor", "--token-file",
        str(tmp_path / "lib" / "kiosk" / "device.token"),
    )  # fmt: skip
    assert res.returncode == 78 and "device.token" in res.stderr
    assert not (tmp_path / "c" / "kiosk.toml").exists()
    assert provision(shared_refserver, tmp_path / "c", code, "--no-doctor").returncode == 0


def test_reprovision_with_stamps_waiting_refuses_then_force_abandons(shared_refserver, tmp_path):
    cfg_dir = tmp_path / "c"
    state = cfg_dir / "state"
    first = provision(shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor")
    assert first.returncode == 0, first.stderr
    old_token = (cfg_dir / "device.token").read_text()
    queue_stamps(state, 3)
    code = new_code(shared_refserver)
    res = provision(shared_refserver, cfg_dir, code, "--no-doctor")
    assert res.returncode == 1
    assert "3 stamp(s)" in res.stderr and "--force" in res.stderr and "sync" in res.stderr
    assert (cfg_dir / "device.token").read_text() == old_token and pending(state) == 3
    forced = provision(shared_refserver, cfg_dir, code, "--no-doctor", "--force", "--json")
    assert forced.returncode == 0, forced.stderr  # the refused code was never spent
    assert json.loads(forced.stdout)["abandoned"] == 3
    assert (cfg_dir / "device.token").read_text() != old_token and pending(state) == 0
    human = provision(shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor")
    assert human.returncode == 0 and "abandoned" not in human.stdout  # nothing waits now


def test_unpair_with_stamps_waiting_refuses_then_force_says_how_many(shared_refserver, tmp_path):
    cfg_dir = tmp_path / "c"
    state = cfg_dir / "state"
    assert (
        provision(shared_refserver, cfg_dir, new_code(shared_refserver), "--no-doctor").returncode
        == 0
    )
    queue_stamps(state, 2)
    cfg = str(cfg_dir / "kiosk.toml")
    res = kiosk_cli("unpair", "--config", cfg)
    assert res.returncode == 1 and "2 stamp(s)" in res.stderr and "--force" in res.stderr
    assert (cfg_dir / "device.token").exists() and pending(state) == 2
    forced = kiosk_cli("unpair", "--config", cfg, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "unpaired" in forced.stdout and "abandoned: 2 stamp(s)" in forced.stdout
    assert not (cfg_dir / "device.token").exists() and pending(state) == 0
    listed = kiosk_cli("outbox", "list", "--config", cfg, "--state", "dropped", "--json")
    assert listed.stdout.count("unpair --force") == 2  # kept for the record, with the reason
