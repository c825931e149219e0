"""Debian's version order (deb-version(7)), for the downgrade check of `kiosk update`.

Why not packaging.version: release versions are .deb versions ("0.3.0~rc1" sorts before
"0.3.0", epochs, revisions) and must order exactly as dpkg orders them, or a kiosk would
call an upgrade a downgrade that apt would accept (or the other way round).
"""

from __future__ import annotations

import re

_PART = re.compile(r"(\D*)(\d*)")


def _split(version: str) -> tuple[int, str, str]:
    epoch, _, rest = version.rpartition(":") if ":" in version else ("0", "", version)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "0")
    return int(epoch or 0), upstream, revision


def _order(ch: str) -> int:
    """dpkg's weight of one non-digit character: ~ first, then end, letters, the rest."""
    if ch == "~":
        return -1
    if ch.isalpha():
        return ord(ch)
    return ord(ch) + 256


def _cmp_nondigit(a: str, b: str) -> int:
    for i in range(max(len(a), len(b))):
        oa = _order(a[i]) if i < len(a) else 0
        ob = _order(b[i]) if i < len(b) else 0
        if oa != ob:
            return -1 if oa < ob else 1
    return 0


def _cmp_part(a: str, b: str) -> int:
    pa, pb = _PART.findall(a), _PART.findall(b)
    for i in range(max(len(pa), len(pb))):
        na, da = pa[i] if i < len(pa) else ("", "")
        nb, db = pb[i] if i < len(pb) else ("", "")
        c = _cmp_nondigit(na, nb)
        if c:
            return c
        ia, ib = int(da or 0), int(db or 0)
        if ia != ib:
            return -1 if ia < ib else 1
    return 0


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as `dpkg --compare-versions a lt/eq/gt b` would say."""
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _cmp_part(ua, ub) or _cmp_part(ra, rb)
