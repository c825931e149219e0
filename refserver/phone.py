"""Phone numbers as E.164 ("+3725551234"): the one form cards store and lookups compare.

Why exact E.164 only: a lookup by phone must find one customer of this shop or nobody;
"ends with these digits" or a fuzzy match would let a stranger collect on someone else's
card. People type spaces, dashes, dots and brackets, and "00" for "+"; those are dropped.
A number without a country code cannot be made E.164 here and is refused.
"""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def normalize(raw: str | None) -> str | None:
    """E.164 for `raw`, or None when it is not a full international number."""
    if not raw:
        return None
    text = _SEPARATORS.sub("", raw.strip())
    if text.startswith("00"):
        text = "+" + text[2:]
    return text if _E164.match(text) else None
