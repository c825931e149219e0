"""The scan router: what a payload is (ARCHITECTURE section 4), decided before anything else.

Why strict: a payload is untrusted text from a camera or a keyboard. It is classified by
full-match patterns with length bounds; anything that does not match exactly is UNKNOWN
and never leaves the device. classify() never raises, whatever it is given (a bad
pattern in the config included): the kiosk shows a calm "we can't read this" instead.

Order: pairing, staff badge (both by prefix), card URL, voucher URL, redeem code, bare
card token. Redeem codes come before bare tokens because their shapes overlap (16-32
upper-case letters and digits); a random URL-safe card token is practically never all
upper case.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

from kiosk.scan_kinds import ClassifiedScan, ScanKind
from kiosk.server_url import is_loopback

PAIRING_CODE = re.compile(r"[A-Za-z0-9-]{4,64}")
STAFF_BODY = re.compile(r"[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{4,128}")
HOST = re.compile(
    r"(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


def _unknown(reason: str) -> ClassifiedScan:
    return ClassifiedScan(ScanKind.UNKNOWN, reason=reason)


@functools.lru_cache(maxsize=64)
def _compile(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except (re.error, TypeError, ValueError):
        return None


def _match(pattern: str, text: str) -> re.Match[str] | None:
    rx = _compile(pattern)
    return rx.fullmatch(text) if rx is not None else None


def valid_server_url(url: str) -> str | None:
    """The URL normalised (no trailing slash) when it is a plain https URL, or http on loopback."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        return None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        return None
    if parts.query or parts.fragment or port == 0:
        return None
    if not (HOST.fullmatch(host) or _is_ip(host)):
        return None
    if parts.scheme == "http" and not is_loopback(host):
        return None
    if parts.path and not re.fullmatch(r"(/[A-Za-z0-9._~-]+)*/?", parts.path):
        return None
    return url.rstrip("/")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _pairing(body: str) -> ClassifiedScan:
    server, sep, code = body.rpartition("#")
    if not sep:
        return _unknown("pairing payload without '#<code>'")
    url = valid_server_url(server)
    if url is None:
        return _unknown("pairing payload with an invalid server URL")
    if not PAIRING_CODE.fullmatch(code):
        return _unknown("pairing payload with an invalid code")
    return ClassifiedScan(ScanKind.PAIRING, value=code, server=url)


def _group(m: re.Match[str], name: str) -> str | None:
    """The named group, or None when the configured pattern lacks it."""
    try:
        return m.group(name)
    except IndexError:
        return None


def classify(text: Any, settings: Any) -> ClassifiedScan:
    """What `text` is under the [scanner] patterns of `settings`; never raises."""
    try:
        return _classify(text, settings)
    except Exception as exc:  # last line of defence: a bug here must not crash a scan
        return _unknown(f"router error: {type(exc).__name__}")


def _classify(text: Any, s: Any) -> ClassifiedScan:
    if not isinstance(text, str):
        return _unknown("not text")
    text = text.strip()
    if not text:
        return _unknown("empty")
    if len(text) > s.max_payload_length:
        return _unknown("too long")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text):
        return _unknown("control characters")
    if not text.isascii():
        return _unknown("non-ASCII payload")  # every kind we accept is ASCII
    if text.startswith(s.pairing_prefix):
        return _pairing(text[len(s.pairing_prefix) :])
    if text.startswith(s.staff_badge_prefix):
        if STAFF_BODY.fullmatch(text[len(s.staff_badge_prefix) :]):
            return ClassifiedScan(ScanKind.STAFF_BADGE, value=text)
        return _unknown("malformed staff badge")
    m = _match(s.card_url_pattern, text)
    if m and (token := _group(m, "token")):
        return ClassifiedScan(ScanKind.CARD, value=token)
    m = _match(s.voucher_url_pattern, text)
    if m and (vid := _group(m, "voucher_id")):
        return ClassifiedScan(ScanKind.VOUCHER, value=vid, by_id=True)
    if _match(s.redeem_code_pattern, text):
        return ClassifiedScan(ScanKind.VOUCHER, value=text)
    if _match(s.card_token_pattern, text):
        return ClassifiedScan(ScanKind.CARD, value=text)
    return _unknown("no pattern matched")
