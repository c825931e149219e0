"""The client against servers that misbehave (raw sockets on 127.0.0.1): garbage, silence,
a trickle, a flood, a refused port. Each gives a typed error within the client's timeout,
and neither error messages nor logs ever carry the device token."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from kiosk.api import LoyaltyClient, errors, new_idempotency_key
from tests.api.conftest import Shop, now
from tests.support.refserver import free_port

TOKEN = "device-token-SECRET-5f3a9c"
TIMEOUT = 0.6


def answer_garbage(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"\x00\x17garbage that is not HTTP\r\n\r\n")


def answer_html_200(conn: socket.socket) -> None:
    conn.recv(65536)
    body = b"<html>proxy login</html>"
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def answer_wrong_shape(conn: socket.socket) -> None:
    conn.recv(65536)
    body = b'{"id": 1}'
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


def answer_500_html(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbad")


def never_answer(conn: socket.socket) -> None:
    conn.recv(65536)
    time.sleep(5)


def trickle(conn: socket.socket) -> None:
    """Headers at once, then one body byte every 0.2 s: each read is 'in time'."""
    conn.recv(65536)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    for _ in range(50):
        conn.sendall(b" ")
        time.sleep(0.2)


def flood(conn: socket.socket) -> None:
    conn.recv(65536)
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n["
    )
    chunk = b"1," * 32768
    for _ in range(200):
        conn.sendall(chunk)


@contextmanager
def raw_server(handler: Callable[[socket.socket], None]) -> Iterator[str]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def serve():
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            threading.Thread(target=_handle, args=(conn,), daemon=True).start()

    def _handle(conn):
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        t.join(1)
        sock.close()


def client(url: str) -> LoyaltyClient:
    return LoyaltyClient(url, TOKEN, connect_timeout=TIMEOUT, read_timeout=TIMEOUT, retries=0)


@pytest.mark.parametrize(
    ("handler", "expected"),
    [
        (answer_garbage, errors.Offline),
        (answer_html_200, errors.BadResponse),
        (answer_wrong_shape, errors.BadResponse),
        (answer_500_html, errors.ServerError),
        (never_answer, errors.Offline),
        (trickle, errors.Offline),
        (flood, errors.BadResponse),
    ],
)
def test_misbehaving_server_gives_a_typed_error_in_time(handler, expected, caplog):
    caplog.set_level(logging.DEBUG)
    with raw_server(handler) as url:
        start = time.monotonic()
        with pytest.raises(expected) as exc:
            client(url).card_by_token("card-token-xyz")
        took = time.monotonic() - start
    assert took < 2 * TIMEOUT + 0.5, f"{handler.__name__} took {took:.2f}s"
    assert isinstance(exc.value, errors.ApiError)
    assert exc.value.retryable
    _assert_no_token(exc.value, caplog)


def test_refused_port_is_offline_and_retried_with_backoff(caplog):
    caplog.set_level(logging.DEBUG)
    c = LoyaltyClient(
        f"http://127.0.0.1:{free_port()}", TOKEN, retries=2, backoff=0.05, connect_timeout=TIMEOUT
    )
    start = time.monotonic()
    with pytest.raises(errors.Offline) as exc:
        c.card_by_token("card-token-xyz")
    assert time.monotonic() - start >= 0.05 + 0.1  # two backoffs slept
    assert sum("retry" in r.getMessage() for r in caplog.records) == 2
    _assert_no_token(exc.value, caplog)


def test_unsafe_write_without_key_is_not_retried(caplog):
    caplog.set_level(logging.INFO)
    calls = []

    def count(conn):
        calls.append(1)
        answer_500_html(conn)

    with raw_server(count) as url:
        c = LoyaltyClient(url, TOKEN, retries=3, backoff=0.01)
        with pytest.raises(errors.ServerError):
            c.heartbeat({"queue_depth": 0})  # no Idempotency-Key: one attempt only
        assert len(calls) == 1
        with pytest.raises(errors.ServerError):
            c.add_stamp("crd_1", idempotency_key=new_idempotency_key(), occurred_at=now())
        assert len(calls) == 1 + 4


def test_token_never_in_errors_or_logs_against_the_real_server(shop: Shop, caplog):
    caplog.set_level(logging.DEBUG)
    errs = []
    for call in (
        lambda: shop.client.card_by_token("no-such-card-token-000"),
        lambda: shop.client.voucher("vch_nope"),
        lambda: shop.client.staff_login(pin="00000000"),
        lambda: LoyaltyClient(shop.server.url, TOKEN, retries=0).device(),
    ):
        with pytest.raises(errors.ApiError) as exc:
            call()
        errs.append(exc.value)
    for e in errs:
        for secret in (shop.device_token, TOKEN):
            assert secret not in str(e) and secret not in repr(e.problem)
    text = caplog.text
    assert shop.device_token not in text and TOKEN not in text
    assert shop.device_token not in repr(shop.client) and shop.device_token not in repr(
        vars(shop.client)
    )


def _assert_no_token(exc: errors.ApiError, caplog) -> None:
    chain, seen = [], exc
    while seen is not None:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for e in chain:
        assert TOKEN not in str(e) and "card-token-xyz" not in str(e)
    assert TOKEN not in caplog.text
