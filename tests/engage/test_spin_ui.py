"""Runs spin_ui_cases.py in its own process (Kivy allows one window per process)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui_process import run_ui_cases, shots_dir


@pytest.mark.ui
def test_spin_ui(tmp_path: Path) -> None:
    names = run_ui_cases("tests/engage/spin_ui_cases.py", shots_dir(tmp_path))
    for lang in ("en", "ko", "zh", "et"):
        for kind in ("award", "voucher", "try_again", "no_prize"):
            assert f"{lang}-spin-{kind}.png" in names
