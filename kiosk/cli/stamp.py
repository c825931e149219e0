"""Stamp a card by its token (or card URL) through the same path as a customer's scan.

Exit codes: 0 the stamp is durably saved (added, or queued to be sent); 1 the cloud said
no (cooldown, unknown card); 2 not a card token; 75 NOT saved (disk full, read-only,
outbox full); 78 bad configuration or the kiosk is not paired.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime

from kiosk.cli import EX_CONFIG, EX_FAIL, EX_OK, EX_TEMPFAIL, EX_USAGE
from kiosk.cli._queue_common import explain, load
from kiosk.config import ConfigError, ScannerSection, load_settings
from kiosk.stamping import NotPaired, StampKind, StampOutcome, open_services, stamp_outcome_json

NAME = "stamp"
HELP = "stamp a card by token through the same path as a scan"

EXIT = {
    StampKind.ADDED: EX_OK,
    StampKind.SAVED_PENDING: EX_OK,
    StampKind.COOLDOWN: EX_FAIL,
    StampKind.CARD_NOT_FOUND: EX_FAIL,
    StampKind.REJECTED: EX_FAIL,
    StampKind.INVALID: EX_USAGE,
    StampKind.NOT_SAVED: EX_TEMPFAIL,
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("token", help="the card token, or the card URL a wallet pass carries")
    _dash_tokens_are_positional(p)
    p.add_argument("--json", action="store_true", help="print the outcome as one JSON object")
    p.add_argument(
        "--key", help="idempotency key (default: a new one); the same key never stamps twice"
    )
    p.add_argument("--at", help="scan time, ISO 8601 (default: now)")


def _dash_tokens_are_positional(p: argparse.ArgumentParser) -> None:
    """Card tokens are base64url: one in 64 starts with '-'. `kiosk stamp -Xy3...` must
    stamp that card, not fail as an unknown option, so an argument that is not one of
    this command's options is read as the token (`--` works as well)."""
    original = getattr(p, "_parse_optional", None)
    if original is None:
        return

    def parse_optional(arg_string: str):  # type: ignore[no-untyped-def]
        found = original(arg_string)
        candidates = found if isinstance(found, list) else [found]  # 3.12+ returns a list
        if found is not None and all(c is not None and c[0] is None for c in candidates):
            return None  # no such option: a positional (the token)
        return found

    p._parse_optional = parse_optional  # type: ignore[method-assign]


def _describe(o: StampOutcome) -> str:
    card = o.card
    progress = f"{card.display_name or 'card'}: {card.stamps} of {card.goal} stamps" if card else ""
    if o.kind == StampKind.ADDED:
        unlocked = "".join(f"\n  unlocked: {v.title}" for v in o.unlocked)
        return f"stamp added. {progress}{unlocked}"
    if o.kind == StampKind.SAVED_PENDING:
        age = f", as of {_age(o.card_as_of)}" if o.card_as_of else ""
        known = f" Last known {progress} (+{o.pending} pending{age})." if card else ""
        return (
            f"stamp saved; it will be added when the cloud answers ({explain(o.reason)}). "
            f"Pending for this card: {o.pending}.{known}"
        )
    if o.kind == StampKind.COOLDOWN:
        when = o.next_stamp_at.isoformat() if o.next_stamp_at else "later"
        return f"not added: this card was stamped moments ago; next stamp from {when}"
    if o.kind == StampKind.CARD_NOT_FOUND:
        return "not added: the cloud does not know this card"
    if o.kind == StampKind.NOT_SAVED:
        return f"NOT SAVED, nothing recorded or sent: {explain(o.reason)}"
    if o.kind == StampKind.INVALID:
        return "not a card token: nothing recorded or sent"
    return f"not added: the cloud refused ({o.reason})"


def card_token(raw: str, scanner: ScannerSection) -> str | None:
    """The token of a card URL or a bare card token ([scanner] patterns), else None. Not
    the scan router: the technician says it is a card, so a token that also looks like a
    redeem code is still a card here."""
    text = raw.strip()
    m = re.match(scanner.card_url_pattern, text)
    if m and m.groupdict().get("token"):
        return m.group("token")
    return text if re.match(scanner.card_token_pattern, text) else None


def _not_a_card(args: argparse.Namespace) -> int | None:
    """EX_USAGE when the argument is no card token or card URL, checked before anything
    else (config, pairing, cloud): `kiosk stamp x` is a usage error on every kiosk. The
    config's patterns decide when it loads, the defaults otherwise."""
    try:
        scanner = load_settings(args.config).scanner
    except ConfigError:
        scanner = ScannerSection()
    if card_token(args.token, scanner) is not None:
        return None
    outcome = StampOutcome(StampKind.INVALID, reason="not_a_card_token")
    if args.json:
        print(json.dumps(stamp_outcome_json(outcome)), flush=True)
    print(
        f"kiosk stamp: {_describe(outcome)} (expected a card URL or a card token matching "
        f"[scanner] card_token_pattern {scanner.card_token_pattern})",
        file=sys.stderr,
    )
    return EXIT[StampKind.INVALID]


def _age(at: datetime) -> str:
    """When the cloud last told us about the card, and how long ago (offline progress)."""
    seconds = max(0, int((datetime.now(UTC) - at).total_seconds()))
    ago = f"{seconds} s" if seconds < 120 else f"{seconds // 60} min"
    return f"{at.astimezone():%Y-%m-%d %H:%M}, {ago} ago"


def run(args: argparse.Namespace) -> int:
    if (usage := _not_a_card(args)) is not None:
        return usage
    settings = load(args)
    if isinstance(settings, int):
        return settings
    try:
        at = datetime.fromisoformat(args.at) if args.at else datetime.now(UTC)
    except ValueError:
        print(f"kiosk stamp: --at {args.at!r} is not an ISO 8601 time", file=sys.stderr)
        return EX_USAGE
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        services = open_services(settings)
    except NotPaired as exc:
        print(f"kiosk stamp: {exc}", file=sys.stderr)
        return EX_CONFIG
    token = card_token(args.token, settings.scanner) or ""
    outcome = services.stamps.stamp(token, scanned_at=at, key=args.key)
    if args.json:
        print(json.dumps(stamp_outcome_json(outcome)), flush=True)
    else:
        stream = sys.stdout if outcome.acknowledged else sys.stderr
        print(_describe(outcome), file=stream, flush=True)
    # No close(): a send still in flight after the deadline simply dies with the process;
    # the row stays pending and the next sync replays it with the same key.
    return EXIT[outcome.kind]
