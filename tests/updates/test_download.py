"""Release downloads over real HTTP: resumed after a cut, capped in rate, size+hash checked."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.api.release_download import DownloadError, RateLimit, download

BODY = bytes(range(256)) * 2048  # 512 KiB
SHA = hashlib.sha256(BODY).hexdigest()


class Server:
    """Serves BODY with Range support; `cut_after` drops the connection mid-body once."""

    def __init__(self) -> None:
        self.cut_after: int | None = None
        self.ranges: list[str | None] = []
        self.honour_range = True
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                rng = self.headers.get("Range")
                outer.ranges.append(rng)
                start = int(rng.split("=")[1].rstrip("-")) if rng and outer.honour_range else 0
                body = BODY[start:]
                self.send_response(206 if start else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if outer.cut_after is not None:
                    self.wfile.write(body[: outer.cut_after])
                    outer.cut_after = None
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/r.deb"


@pytest.fixture
def server():
    s = Server()
    yield s
    s.httpd.shutdown()


def test_a_cut_download_resumes_where_it_stopped(tmp_path, server):
    dest = tmp_path / "r.deb"
    server.cut_after = 200_000
    with pytest.raises(DownloadError) as info:
        download(server.url, dest, size=len(BODY), sha256=SHA, limit=RateLimit(0))
    assert info.value.retry
    kept = (tmp_path / "r.deb.part").stat().st_size
    assert 0 < kept <= 200_000  # whole chunks received before the cut
    got = download(server.url, dest, size=len(BODY), sha256=SHA, limit=RateLimit(0))
    assert got.resumed_from == kept and server.ranges[-1] == f"bytes={kept}-"
    assert dest.read_bytes() == BODY and not (tmp_path / "r.deb.part").exists()


def test_a_server_without_range_sends_it_all_again(tmp_path, server):
    dest = tmp_path / "r.deb"
    (tmp_path / "r.deb.part").write_bytes(BODY[:1000])
    server.honour_range = False
    download(server.url, dest, size=len(BODY), sha256=SHA, limit=RateLimit(0))
    assert dest.read_bytes() == BODY


def test_a_wrong_hash_is_not_kept(tmp_path, server):
    dest = tmp_path / "r.deb"
    with pytest.raises(DownloadError, match="sha256") as info:
        download(server.url, dest, size=len(BODY), sha256="0" * 64, limit=RateLimit(0))
    assert not info.value.retry and not dest.exists()
    assert not (tmp_path / "r.deb.part").exists()


def test_a_wrong_size_is_refused(tmp_path, server):
    with pytest.raises(DownloadError, match="announced"):
        download(server.url, tmp_path / "r.deb", size=len(BODY) - 1, sha256=SHA,
                 limit=RateLimit(0))  # fmt: skip


def test_the_rate_cap_sleeps_to_stay_under_budget():
    """FakeClock: 512 KiB at 128 KiB/s must take 4 s of (fake) sleeping, none when capped 0."""
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limit = RateLimit(128 * 1024, clock=lambda: now[0], sleep=sleep)
    for _ in range(8):
        limit.took(64 * 1024)
    assert sum(slept) == pytest.approx(4.0)
    free = RateLimit(0, clock=lambda: now[0], sleep=sleep)
    free.took(10**9)
    assert sum(slept) == pytest.approx(4.0)
