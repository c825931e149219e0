"""A real Prometheus (Debian's package) scraping the test fleet: the cloud's GET /metrics
and a kiosk's metrics textfile served as node_exporter serves it. An injected fault (the
kiosk's printer reports no paper) fires the shipped alert, pending at once and firing
after its `for: 1m`; every expression of the Grafana dashboard evaluates without error.
~75 s; skips where the prometheus binary is missing (CI installs it)."""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from devices.printer.status import PrinterStatus
from kiosk.api import LoyaltyClient
from kiosk.metrics.registry import COUNTERS, render
from kiosk.metrics.sample import Sources, families
from refserver.process import free_port
from tests.support.refserver import RefServer

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS = shutil.which("prometheus")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        PROMETHEUS is None, reason="prometheus missing: apt-get install prometheus (CI has it)"
    ),
]


class Textfile(http.server.BaseHTTPRequestHandler):
    """node_exporter's part in this test: GET /metrics answers the kiosk's file."""

    path_to_file: Path

    def do_GET(self) -> None:
        body = self.path_to_file.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def kiosk_exporter(tmp_path: Path) -> Iterator[str]:
    prom = tmp_path / "stampkiosk.prom"
    no_paper = PrinterStatus(online=False, paper_out=True, error="paper out: load a new roll")
    prom.write_text(render(families(Sources("1.0", printer=lambda: no_paper), COUNTERS)))
    handler = type("H", (Textfile,), {"path_to_file": prom})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def prometheus(tmp_path: Path, cloud: RefServer, kiosk: str) -> tuple[subprocess.Popen, str]:
    token = tmp_path / "admin-token"
    token.write_text(cloud.admin_token)
    rules = ROOT / "deploy" / "prometheus" / "rules" / "stampkiosk.rules.yml"
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(rules)],
        "scrape_configs": [
            {
                "job_name": "stampkiosk-cloud",
                "authorization": {"type": "Bearer", "credentials_file": str(token)},
                "static_configs": [{"targets": [f"127.0.0.1:{cloud.port}"]}],
            },
            {"job_name": "node", "static_configs": [{"targets": [kiosk]}]},
        ],
    }
    (tmp_path / "prometheus.yml").write_text(json.dumps(config))  # JSON is YAML
    port = free_port()
    assert PROMETHEUS is not None
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}",
         f"--storage.tsdb.path={tmp_path / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=open(tmp_path / "prometheus.log", "wb"), stderr=subprocess.STDOUT,  # noqa: SIM115
    )  # fmt: skip
    return proc, f"http://127.0.0.1:{port}"


def wait_for(what: str, check, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            got = check()
        except requests.RequestException:
            got = None
        if got:
            return got
        time.sleep(0.5)  # a real Prometheus evaluates on its own clock: poll, bounded
    raise AssertionError(f"timed out waiting for {what}")


def alerts(url: str, name: str) -> list[dict]:
    body = requests.get(url + "/api/v1/alerts", timeout=5).json()
    return [a for a in body["data"]["alerts"] if a["labels"]["alertname"] == name]


def paper_alert_sources(url: str) -> set[str]:
    """The jobs whose series have the paper alert pending or firing now."""
    return {a["labels"].get("job") for a in alerts(url, "KioskPrinterOutOfPaper")}


def test_prometheus_scrapes_the_fleet_and_the_paper_alert_fires(
    tmp_path: Path, refserver: RefServer, kiosk_exporter: str
) -> None:
    front = LoyaltyClient(refserver.url, refserver.pair_device("front"))
    front.heartbeat(
        {
            "app_version": "1.0",
            "queue_depth": 0,
            "printer": "paper out: load a new roll",
            "details": {"printer_state": {"ready": False, "paper_out": True}},
        }
    )
    proc, url = prometheus(tmp_path, refserver, kiosk_exporter)
    try:
        wait_for(
            "both targets up",
            lambda: (
                [
                    t["health"]
                    for t in requests.get(url + "/api/v1/targets", timeout=5).json()["data"][
                        "activeTargets"
                    ]
                ]
                == ["up", "up"]
            ),
            60,
        )
        # the cloud's and the kiosk's series are scraped on their own ticks, so one alert can
        # be pending a second before the other: wait for both, not for the first of them
        wait_for(
            "the alert pending from the cloud and from the kiosk",
            lambda: paper_alert_sources(url) == {"stampkiosk-cloud", "node"},
            30,
        )
        firing = wait_for(
            "the alert firing after its minute",
            lambda: [a for a in alerts(url, "KioskPrinterOutOfPaper") if a["state"] == "firing"],
            100,
        )
        assert firing
        assert not alerts(url, "KioskNotSeen")  # the kiosk was seen just now
        dashboard = json.loads((ROOT / "deploy" / "grafana" / "stampkiosk-fleet.json").read_text())
        for panel in dashboard["panels"]:
            for target in panel["targets"]:
                r = requests.get(url + "/api/v1/query", params={"query": target["expr"]}, timeout=5)
                assert r.json()["status"] == "success", (panel["title"], r.text)
        devices = requests.get(
            url + "/api/v1/query", params={"query": "sum(stampkiosk_fleet_devices)"}, timeout=5
        ).json()["data"]["result"]
        assert devices[0]["value"][1] == "1"
    finally:
        proc.terminate()
        proc.wait(20)
