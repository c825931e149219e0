"""Checks on the configurable scan patterns, run when the config is read.

Why: the rule "an unknown scan never leaves the kiosk" (ARCHITECTURE section 4) holds only
while the patterns are tight. A pattern like `.*` would classify every QR code a customer
shows (Wi-Fi passwords, e-mail addresses, other shops' links) as a card or a redeem code
and send it to the cloud. So every pattern must compile, URL patterns must have the group
the router reads, and none may match any payload of PROBES: ordinary text that must stay
unknown whatever the shop configured.
"""

from __future__ import annotations

import re

# Payloads that are never a card, voucher or code: each holds a space, punctuation a token
# alphabet lacks, or is too short to be a token or code. Tests check the default patterns
# leave every one unknown.
PROBES: tuple[str, ...] = (
    "",
    "x",
    "42",
    "abc",
    "hello world",
    "Hello, world!",
    "Lorem ipsum dolor sit amet",
    "a b c",
    "123 456",
    "https://example.com/",
    "https://evil.example.net/phish?next=/c/abcdefgh",
    "http://192.168.1.1/login",
    "WIFI:S:CafeGuest;T:WPA;P:letmein123;;",
    "mailto:someone@example.com",
    "someone@example.com",
    "tel:+3725551234",
    "BEGIN:VCARD VERSION:3.0 FN:Mari Tamm END:VCARD",
    '{"a": 1}',
    "; DROP TABLE cards; --",
    "../../etc/passwd",
)

# pattern field -> the named group the router reads from it ("" = the whole match)
GROUPS = {
    "card_url_pattern": "token",
    "voucher_url_pattern": "voucher_id",
    "card_token_pattern": "",
    "redeem_code_pattern": "",
}


def pattern_problem(pattern: str, group: str = "") -> str | None:
    """Why `pattern` must not be used (it is matched whole against a scan), or None."""
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression ({exc})"
    if group and group not in rx.groupindex:
        return f"has no (?P<{group}>...) group, so nothing could be read from a match"
    for probe in PROBES:
        if rx.fullmatch(probe):
            shown = repr(probe) if probe else "an empty scan"
            return (
                f"matches ordinary text such as {shown}: such scans would be sent to the "
                "cloud instead of staying unknown on the kiosk"
            )
    return None
