"""Runs spin_ui_cases.py in its own process (Kivy allows one window per process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.ui
def test_spin_ui(tmp_path: Path) -> None:
    shots = os.environ.get("KIOSK_UI_SHOTS") or str(tmp_path / "shots")
    env = {**os.environ, "KIOSK_UI_SHOTS": shots}
    env.pop("DISPLAY", None)
    cases = str(ROOT / "tests/engage/spin_ui_cases.py")
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", cases]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stdout[-6000:]
    names = {p.name for p in Path(shots).glob("*.png")}
    for lang in ("en", "ko", "zh", "et"):
        for kind in ("award", "voucher", "try_again", "no_prize"):
            assert f"{lang}-spin-{kind}.png" in names
