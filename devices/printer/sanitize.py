"""Make text from the network or a form safe to print.

WHY: python-escpos sends text as-is, so a voucher title of "\\x1b@\\x1dV\\x00" would reset
the printer and cut the paper, "\\x1bp\\x00" would open a cash drawer. Every string that
reaches the printer passes through clean_text first; the renderer then only ever emits
bytes >= 0x20 for text (plus the newline it adds itself).
"""

from __future__ import annotations

import re
import unicodedata

# Categories that never print: controls (C0, DEL, C1), format characters (bidi overrides
# such as U+202E that reorder what staff see vs. what prints, zero-width joiners, BOM),
# surrogates, private use, unassigned.
_DROP = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACES = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
ELLIPSIS = "…"


def clean_text(s: object, max_len: int, *, keep_newlines: bool = False) -> str:
    """Printable text only, at most `max_len` characters (cut with an ellipsis).

    CR, CRLF and the Unicode line/paragraph separators become a newline (a bare CR would
    overprint the line); tabs and other whitespace become one space; newlines survive only
    with keep_newlines (descriptions), and never more than one blank line in a row.
    """
    if s is None:
        return ""
    text = unicodedata.normalize("NFC", str(s))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for ch in text:
        if ch == "\n" or unicodedata.category(ch) in ("Zl", "Zp"):
            out.append("\n" if keep_newlines else " ")
        elif ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) not in _DROP:
            out.append(ch)
    cleaned = _SPACES.sub(" ", "".join(out))
    cleaned = "\n".join(line.strip() for line in cleaned.split("\n"))
    cleaned = _MANY_NEWLINES.sub("\n\n", cleaned).strip()
    if max_len <= 0:
        return ""
    if len(cleaned) > max_len:
        cleaned = cleaned[: max_len - 1].rstrip() + ELLIPSIS
    return cleaned


def drop_unprintable_symbols(s: str) -> str:
    """Remove emoji and other astral-plane symbols no receipt font has (they print as boxes)."""
    return "".join(
        ch for ch in s if not (ord(ch) > 0xFFFF and unicodedata.category(ch).startswith("S"))
    )


def has_control_bytes(s: str) -> bool:
    """True if `s` holds any character clean_text would drop (used by tests and checks)."""
    return any(unicodedata.category(ch) in _DROP for ch in s if ch != "\n")
