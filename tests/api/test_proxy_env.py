"""A shop network may need an HTTP proxy: the client takes it from the environment once, at
creation (it no longer re-reads the environment and ~/.netrc on every request)."""

from __future__ import annotations

import socket
import threading

import pytest

from kiosk.api import LoyaltyClient, errors


def test_proxy_from_the_environment_is_used(monkeypatch):
    seen: list[bytes] = []
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def proxy() -> None:
        conn, _ = srv.accept()
        with conn:
            seen.append(conn.recv(4096))
            conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    t = threading.Thread(target=proxy, daemon=True)
    t.start()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{srv.getsockname()[1]}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = LoyaltyClient("http://loyalty.shop.invalid", "tok", retries=0, read_timeout=2)
    with pytest.raises(errors.ServerError):
        client.card_by_token("AbCdEfGh12345678")
    t.join(2)
    srv.close()
    assert seen and seen[0].startswith(b"GET http://loyalty.shop.invalid/api/v1/cards/by-token/")


def test_no_proxy_for_a_server_on_this_machine(monkeypatch, refserver):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    client = LoyaltyClient(refserver.url, refserver.pair_device(), retries=0)
    assert client.device().device_id
