"""The layer map at run time: what a process really loads, beyond the static contracts
that `lint-imports` checks (pyproject.toml [tool.importlinter]). Each case imports a layer
in a fresh interpreter and lists the modules of other layers that came with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import importlib, json, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
banned = json.loads(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if any(m == b or m.startswith(b + ".") for b in banned))))
"""


def loaded(modules: list[str], banned: list[str], first: str = "") -> list[str]:
    """Modules of `banned` packages that running `first` and importing `modules` loaded."""
    out = subprocess.run(
        [sys.executable, "-c", first + PROBE, json.dumps(banned), *modules],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "KIVY_NO_ARGS": "1"},
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def test_the_flows_load_no_kivy_no_http_no_ui_cli_or_appliance():
    flows = [
        "kiosk.flows.runtime",
        "kiosk.flows.customer",
        "kiosk.flows.pairing",
        "kiosk.flows.staff",
        "kiosk.flows.technician",
    ]
    banned = ["kivy", "requests", "urllib3", "kiosk.ui", "kiosk.cli", "kiosk.appliance"]
    assert loaded(flows, banned) == []


def test_the_appliance_process_never_loads_the_reference_server():
    """`kiosk run`: the CLI with every command module, the parts and the app."""
    kiosk_run = ["kiosk.cli.run", "kiosk.cli._kiosk_parts", "kiosk.ui.app"]
    every_command = "from kiosk.cli import build_parser; build_parser()\n"
    assert loaded(kiosk_run, ["refserver"], first=every_command) == []


def test_the_reference_server_loads_no_kiosk_and_devices_no_kiosk():
    assert loaded(["refserver"], ["kiosk"]) == []
    assert loaded(["devices.printer.service", "devices.scanner.manager"], ["kiosk"]) == []


def test_the_probe_sees_a_banned_module_when_there_is_one():
    """The check above can fail: kiosk.ui.app does load Kivy."""
    assert "kivy" in loaded(["kiosk.ui.app"], ["kivy"])
