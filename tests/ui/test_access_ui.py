"""Runs tests/ui/access_ui_cases.py in its own process: one Kivy window per process.
The contrast test and the keypad-only journey of #17 (they run in CI with the UI tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui_process import run_ui_cases, shots_dir


@pytest.mark.ui
def test_access_ui(tmp_path: Path) -> None:
    names = run_ui_cases("tests/ui/access_ui_cases.py", shots_dir(tmp_path))
    assert {"a11y-low-reach-en-card.png", "a11y-keypad-en-confirm.png"} <= names
