"""udev examples: every rule restricts access to a group, none is world-writable."""

from __future__ import annotations

import re
from pathlib import Path

RULES = sorted((Path(__file__).resolve().parents[2] / "config" / "udev").glob("*.rules"))


def test_rules_use_0660_and_a_group():
    assert RULES
    for path in RULES:
        lines = [
            ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")
        ]
        assert lines
        for line in lines:
            assert 'MODE="0660"' in line and re.search(r'GROUP="\w+"', line), line
            assert "0666" not in line and "uaccess" not in line
            assert re.search(r'ATTRS\{idVendor\}=="[0-9a-f]{4}"', line)
