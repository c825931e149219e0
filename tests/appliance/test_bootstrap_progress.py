"""bootstrap.sh says what it is waiting for during its silent minutes (scripts/heartbeat.sh).

The real script runs in a copy of the repository's files with stand-ins at the process
boundary: a dpkg-query that reports every package installed, and a PYTHON whose venv's
python takes 3 s per `pip install` and prints nothing, like `pip -q` on a Pi.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

VENV_PYTHON = """#!/bin/bash
echo "$*" >> "$(dirname "$0")/../calls.log"
[[ $* == *"pip install"* ]] && sleep 3
exit 0
"""

PYTHON = """#!/bin/bash
if [[ $1 == --version ]]; then echo "Python 3.11.7"; exit 0; fi
if [[ $1 == -m && $2 == venv ]]; then
  mkdir -p "$3/bin"
  cp "$(dirname "$0")/venv-python" "$3/bin/python"
  chmod +x "$3/bin/python"
fi
"""


def stand_in(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_bootstrap_names_the_running_step_while_pip_is_silent(tmp_path):
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("bootstrap.sh", "heartbeat.sh"):
        shutil.copy(ROOT / "scripts" / name, repo / "scripts" / name)
    for name in ("pyproject.toml", "requirements.lock"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, repo / name)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    stand_in(bin_dir, "dpkg-query", "#!/bin/sh\nprintf 'install ok installed'\n")
    stand_in(bin_dir, "venv-python", VENV_PYTHON)
    python = stand_in(bin_dir, "python", PYTHON)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PYTHON": str(python),
        "BOOTSTRAP_TICK_S": "1",
    }
    t0 = time.monotonic()
    res = subprocess.run(
        ["bash", "scripts/bootstrap.sh"], cwd=repo, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    took = time.monotonic() - t0
    assert res.returncode == 0, res.stdout + res.stderr
    assert "pip install" in (repo / ".venv" / "calls.log").read_text()
    ticks = [line for line in res.stdout.splitlines() if "still working" in line]
    assert ticks, res.stdout
    assert any("pip install" in line for line in ticks), ticks
    assert "s so far" in ticks[-1]
    assert took < 30  # the heartbeat ends with the script; nothing waits for its sleep
