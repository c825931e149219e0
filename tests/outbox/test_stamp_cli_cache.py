"""`kiosk stamp` online leaves the card cache as fresh as the cloud (issue 13, item 11):
offline progress shown later must not be older than the stamps this kiosk just gave."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.card_cache import CardCache

ROOT = Path(__file__).resolve().parents[2]


def kiosk(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *argv], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_online_stamps_update_the_cache_before_the_command_exits(clean_shop):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state))
    card = shop.card()
    for n in (1, 2):
        res = kiosk("stamp", "--config", cfg, "--json", "--", card["token"])
        assert res.returncode == 0, res.stderr
        assert json.loads(res.stdout)["card"]["stamps"] == n
        cache = CardCache(state)
        cached = cache.card(card["token"])
        cache.close()
        assert cached is not None and cached.stamps == n == len(shop.ledger(card["id"]))


def test_offline_stamp_shows_how_old_the_known_progress_is(clean_shop):
    shop = clean_shop
    state = shop.state_dir()
    cfg = str(shop.config(state))
    card = shop.card()
    assert kiosk("stamp", "--config", cfg, "--", card["token"]).returncode == 0
    shop.proxy.set("reset")
    res = kiosk("stamp", "--config", cfg, "--", card["token"])
    assert res.returncode == 0 and "saved" in res.stdout
    assert "1 of" in res.stdout and "as of" in res.stdout
    res = kiosk("stamp", "--config", cfg, "--json", "--", card["token"])
    assert json.loads(res.stdout)["card_as_of"] is not None
