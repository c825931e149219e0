"""Make untrusted scanner text safe: no control characters, bounded length.

Why: a scanner (or a malicious code) can carry ESC/POS, terminal escapes or megabytes; the
rest of the kiosk must only ever see printable text of a sane length.
"""

from __future__ import annotations

import unicodedata


def strip_controls(text: str) -> str:
    """Drop every Unicode control/format/surrogate/private-use character (Cc, Cf, Cs, Co)."""
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co"))


def clean_line(text: str, max_length: int) -> str | None:
    """Printable, trimmed text, or None when nothing is left or it is too long to be a scan."""
    out = strip_controls(text).strip()
    if not out or len(out) > max_length:
        return None
    return out
