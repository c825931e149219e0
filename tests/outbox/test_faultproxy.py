"""The fault proxy itself: each fault does to a real HTTP server what it says."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.support.faultproxy import FaultProxy


class _Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    applied = 0

    def do_POST(self):  # http.server's naming
        n = int(self.headers.get("Content-Length", 0))
        self.rfile.read(n)
        type(self).applied += 1
        body = json.dumps({"applied": type(self).applied}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def upstream():
    _Counting.applied = 0
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def proxy(upstream):
    p = FaultProxy(upstream.server_address[1]).start()
    yield p
    p.stop()


def post(session, proxy, timeout=2.0):
    return session.post(proxy.url + "/api/v1/cards/x/stamps", json={"count": 1}, timeout=timeout)


def test_pass_and_errors_on_a_kept_alive_connection(proxy):
    s = requests.Session()
    assert post(s, proxy).json() == {"applied": 1}
    proxy.script("503", "502", "500")
    r503, r502, r500 = post(s, proxy), post(s, proxy), post(s, proxy)
    assert (r503.status_code, r502.status_code, r500.status_code) == (503, 502, 500)
    assert r503.headers["Content-Type"] == "application/problem+json"
    assert "Bad Gateway" in r502.text
    assert post(s, proxy).json() == {"applied": 2}  # errors were never forwarded


def test_reset_does_not_forward_drop_answer_does(proxy):
    s = requests.Session()
    proxy.set("reset")
    with pytest.raises(requests.ConnectionError):
        post(s, proxy)
    assert _Counting.applied == 0
    proxy.set("drop_answer")
    with pytest.raises(requests.ConnectionError):
        post(requests.Session(), proxy)
    assert _Counting.applied == 1  # applied, never acknowledged
    assert proxy.counts["applied_unacknowledged"] == 1


def test_delays_and_blackhole(proxy):
    proxy.set("delay_answer", delay_s=0.5)
    t = time.monotonic()
    assert post(requests.Session(), proxy).json() == {"applied": 1}
    assert time.monotonic() - t >= 0.5
    proxy.set("blackhole")
    with pytest.raises(requests.ReadTimeout):
        post(requests.Session(), proxy, timeout=0.3)
    assert _Counting.applied == 1


def test_only_limits_faults_to_matching_requests(proxy):
    proxy.set("503", only="/vouchers/")
    assert post(requests.Session(), proxy).status_code == 200
