"""`kiosk stamp`, `kiosk sync`, `kiosk outbox`: shapes, exit codes, confirmation, no token leaks.

Most calls go through kiosk.cli.main in-process (the same code as the console script);
the exit-code contract is also checked once through real `python -m kiosk` processes.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from kiosk.cli import main
from kiosk.outbox import OpState, Outbox

ROOT = Path(__file__).resolve().parents[2]


def now() -> datetime:
    return datetime.now(UTC)


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stamp_exit_codes_through_real_processes(clean_shop):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state))
    card = shop.card()

    def kiosk(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *argv], capture_output=True, text=True, cwd=ROOT
        )

    added = kiosk("stamp", "--config", cfg, "--json", "--", card["token"])
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["outcome"] == "added"
    shop.proxy.set("reset")
    queued = kiosk("stamp", f"https://loyalty.example.com/c/{card['token']}", "--config", cfg)
    assert queued.returncode == 0 and "saved" in queued.stdout
    assert card["token"] not in queued.stdout + queued.stderr  # never echo the credential
    shop.proxy.set("pass")
    synced = kiosk("sync", "--config", cfg)
    assert synced.returncode == 0 and "1 sent" in synced.stdout
    assert "[" in synced.stderr and "1/1 sent" in synced.stderr  # the progress bar
    assert len(shop.ledger(card["id"])) == 2


def test_stamp_outcomes_and_codes(clean_shop, capsys, tmp_path):
    shop = clean_shop
    cfg = str(shop.config(shop.state_dir()))
    card = shop.card()
    code, out, _ = run(capsys, "stamp", "--config", cfg, "--", card["token"])
    assert code == 0 and "stamp added" in out and "1 of 9" in out
    code, _, err = run(capsys, "stamp", "--config", cfg, "--", "no-such-card-token-00000")
    assert code == 1 and "does not know this card" in err
    # A token may start with '-' (base64url): still a token, not an unknown option.
    code, _, err = run(capsys, "stamp", "-Xno-such-card-token-0000", "--config", cfg)
    assert code == 1 and "does not know this card" in err
    code, _, err = run(capsys, "stamp", "--config", cfg, "--", "not a token!")
    assert code == 2 and "nothing recorded" in err
    key = "fixed-key-for-a-replay"
    first = run(capsys, "stamp", "--config", cfg, "--key", key, "--json", "--", card["token"])
    again = run(capsys, "stamp", "--config", cfg, "--key", key, "--json", "--", card["token"])
    assert json.loads(first[1])["stamp_id"] == json.loads(again[1])["stamp_id"]
    assert len(shop.ledger(card["id"])) == 2  # the same key never stamps twice
    # Not paired: no token file.
    unpaired = tmp_path / "unpaired.toml"
    unpaired.write_text(
        Path(cfg).read_text().replace(str(shop.root / "device.token"), str(tmp_path / "none"))
    )
    code, _, err = run(capsys, "stamp", "--config", str(unpaired), "--", card["token"])
    assert code == 78 and "provision" in err
    code, _, err = run(
        capsys, "stamp", "--config", str(tmp_path / "missing.toml"), "--", card["token"]
    )
    assert code == 78


def test_stamp_x_is_a_usage_error_before_config_pairing_or_cloud(clean_shop, capsys, tmp_path):
    """`kiosk stamp x` exits 2 as its help says: on a paired kiosk ('x' would otherwise go to
    the cloud and come back 'unknown card', 1) and without any config (78 otherwise)."""
    cfg = str(clean_shop.config(clean_shop.state_dir()))
    code, out, err = run(capsys, "stamp", "x", "--config", cfg, "--json")
    assert code == 2 and json.loads(out)["outcome"] == "invalid"
    assert "card_token_pattern" in err
    code, _, err = run(capsys, "stamp", "x", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "not a card token" in err


def test_stamp_not_saved_is_75_and_says_so(clean_shop, capsys):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state, min_free_mb=10**9))  # more free space than any disk has
    code, out, err = run(capsys, "stamp", "--config", cfg, "--", shop.card()["token"])
    assert code == 75 and out == ""
    assert "NOT SAVED" in err and "disk is full" in err


def test_sync_progress_and_tempfail_while_the_cloud_fails(clean_shop, capsys):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state))
    cards = [shop.card() for _ in range(3)]
    shop.proxy.set("503")
    for c in cards:
        assert run(capsys, "stamp", "--config", cfg, "--", c["token"])[0] == 0
    code, out, err = run(capsys, "sync", "--config", cfg, "--timeout", "0.5")
    assert code == 75 and "3 still queued" in err and "stay safe" in err
    shop.proxy.set("pass")
    code, out, err = run(capsys, "sync", "--config", cfg, "--json")
    assert code == 0
    assert json.loads(out)["sent"] == 3 and json.loads(out)["remaining"] == 0
    assert "3/3 sent" in err


def test_outbox_list_status_retry_drop(clean_shop, capsys, monkeypatch):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state))
    card = shop.card()
    shop.proxy.set("reset")
    for _ in range(2):
        assert run(capsys, "stamp", "--config", cfg, "--", card["token"])[0] == 0
    code, out, _ = run(capsys, "outbox", "list", "--config", cfg)
    assert code == 0 and out.count("pending") == 2
    assert card["token"] not in out and card["token"][:4] in out  # masked
    rows = json.loads(run(capsys, "outbox", "list", "--config", cfg, "--json")[1])
    assert [r["state"] for r in rows] == ["pending", "pending"]
    status = json.loads(run(capsys, "outbox", "status", "--config", cfg, "--json")[1])
    assert status["queue_depth"] == 2 and status["full"] is False
    first, second = rows[0]["id"], rows[1]["id"]

    code, _, err = run(
        capsys,
        "outbox",
        "drop",
        str(second),
        "--config",
        cfg,
        stdin="no\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "not dropped" in err
    code, _, _ = run(
        capsys, "outbox", "drop", str(second), "--config", cfg, stdin="", monkeypatch=monkeypatch
    )
    assert code == 1  # no answer is no
    assert Outbox(state).get(second).state == OpState.PENDING
    code, out, _ = run(capsys, "outbox", "drop", str(second), "--config", cfg, "--yes")
    assert code == 0 and "dropped" in out
    assert run(capsys, "outbox", "drop", "9999", "--config", cfg, "--yes")[0] == 2

    code, out, _ = run(capsys, "outbox", "retry", str(first), "--config", cfg, "--json")
    assert code == 0 and json.loads(out)["idempotency_key"] == rows[0]["idempotency_key"]
    shop.proxy.set("pass")
    assert run(capsys, "sync", "--config", cfg)[0] == 0
    assert len(shop.ledger(card["id"])) == 1  # the dropped one never went out
    code, out, _ = run(capsys, "outbox", "list", "--config", cfg, "--state", "all")
    assert "done" in out and "dropped by technician" in out
    # A dropped row can be queued again, with a fresh key.
    code, out, _ = run(capsys, "outbox", "retry", str(second), "--config", cfg, "--json")
    assert json.loads(out)["idempotency_key"] != rows[1]["idempotency_key"]
    assert run(capsys, "sync", "--config", cfg)[0] == 0
    assert len(shop.ledger(card["id"])) == 2


def test_two_sync_processes_at_once_never_send_a_row_twice(clean_shop):
    """The claims: the kiosk's worker and a technician's `kiosk sync` share one outbox."""
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state, sync_concurrency=2))
    svc = shop.services(state)
    cards = [shop.card() for _ in range(6)]
    shop.proxy.set("reset")
    for i in range(48):
        assert svc.stamps.stamp(cards[i % 6]["token"], scanned_at=now()).acknowledged
    svc.close()
    shop.opened.remove(svc)
    shop.proxy.set("delay_answer", delay_s=0.1)  # ~2.5 s of work: the two overlap
    seen = len(shop.proxy.lines)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "kiosk", "sync", "--config", cfg, "--timeout", "60"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    posts = [
        line for line in shop.proxy.lines[seen:] if line.startswith("POST") and "/stamps" in line
    ]
    assert len(posts) == 48  # each row sent once, by one of the two
    sent = [int(out.split(" sent")[0]) for out, _ in results]
    assert sum(sent) == 48, sent
    assert sum(len(shop.ledger(c["id"])) for c in cards) == 48
