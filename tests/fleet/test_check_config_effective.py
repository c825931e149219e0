"""`kiosk check-config --effective` shows each value in force and where it came from:
default, file (kiosk.toml), environment, or cloud (the shop's last good set)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.cloud_settings import CloudStore, Stored


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(
        f'[device]\nstate_dir = "{tmp_path}"\n[ui]\nidle_timeout_s = 30\n'
        '[technician]\npin_sha256 = "' + "a" * 64 + '"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(cfg), "--effective", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_text_output_names_each_values_source(tmp_path: Path) -> None:
    CloudStore(tmp_path).save(
        Stored(good={"ui": {"languages": ["en", "et"], "idle_timeout_s": 90}}, good_at="t")
    )
    done = run(tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert '  [ui] languages = ["en", "et"]  (cloud)' in lines
    assert "  [ui] idle_timeout_s = 30.0  (file; the cloud's 90 not used)" in lines
    assert "  [ui] speech_volume = 80  (default)" in lines
    assert '  [technician] pin_sha256 = "<set>"  (file)' in lines
    assert "a" * 64 not in done.stdout


def test_json_output_carries_the_same_rows(tmp_path: Path) -> None:
    CloudStore(tmp_path).save(Stored(good={"ui": {"low_reach": True}}, good_at="t"))
    body = json.loads(run(tmp_path, "--json").stdout)
    rows = {(r["section"], r["key"]): r for r in body["effective"]}
    assert rows[("ui", "low_reach")] == {
        "section": "ui",
        "key": "low_reach",
        "value": True,
        "source": "cloud",
    }
    assert rows[("ui", "idle_timeout_s")]["source"] == "file"
    assert rows[("server", "settings_poll_s")] == {
        "section": "server",
        "key": "settings_poll_s",
        "value": 300.0,
        "source": "default",
    }
