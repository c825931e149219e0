"""Runs tests/ui/flash_ui_cases.py in its own process: one Kivy window per process.
#17's "nothing flashes more than 3 times a second", measured on the real window."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui_process import run_ui_cases, shots_dir


@pytest.mark.ui
def test_flash_ui(tmp_path: Path) -> None:
    names = run_ui_cases("tests/ui/flash_ui_cases.py", shots_dir(tmp_path))
    assert {"flash-reward-confetti.png", "flash-lottery-wheel-4.png"} <= names
