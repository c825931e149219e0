"""Runs tests/ui/flash_ui_cases.py in its own process: one Kivy window per process.
#17's "nothing flashes more than 3 times a second", measured on the real window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = str(ROOT / "tests/ui/flash_ui_cases.py")


@pytest.mark.ui
def test_flash_ui(tmp_path: Path) -> None:
    shots = os.environ.get("KIOSK_UI_SHOTS") or str(tmp_path / "shots")
    env = {**os.environ, "KIOSK_UI_SHOTS": shots}
    env.pop("DISPLAY", None)  # SDL offscreen, the same on every machine
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", CASES]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert " passed" in proc.stdout
    names = {p.name for p in Path(shots).glob("*.png")}
    assert {"flash-reward-confetti.png", "flash-lottery-wheel-4.png"} <= names
