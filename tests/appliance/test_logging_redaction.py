"""Logs: journal priority prefixes, and secrets replaced wherever they appear."""

from __future__ import annotations

import io
import logging

from kiosk.appliance.logging_setup import (
    REDACTED,
    RedactionFilter,
    redact,
    register_secret,
    setup_logging,
)


def capture(level: str = "DEBUG", journal: bool = False) -> tuple[io.StringIO, logging.Handler]:
    buf = io.StringIO()
    return buf, setup_logging(level, stream=buf, journal=journal)


def test_registered_secret_is_redacted_in_message_args_and_traceback():
    secret = "dvc_9f8e7d6c5b4a39281706f5e4d3c2b1a0"
    register_secret(secret)
    buf, handler = capture()
    log = logging.getLogger("kiosk.test")
    log.info("token loaded: %s", secret)
    log.debug(f"header {secret}")
    try:
        raise RuntimeError(f"server said no to {secret}")
    except RuntimeError:
        log.exception("boom")
    logging.getLogger().removeHandler(handler)
    out = buf.getvalue()
    assert secret not in out
    assert out.count(REDACTED) >= 3
    assert "RuntimeError" in out  # the traceback itself is kept


def test_patterns_catch_unregistered_secrets():
    cases = {
        "Authorization: Bearer abc.def-123": "abc.def-123",
        'staff login {"pin": "4711"}': "4711",
        "pin=4711 accepted": "4711",
        "device_token=zzzzzz9999": "zzzzzz9999",
        "X-Admin-Token: s3cr3t-admin": "s3cr3t-admin",
        "scanned KIOSK-PAIR:https://x.example#PAIR-7788": "PAIR-7788",
        "GET /api/v1/cards/by-token/AbCdEf123456 -> 404": "AbCdEf123456",
        "card https://shop.example/c/Zy0987654321xx": "Zy0987654321xx",
        "pairing_code: 991122": "991122",
    }
    for line, secret in cases.items():
        cleaned = redact(line)
        assert secret not in cleaned, cleaned
        assert REDACTED in cleaned


def test_ordinary_lines_are_untouched():
    for line in ["printer: paper out", "stamp queued (3 pending)", "camera 1280x720 @ 30 fps"]:
        assert redact(line) == line


def test_journal_format_has_priority_prefix_and_no_timestamp():
    buf, handler = capture("INFO", journal=True)
    logging.getLogger("kiosk.printer").warning("paper out")
    logging.getLogger("kiosk.flows").info("ready")
    logging.getLogger().removeHandler(handler)
    assert buf.getvalue().splitlines() == [
        "<4>WARNING kiosk.printer: paper out",
        "<6>INFO kiosk.flows: ready",
    ]


def test_setup_is_idempotent():
    buf1, _ = capture()
    buf2, h2 = capture()
    logging.getLogger("kiosk.x").info("once")
    logging.getLogger().removeHandler(h2)
    assert buf1.getvalue() == "" and buf2.getvalue().count("once") == 1


def test_filter_for_foreign_handlers():
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "auth %s", ("Bearer qwerty123",), None)
    assert RedactionFilter().filter(rec)
    assert rec.getMessage() == f"auth Bearer {REDACTED}"


def test_recent_lines_for_the_technician_screen_are_redacted_too():
    from kiosk.appliance.logging_setup import RECENT

    register_secret("recent-secret-abcdef")
    buf, handler = capture("INFO")
    logging.getLogger("kiosk.printer").warning("paper out; token recent-secret-abcdef")
    logging.getLogger().removeHandler(handler)
    assert RECENT.tail(1) and RECENT.tail(1)[0].endswith(f"paper out; token {REDACTED}")
