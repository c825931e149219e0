"""kill -9 of kiosk processes at random moments, many times: nothing told is lost, none twice.

A zygote forks real kiosk processes (`kiosk stamp` in a loop over three cards, or
`kiosk sync` draining a backlog) while the proxy in front of the server passes, delays,
drops answers after applying, fails with 503 or resets; each process is killed with
SIGKILL after a random delay. At the end a real `kiosk sync` process drains everything.

What "acknowledged" means here: `kiosk stamp` printed its outcome line (the customer was
told). A row committed an instant before the kill, with no line printed yet, is still
delivered (it was durably saved: the outbox cannot un-save it), so the server may hold
at most one more stamp per killed stamping process than lines printed; never fewer, and
never one twice.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.outbox import KEEP_DONE_ROWS, OpState, Outbox
from tests.outbox.conftest import FAST, _shop

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("OUTBOX_KILLS", "25" if FAST else "100"))


@pytest.fixture
def own_shop(tmp_path):
    yield from _shop(tmp_path)


class Zygote:
    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("zygote.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )

    def ask(self, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(10)


@pytest.mark.slow
def test_kill_9_at_random_moments_loses_nothing_told_and_doubles_nothing(own_shop):
    shop = own_shop
    seed = int(os.environ.get("OUTBOX_SEED", random.randrange(1 << 30)))
    print(f"OUTBOX_SEED={seed}")
    rng = random.Random(seed)
    cards = [shop.card() for _ in range(3)]
    state = shop.state_dir()
    cfg = str(shop.config(state))
    logs = shop.root / "logs"
    logs.mkdir()
    stamp_argv = [["stamp", "--config", cfg, "--json", "--", c["token"]] for c in cards]
    zygote = Zygote()
    stamp_kills = 0
    try:
        for i in range(KILLS):
            fault = rng.choices(
                ["pass", "drop_answer", "delay_answer", "503", "reset"], [5, 2, 2, 1, 1]
            )[0]
            shop.proxy.set(fault, delay_s=rng.choice([0.02, 0.1, 0.6]))
            if i % 5 == 4:  # kill the sync worker mid-drain
                argv, loop, delay = [["sync", "--config", cfg, "--timeout", "3"]], False, 0.4
            else:
                argv, loop, delay = stamp_argv, True, 0.8
                stamp_kills += 1
            pid = zygote.ask(argv=argv, out=str(logs / f"{i}.log"), loop=loop)["pid"]
            time.sleep(rng.uniform(0.0, delay))
            os.kill(pid, signal.SIGKILL)
            zygote.ask(reap=pid)
    finally:
        zygote.close()
        shop.proxy.set("pass")
    final = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "--config", cfg, "--timeout", "60", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert final.returncode == 0, final.stderr

    told: list[str] = []
    for log in logs.iterdir():
        text = log.read_text()
        assert "Traceback" not in text, text
        for line in text.splitlines():
            if line.startswith("{") and line.endswith("}"):
                out = json.loads(line)
                if out["acknowledged"]:
                    told.append(out["idempotency_key"])
    assert len(told) == len(set(told))
    assert len(told) >= KILLS // 3, "the loop stamped too little to mean anything"

    ob = Outbox(state)
    rows = {o.key: o for o in ob.list(("pending", "done", "rejected", "dropped"), limit=10**6)}
    assert all(o.state == OpState.DONE for o in rows.values()), "all delivered, none rejected"
    missing = [k for k in told if k not in rows]
    assert not missing, f"{len(missing)} acknowledged stamps lost"
    assert len(rows) < KEEP_DONE_ROWS, "pruning would blur the comparison: fewer kills"
    done_ids = [o.result["stamp_id"] for o in rows.values()]
    assert len(done_ids) == len(set(done_ids))
    ledger = [e["stamp_id"] for c in cards for e in shop.ledger(c["id"])]
    assert len(ledger) == len(set(ledger))
    assert sorted(ledger) == sorted(done_ids), "server ledger == durable rows, each once"
    unacknowledged = len(ledger) - len(told)
    assert 0 <= unacknowledged <= stamp_kills
    print(f"kills={KILLS} told={len(told)} server={len(ledger)} saved-not-told={unacknowledged}")
