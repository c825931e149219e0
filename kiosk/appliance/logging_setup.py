"""Logging for the journal: one greppable line per event, secrets never written.

Format: `LEVEL logger: message`. Under systemd (JOURNAL_STREAM set) each line starts with
a `<N>` syslog priority prefix, which journald turns into the entry's priority (so
`journalctl -p warning -u kiosk` works) and no timestamp (journald adds its own). On a
terminal the line gets a timestamp instead.

Redaction happens in the formatter, after the message, its arguments AND any traceback
are rendered, so no path around it exists: Bearer headers, `token=`/`pin=`/`password=`
style pairs, pairing payloads, and every exact secret registered with `register_secret()`
(the device token registers itself when read) are replaced by `[REDACTED]`.
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

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + REDACTED),
    (
        re.compile(
            r"(?i)\b([\w-]*(?:token|pin|password|passwd|secret|api[_-]?key|pairing[_-]?code))"
            r"(\"?\s*[:=]\s*\"?)([^\s\"',;&}]+)"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)\b(x-admin-token|authorization)(\s*:\s*)([^\r\n]+)"), r"\1\2" + REDACTED),
    (re.compile(r"(KIOSK-PAIR:[^#\s]*#)\S+"), r"\1" + REDACTED),
    # a wallet card's token in an URL path is as good as the card: keep it out too
    (re.compile(r"(/by-token/|/c/)[A-Za-z0-9_-]{6,}"), r"\1" + REDACTED),
]

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str | None) -> None:
    """Remember an exact secret (device token, staff token) so it is redacted wherever it appears."""
    if value and len(value) >= _MIN_SECRET_LEN:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Replace every known secret and every secret-looking pair in `text`."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


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
        except Exception:  # noqa: BLE001 - logging must never raise into the app; handleError reports it
            self.handleError(record)

    def tail(self, n: int = 20) -> list[str]:
        return list(self.lines)[-n:]


RECENT = RecentLines()


def setup_logging(
    level: str = "INFO", *, stream=None, journal: bool | None = None
) -> logging.Handler:
    """Install one redacting handler on the root logger (idempotent: replaces our old one)."""
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
