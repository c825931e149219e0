"""The downgrade check orders versions exactly as dpkg does."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kiosk.appliance.updates.debversion import compare

PAIRS = [
    ("0.2.0~prev", "0.2.0"),
    ("0.2.0", "0.2.1"),
    ("0.2.9", "0.10.0"),
    ("0.3.0~rc1", "0.3.0~rc2"),
    ("1.0-1", "1.0-2"),
    ("9.9", "1:0.1"),
    ("1.0", "1.0a"),
    ("1.0+b1", "1.0.1"),
]


@pytest.mark.parametrize(("lower", "higher"), PAIRS)
def test_order(lower, higher):
    assert compare(lower, higher) == -1
    assert compare(higher, lower) == 1
    assert compare(lower, lower) == 0


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="dpkg not installed")
@pytest.mark.parametrize(("a", "b"), PAIRS + [("0.2.0~~", "0.2.0~"), ("1.0.0", "1.0")])
def test_agrees_with_dpkg(a, b):
    def dpkg(op: str) -> bool:
        return subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0

    expected = -1 if dpkg("lt") else (1 if dpkg("gt") else 0)
    assert compare(a, b) == expected
