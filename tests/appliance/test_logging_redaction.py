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


def test_staff_badges_and_bare_card_tokens_are_redacted():
    cases = {
        "badge login STAFF:7:s3cretBadge99 refused": "s3cretBadge99",
        "scan STAFF:anna-1:abcdefgh": "abcdefgh",
        "stamp for AbCdEf123456789xyz_-Q queued": "AbCdEf123456789xyz_-Q",
        "card abcdefghijklmnop1234 unknown": "abcdefghijklmnop1234",
        "token Zy_AbcdefGhijkLmnoP seen": "Zy_AbcdefGhijkLmnoP",  # no digit, still random
    }
    for line, secret in cases.items():
        cleaned = redact(line)
        assert secret not in cleaned and REDACTED in cleaned, cleaned
    assert redact("badge login STAFF:7:s3cretBadge99").startswith("badge login STAFF:7:")


def test_a_configured_badge_prefix_is_redacted_too():
    from kiosk.appliance.logging_setup import register_badge_prefix

    assert "EMP/4:zz9secretzz" in redact("EMP/4:zz9secretzz")
    register_badge_prefix("EMP/")
    assert redact("EMP/4:zz9secretzz") == f"EMP/4:{REDACTED}"


def test_ordinary_words_and_small_numbers_are_never_blanked():
    for line in [
        "device token: run 'kiosk provision' first",
        "pin attempts: 3",
        "pin: 3 wrong, 2 left",
        "spin=3",
        "token: missing",
        "password: none",
        "secret=run",
        "OutboxUnavailable: internationalization of read_timeout_s",
        "idempotency key 3f2b8c1e-1d2a-4b3c-9d8e-7f6a5b4c3d2e replayed",
        "moved to /var/lib/kiosk/outbox.sqlite.corrupt-20261203T131440Z-1a2b3c4d",
        "printer usb:04b8:0202 ready, KIOSK__SERVER__URL unset",
    ]:
        assert redact(line) == line
