"""The scan router: table-driven cases and a fuzz that it never raises, always a kind."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import ScannerSection
from kiosk.scan_kinds import ScanKind
from kiosk.scan_router import classify, valid_server_url

S = ScannerSection()
TOKEN = "AbCdEf123456789xyz_-Q"

CASES = [
    # (payload, kind, value, extra)
    (f"https://loyalty.example.com/c/{TOKEN}", ScanKind.CARD, TOKEN, {}),
    (f"http://127.0.0.1:8765/c/{TOKEN}", ScanKind.CARD, TOKEN, {}),
    (f"  https://loyalty.example.com/c/{TOKEN}\r\n", ScanKind.CARD, TOKEN, {}),
    (TOKEN, ScanKind.CARD, TOKEN, {}),
    ("https://loyalty.example.com/v/vch_123", ScanKind.VOUCHER, "vch_123", {"by_id": True}),
    ("SUMMER-2026", ScanKind.VOUCHER, "SUMMER-2026", {"by_id": False}),
    ("A1B2", ScanKind.VOUCHER, "A1B2", {}),
    ("STAFF:42:s3cr3t-badge", ScanKind.STAFF_BADGE, "STAFF:42:s3cr3t-badge", {}),
    (
        "KIOSK-PAIR:https://loyalty.example.com#ABCD-1234",
        ScanKind.PAIRING,
        "ABCD-1234",
        {"server": "https://loyalty.example.com"},
    ),
    (
        "KIOSK-PAIR:http://127.0.0.1:8765/#k7x9",
        ScanKind.PAIRING,
        "k7x9",
        {"server": "http://127.0.0.1:8765"},
    ),
    (
        "KIOSK-PAIR:https://shop.example.com:8443/api#CODE",
        ScanKind.PAIRING,
        "CODE",
        {"server": "https://shop.example.com:8443/api"},
    ),
]

UNKNOWN = [
    "",
    "   ",
    "hello world",
    "short",  # lower case, too short for a token, not a redeem code
    f"https://loyalty.example.com/c/{TOKEN}?x=1",  # anything after the token
    f"https://loyalty.example.com/c/{TOKEN}/../admin",
    f"javascript:alert(1)//c/{TOKEN}",
    "https://loyalty.example.com/c/abc",  # token too short
    "x" * 600,  # over max_payload_length
    "SUMMER\x1b[2J2026",  # terminal escape inside
    "SUMMER\u200b2026",  # zero-width space (format char)
    "ＳＵＭＭＥＲ-2026",  # full-width look-alikes
    "STAFF:",
    "STAFF:42",
    "STAFF:42:x y",
    "KIOSK-PAIR:https://loyalty.example.com",  # no code
    "KIOSK-PAIR:http://loyalty.example.com#ABCD",  # plain http off this machine
    "KIOSK-PAIR:https://user:pw@loyalty.example.com#ABCD",
    "KIOSK-PAIR:https://loyalty.example.com?x=1#ABCD",
    "KIOSK-PAIR:ftp://loyalty.example.com#ABCD",
    "KIOSK-PAIR:https://loyalty.example.com#AB",  # code too short
    "KIOSK-PAIR:https://loyalty.example.com#AB CD",
    "KIOSK-PAIR:https://bad_host!#ABCD",
    "KIOSK-PAIR:https://loyalty.example.com:99999#ABCD",
]


@pytest.mark.parametrize(("payload", "kind", "value", "extra"), CASES)
def test_known_kinds(payload: str, kind: ScanKind, value: str, extra: dict) -> None:
    got = classify(payload, S)
    assert got.kind == kind, got.reason
    assert got.value == value
    for key, want in extra.items():
        assert getattr(got, key) == want


@pytest.mark.parametrize("payload", UNKNOWN)
def test_unknown_never_leaves_the_device(payload: str) -> None:
    got = classify(payload, S)
    assert got.kind == ScanKind.UNKNOWN
    assert got.value == "" and got.server == ""
    assert got.reason  # a reason for the log


def test_patterns_are_configurable() -> None:
    custom = ScannerSection(
        staff_badge_prefix="EMP/",
        card_token_pattern=r"^CARD[0-9]{6}$",
        redeem_code_pattern=r"^R[0-9]{4}$",
        pairing_prefix="PAIR:",
    )
    assert classify("EMP/7:abcdef", custom).kind == ScanKind.STAFF_BADGE
    assert classify("STAFF:7:abcdef", custom).kind == ScanKind.UNKNOWN
    assert classify("CARD123456", custom).value == "CARD123456"
    assert classify("R1234", custom).kind == ScanKind.VOUCHER
    assert classify("PAIR:https://a.example#CODE1", custom).kind == ScanKind.PAIRING


def test_a_broken_pattern_in_the_config_gives_unknown_not_a_crash() -> None:
    # the config refuses these (tests/test_config_trust.py); the router still must not
    # crash if one slips past, so build the settings without validation
    defaults = ScannerSection().model_dump()
    broken = ScannerSection.model_construct(
        **defaults | {"card_url_pattern": "(unclosed", "card_token_pattern": "["}
    )
    assert classify(f"https://loyalty.example.com/c/{TOKEN}", broken).kind == ScanKind.UNKNOWN
    # a pattern without the named group is no match either
    nogroup = ScannerSection.model_construct(**defaults | {"card_url_pattern": r"^https://.*$"})
    assert classify("https://loyalty.example.com/v/abcd", nogroup).kind == ScanKind.VOUCHER


def test_non_text_input() -> None:
    for value in (None, b"SUMMER-2026", 42, ["x"]):
        assert classify(value, S).kind == ScanKind.UNKNOWN  # type: ignore[arg-type]


def test_server_url_validation() -> None:
    assert valid_server_url("https://a.example.com/") == "https://a.example.com"
    assert valid_server_url("http://localhost:8000") == "http://localhost:8000"
    assert valid_server_url("http://[::1]:8000") == "http://[::1]:8000"
    assert valid_server_url("http://10.0.0.5:8000") is None
    assert valid_server_url("https://") is None
    assert valid_server_url("https://a.example.com/a b") is None


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=700), st.binary(max_size=700).map(lambda b: b.decode("latin-1"))))
def test_fuzz_never_raises_always_a_kind(payload: str) -> None:
    got = classify(payload, S)
    assert isinstance(got.kind, ScanKind)
    if got.kind != ScanKind.UNKNOWN:
        assert got.value and got.value.isascii() and got.value.isprintable()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii"), max_size=80))
def test_fuzz_prefixed_payloads(rest: str) -> None:
    for prefix in ("KIOSK-PAIR:", "STAFF:", "https://loyalty.example.com/c/"):
        got = classify(prefix + rest, S)
        assert isinstance(got.kind, ScanKind)
        if got.kind == ScanKind.PAIRING:
            assert valid_server_url(got.server) == got.server
