"""Small helpers shared by the appliance tests: temp configs and running the CLI."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.cli import main
from kiosk.config import load_settings
from kiosk.files.toml_edit import set_keys
from tests.support.refserver import free_port


def closed_port_url() -> str:
    """An address where nothing listens: connection refused at once."""
    return f"http://127.0.0.1:{free_port()}"


def write_config(tmp_path: Path, **sections: dict[str, Any]) -> Path:
    state = tmp_path / "state"
    state.mkdir(exist_ok=True)
    base: dict[str, dict[str, Any]] = {
        "device": {"name": "bench-1", "state_dir": str(state)},
        "server": {"url": closed_port_url(), "connect_timeout_s": 1.0, "read_timeout_s": 2.0},
        "scanner": {"camera": ""},
        "printer": {"uri": f"preview:{tmp_path / 'prints'}"},
    }
    for name, values in sections.items():
        base.setdefault(name, {}).update(values)
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(set_keys("", base))
    return cfg


def context(cfg: Path, **kw: Any) -> DoctorContext:
    return DoctorContext(cfg, load_settings(cfg, environ={}), **kw)


def kiosk_cli(*args: str, env: dict[str, str] | None = None, input: str | None = None):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
    )


def doctor_json(cfg: Path, *extra: str, subprocess: bool = False) -> tuple[int, dict[str, Any]]:
    """`kiosk doctor --json` -> (exit code, report). In-process by default (the same
    `kiosk.cli.main` the console script runs; ~3 s less per call on a loaded machine)."""
    argv = ["doctor", "--config", str(cfg), "--json", *extra]
    if subprocess:
        res = kiosk_cli(*argv)
        assert res.stdout, res.stderr
        return res.returncode, json.loads(res.stdout)
    out = io.StringIO()
    root = logging.getLogger()
    handlers = list(root.handlers)
    try:
        with contextlib.redirect_stdout(out):
            code = main(argv)
    finally:
        root.handlers[:] = handlers  # doctor installs its own log handler; undo it
    return code, json.loads(out.getvalue())


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}
