"""Config: every key documented, every problem named at once, env overrides, exit 78."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from kiosk.config import ConfigError, Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config" / "kiosk.example.toml"


def test_example_config_is_valid_and_documents_every_key():
    data = tomllib.loads(EXAMPLE.read_text())
    settings = load_settings(EXAMPLE)
    assert isinstance(settings, Settings)
    text = EXAMPLE.read_text()
    for section, model in Settings.model_fields.items():
        assert section in data, f"[{section}] missing from the example"
        for key in model.annotation.model_fields:
            # a key may be shown commented out (optional keys), but it must be there
            assert re.search(rf"^#?\s*{key}\s*=", text, re.M), f"[{section}] {key} undocumented"


def test_all_problems_reported_at_once_with_file_key_and_fix(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text('[printer]\nuri = "lpt:1"\nprofil = "x"\n[ui]\nidle_timeout_s = -1\n')
    with pytest.raises(ConfigError) as info:
        load_settings(bad)
    problems = {p.key: p for p in info.value.problems}
    assert set(problems) == {"[printer] uri", "[printer] profil", "[ui] idle_timeout_s"}
    assert all(p.file == str(bad) for p in problems.values())
    assert "profile" in problems["[printer] profil"].fix
    assert "tcp://" in problems["[printer] uri"].fix


def test_syntax_error_names_the_file(tmp_path):
    bad = tmp_path / "kiosk.toml"
    bad.write_text("[ui\nlanguage = 'en'\n")
    with pytest.raises(ConfigError) as info:
        load_settings(bad)
    assert info.value.problems[0].key == "(syntax)"


def test_env_override_wins_over_file(tmp_path):
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text("[ui]\nidle_timeout_s = 20\n")
    s = load_settings(
        cfg, environ={"KIOSK__UI__IDLE_TIMEOUT_S": "45", "KIOSK__PRINTER__URI": "file:/tmp/x"}
    )
    assert s.ui.idle_timeout_s == 45
    assert s.printer.uri == "file:/tmp/x"


def test_check_config_cli_exit_codes(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(EXAMPLE.read_text())
    bad = tmp_path / "bad.toml"
    bad.write_text('[server]\nurl = "ftp://x"\n[staff]\nmax_failures = 0\n')
    ok = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(good)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "from kiosk.toml" in ok.stdout  # which rule chose the server is said
    res = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(bad)], capture_output=True, text=True
    )
    assert res.returncode == 78
    assert "[server] url" in res.stderr and "[staff] max_failures" in res.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(tmp_path / "nope.toml")],
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 78 and "not found" in missing.stderr
