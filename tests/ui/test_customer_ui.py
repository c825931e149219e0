"""Runs tests/ui/customer_ui_cases.py in its own process: one Kivy window per process.

Two passes: everything on a 1280x1280 offscreen surface (cheap to render), then only the
1920-pixel layouts on a 1920x1920 surface (SDL's offscreen surface cannot grow later).
Screenshots land in $KIOSK_UI_SHOTS when set (to look at them), else in a temp folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.ui_process import run_ui_cases, shots_dir

CASES = "tests/ui/customer_ui_cases.py"


@pytest.mark.ui
def test_customer_ui(tmp_path: Path) -> None:
    shots = shots_dir(tmp_path)
    run_ui_cases(CASES, shots, "-k", "not big_sizes", surface="1280x1280")
    names = run_ui_cases(CASES, shots, "-k", "big_sizes", surface="1920x1920")
    for lang in ("en", "ko", "zh", "et"):
        for screen in ("attract", "working", "card", "reward", "vouchers", "voucher", "redeemed"):
            assert f"1280x800-{lang}-{screen}.png" in names
    assert "1080x1920-zh-redeemed.png" in names and "480x800-et-card.png" in names
