"""GET /metrics on the reference cloud: the fleet from heartbeats, over real HTTP."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import requests

from kiosk.api import LoyaltyClient
from tests.support.refserver import RefServer


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of the one sample of `name` whose labels include `labels`."""
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+)(\{(.*)\})? (\S+)$", line)
        if not m or m.group(1) != name:
            continue
        pairs = re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(3) or "")
        have = {k: re.sub(r"\\(.)", lambda e: "\n" if e[1] == "n" else e[1], v) for k, v in pairs}
        if all(have.get(k) == v for k, v in labels.items()):
            return float(m.group(4))
    return None


def test_metrics_need_the_admin_token(refserver: RefServer) -> None:
    assert requests.get(refserver.url + "/metrics", timeout=5).status_code == 401
    bad = {"Authorization": "Bearer nope"}
    assert requests.get(refserver.url + "/metrics", headers=bad, timeout=5).status_code == 401


def test_fleet_metrics_from_heartbeats(refserver: RefServer) -> None:
    front = LoyaltyClient(refserver.url, refserver.pair_device("front"))
    back = LoyaltyClient(refserver.url, refserver.pair_device("back"))
    refserver.pair_device("never-booted")
    front.heartbeat(
        {
            "app_version": "1.4.0",
            "queue_depth": 3,
            "oldest_queued_s": 42.5,
            "printer": "paper out: load a new roll",
        }
    )
    back.heartbeat(
        {
            "app_version": "1.5.0",
            "queue_depth": 0,
            "printer": "ready",
            "details": {"printer_state": {"paper_out": False, "ready": True}},
        }
    )
    refserver.advance_clock(400)
    back.heartbeat({"app_version": "1.5.0", "queue_depth": 0, "printer": "ready"})

    auth = {"Authorization": f"Bearer {refserver.admin_token}"}
    r = requests.get(refserver.url + "/metrics", headers=auth, timeout=5)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = r.text
    assert sample(text, "stampkiosk_fleet_devices") == 3
    assert sample(text, "stampkiosk_fleet_devices_never_seen") == 1
    front_age = sample(text, "stampkiosk_fleet_last_seen_age_seconds", device="front")
    back_age = sample(text, "stampkiosk_fleet_last_seen_age_seconds", device="back")
    assert front_age is not None and 400 <= front_age < 460
    assert back_age is not None and back_age < 60
    assert sample(text, "stampkiosk_fleet_outbox_depth", device="front") == 3
    assert sample(text, "stampkiosk_fleet_outbox_oldest_age_seconds", device="front") == 42.5
    assert sample(text, "stampkiosk_fleet_version_info", device="front", version="1.4.0") == 1
    assert sample(text, "stampkiosk_fleet_printer_paper_out", device="front") == 1
    assert sample(text, "stampkiosk_fleet_printer_up", device="front") == 0
    assert sample(text, "stampkiosk_fleet_printer_paper_out", device="back") == 0
    assert sample(text, "stampkiosk_fleet_printer_up", device="back") == 1
    assert "never-booted" not in text

    # the X-Admin-Token header works too (curl by hand)
    r2 = requests.get(
        refserver.url + "/metrics", headers={"X-Admin-Token": refserver.admin_token}, timeout=5
    )
    assert r2.status_code == 200


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool missing: apt-get install prometheus"
)
def test_promtool_accepts_the_cloud_metrics(refserver: RefServer) -> None:
    client = LoyaltyClient(refserver.url, refserver.pair_device('front "1"\\'))
    client.heartbeat({"app_version": "1.0", "queue_depth": 1, "printer": "ready"})
    auth = {"Authorization": f"Bearer {refserver.admin_token}"}
    text = requests.get(refserver.url + "/metrics", headers=auth, timeout=5).text
    assert sample(text, "stampkiosk_fleet_outbox_depth", device='front "1"\\') == 1
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=text, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
