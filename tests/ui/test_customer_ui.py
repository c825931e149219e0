"""Runs tests/ui/customer_ui_cases.py in its own process: one Kivy window per process.

Two passes: everything on a 1280x1280 offscreen surface (cheap to render), then only the
1920-pixel layouts on a 1920x1920 surface (SDL's offscreen surface cannot grow later).
Screenshots land in $KIOSK_UI_SHOTS when set (to look at them), else in a temp folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = str(ROOT / "tests/ui/customer_ui_cases.py")


def _run(shots: str, surface: str, *select: str) -> None:
    env = {**os.environ, "KIOSK_UI_SHOTS": shots, "KIOSK_UI_SURFACE": surface}
    env.pop("DISPLAY", None)  # SDL offscreen, the same on every machine
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", CASES, *select]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert " passed" in proc.stdout


@pytest.mark.ui
def test_customer_ui(tmp_path: Path) -> None:
    shots = os.environ.get("KIOSK_UI_SHOTS") or str(tmp_path / "shots")
    _run(shots, "1280x1280", "-k", "not big_sizes")
    _run(shots, "1920x1920", "-k", "big_sizes")
    names = {p.name for p in Path(shots).glob("*.png")}
    for lang in ("en", "ko", "zh", "et"):
        for screen in ("attract", "working", "card", "reward", "vouchers", "voucher", "redeemed"):
            assert f"1280x800-{lang}-{screen}.png" in names
    assert "1080x1920-zh-redeemed.png" in names and "480x800-et-card.png" in names
