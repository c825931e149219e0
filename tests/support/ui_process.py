"""Run a file of UI cases in a pytest of its own: Kivy allows one window per process.

Why one helper: four UI suites (customer, accessibility, flashes, lottery spin) start their
cases this way; each had its own copy of the same eight lines.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_ui_cases(cases: str, shots: Path | str, *select: str, surface: str = "") -> set[str]:
    """Run `cases` (a path under the repo) offscreen; fail on any failed case; return the
    names of the PNGs in `shots` afterwards (the screenshots the cases took)."""
    env = {**os.environ, "KIOSK_UI_SHOTS": str(shots)}
    if surface:
        env["KIOSK_UI_SURFACE"] = surface
    env.pop("DISPLAY", None)  # SDL offscreen, the same on every machine
    cmd = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
    cmd += [str(ROOT / cases), *select]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    assert proc.returncode == 0, proc.stdout[-6000:]
    assert " passed" in proc.stdout
    return {p.name for p in Path(shots).glob("*.png")}


def shots_dir(tmp_path: Path) -> Path:
    """$KIOSK_UI_SHOTS when set (to look at the screenshots afterwards), else a temp folder."""
    return Path(os.environ.get("KIOSK_UI_SHOTS") or tmp_path / "shots")
