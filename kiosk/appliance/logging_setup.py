"""Logging for the journal: one greppable line per event, secrets never written.

Format: `LEVEL logger: message`. Under systemd (JOURNAL_STREAM set) each line starts with
a `<N>` syslog priority prefix, which journald turns into the entry's priority (so
`journalctl -p warning -u kiosk` works) and no timestamp (journald adds its own). On a
terminal the line gets a timestamp instead.

Redaction happens in the formatter, after the message, its arguments AND any traceback
are rendered, so no path around it exists: Bearer headers, `token=`/`pin=`/`password=`
style pairs whose value looks like a secret, pairing payloads, the secret part of staff
badges (`STAFF:<id>:<secret>`), bare card tokens (16+ characters mixing letters and
digits), and every exact secret registered with `register_secret()` (the device token
registers itself when read) are replaced by `[REDACTED]`. Ordinary words and small
numbers are never blanked: "pin attempts: 3" and "token: run kiosk provision" stay.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from collections import deque
from collections.abc import Mapping

REDACTED = "[REDACTED]"
_MIN_SECRET_LEN = (
    6  # shorter values (a 4-digit PIN) would blank ordinary numbers; patterns catch those
)
_CREDENTIAL_NAMES = r"[\w-]*(?:token|pin|password|passwd|secret|api[_-]?key|pairing[_-]?code)"
# a word that stands alone (not inside a path, a file name or a longer word)
_WORD = re.compile(r"(?<![\w./:-])[A-Za-z0-9_-]{16,128}(?![\w-])")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (re.compile(r"(?i)\b(x-admin-token|authorization)(\s*:\s*)([^\r\n]+)"), r"\1\2" + REDACTED),
    (re.compile(r"(KIOSK-PAIR:[^#\s]*#)\S+"), r"\1" + REDACTED),
    # a wallet card's token in an URL path is as good as the card: keep it out too
    (re.compile(r"(/by-token/|/c/)[A-Za-z0-9_-]{6,}"), r"\1" + REDACTED),
]
_PAIR = re.compile(rf"(?i)\b({_CREDENTIAL_NAMES})(\"?\s*[:=]\s*\"?)([^\s\"',;&}}]+)")

_secrets: set[str] = set()
_badge_prefixes: set[str] = {"STAFF:"}
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember an exact secret (device token, staff token) so it is redacted wherever it appears."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def register_badge_prefix(prefix: str | None) -> None:
    """Staff badges start with [scanner] staff_badge_prefix ("STAFF:" unless configured)."""
    if prefix:
        with _lock:
            _badge_prefixes.add(prefix)


def _badge_pattern() -> re.Pattern[str]:
    with _lock:
        prefixes = sorted(_badge_prefixes, key=len, reverse=True)
    alternatives = "|".join(re.escape(p) for p in prefixes)
    return re.compile(rf"({alternatives})([A-Za-z0-9_-]{{1,64}}:)[A-Za-z0-9_-]{{4,128}}")


def redact_badges(text: str) -> str:
    """A staff badge keeps its prefix and staff id; its secret part is replaced."""
    return _badge_pattern().sub(r"\1\2" + REDACTED, text)


def _secret_value(m: re.Match[str]) -> str:
    """Only a value that looks like a secret is replaced: "pin: 4711" is, while "token:
    run kiosk provision" or "pin attempts: 3" stay readable (a secret has >= 4 characters
    and a digit, a symbol, or length)."""
    value = m.group(3)
    looks_secret = len(value) >= 4 and (
        any(c.isdigit() for c in value) or not value.isalpha() or len(value) >= 12
    )
    return m.group(1) + m.group(2) + (REDACTED if looks_secret else value)


def _looks_like_token(word: str) -> bool:
    """A bare card token is random: letters AND digits, or both cases with '_' or '-'.
    Ordinary words, CamelCase names and snake_case keys have neither; UUIDs (idempotency
    keys, not secrets) are kept for tracing."""
    if _UUID.fullmatch(word):
        return False
    has_digit = any(c.isdigit() for c in word)
    has_alpha = any(c.isalpha() for c in word)
    mixed = any(c.islower() for c in word) and any(c.isupper() for c in word)
    return (has_digit and has_alpha) or (mixed and ("_" in word or "-" in word))


def _bare_tokens(text: str) -> str:
    return _WORD.sub(lambda m: REDACTED if _looks_like_token(m.group(0)) else m.group(0), text)


def redact(text: str) -> str:
    """Replace every known secret and every secret-looking pair, badge and token in `text`."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    text = redact_badges(text)
    text = _PAIR.sub(_secret_value, text)
    return _bare_tokens(text)


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole rendered line including tracebacks."""

    def __init__(self, journal: bool) -> None:
        fmt = "%(levelname)s %(name)s: %(message)s"
        super().__init__(fmt if journal else "%(asctime)s " + fmt)
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        text = redact(super().format(record))
        if self.journal:
            prio = _syslog_priority(record.levelno)
            # journald reads one entry per line: prefix each so a traceback keeps its priority
            text = "\n".join(f"<{prio}>{line}" for line in text.splitlines() or [""])
        return text


class RedactionFilter(logging.Filter):
    """For handlers we do not own: rewrites the record's message in place."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def _syslog_priority(levelno: int) -> int:
    if levelno >= logging.CRITICAL:
        return 2
    if levelno >= logging.ERROR:
        return 3
    if levelno >= logging.WARNING:
        return 4
    if levelno >= logging.INFO:
        return 6
    return 7


def under_journal(environ: Mapping[str, str] | None = None) -> bool:
    """True when stderr is connected to journald (systemd sets JOURNAL_STREAM)."""
    env = os.environ if environ is None else environ
    return bool(env.get("JOURNAL_STREAM"))


class RecentLines(logging.Handler):
    """The last N redacted log lines in memory, for the technician screen's log panel."""

    def __init__(self, capacity: int = 200) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(RedactingFormatter(journal=False))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record).splitlines()[0])
        except Exception:  # logging must never raise into the app
            self.handleError(record)

    def tail(self, n: int = 20) -> list[str]:
        return list(self.lines)[-n:]


RECENT = RecentLines()


def setup_logging(
    level: str = "INFO",
    *,
    stream=None,
    journal: bool | None = None,
    badge_prefix: str | None = None,
) -> logging.Handler:
    """Install one redacting handler on the root logger (idempotent: replaces our old one)."""
    register_badge_prefix(badge_prefix)
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_kiosk_handler", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(under_journal() if journal is None else journal))
    handler._kiosk_handler = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if RECENT not in root.handlers:
        root.addHandler(RECENT)
    root.setLevel(level)
    # urllib3 logs full URLs at DEBUG; keep it at INFO so a card token in a path stays out
    logging.getLogger("urllib3").setLevel(max(logging.INFO, root.level))
    return handler
