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


def test_technician_pin_must_be_a_sha256_hex_digest_and_the_documented_recipes_work(tmp_path):
    """sha256sum's whole line ('<hash>  -') used to pass and then refuse every PIN."""
    import hashlib

    cfg = tmp_path / "kiosk.toml"
    digest = hashlib.sha256(b"482915").hexdigest()
    for bad, words in (
        (f"{digest}  -", "whole line"),
        ("482915", "not a SHA-256 hex digest"),
        (digest[:-1] + "g", "not a SHA-256 hex digest"),
    ):
        cfg.write_text(f'[technician]\npin_sha256 = "{bad}"\n')
        res = subprocess.run(
            [sys.executable, "-m", "kiosk", "check-config", str(cfg)],
            capture_output=True,
            text=True,
        )
        assert res.returncode == 78, bad
        assert "[technician] pin_sha256" in res.stderr and words in res.stderr
        assert "kiosk hash-pin" in res.stderr  # the fix names a recipe that works
        assert "482915" not in res.stderr  # neither the PIN nor its hash is echoed
    # the recipe the docs give, run by a real shell, gives a value check-config accepts
    shell = subprocess.run(
        ["sh", "-c", "printf %s 482915 | sha256sum | cut -d' ' -f1"],
        capture_output=True,
        text=True,
        check=True,
    )
    hashed = subprocess.run(
        [sys.executable, "-m", "kiosk", "hash-pin", "--bare"],
        input="482915\n",
        capture_output=True,
        text=True,
    )
    assert shell.stdout.strip() == hashed.stdout.strip() == digest
    cfg.write_text(f'[technician]\npin_sha256 = "{shell.stdout.strip().upper()}"\n')
    assert load_settings(cfg, environ={}).technician.pin_sha256 == digest
    short = subprocess.run(
        [sys.executable, "-m", "kiosk", "hash-pin"], input="12a4\n", capture_output=True, text=True
    )
    assert short.returncode == 2 and short.stdout == ""
    docs = (ROOT / "docs" / "technician.md").read_text() + EXAMPLE.read_text()
    assert "| sha256sum`" not in docs  # the recipe that printed "<hash>  -"


def test_the_example_the_package_installs_leaves_the_cloud_keys_to_the_cloud():
    """The .deb installs this file as /etc/kiosk/kiosk.toml, and a key set in it wins over
    the cloud: with `language = "en"` written out, no shop could ever change its language
    from the cloud. Cloud keys are shown commented out, at their defaults."""
    from kiosk.cloud_settings import CLOUD_KEYS

    settings = load_settings(EXAMPLE, environ={})
    pinned = {k for k in settings.explicit if k[1] in CLOUD_KEYS.get(k[0], ())}
    assert pinned == set()
    text = EXAMPLE.read_text()
    defaults = Settings()
    for section, keys in CLOUD_KEYS.items():
        for key in keys:
            line = re.search(rf"^# {key} = (.+)$", text, re.M)
            assert line, f"[{section}] {key} not shown commented out"
            shown = tomllib.loads(f"v = {line[1]}")["v"]
            assert shown == getattr(getattr(defaults, section), key), (section, key)


@pytest.mark.parametrize(
    ("uri", "shape"),
    [("usb:zz", "usb:VID:PID"), ("tcp://", "tcp://host:9100"), ("serial:", "serial:/dev/")],
)
def test_a_printer_uri_of_a_known_scheme_but_a_bad_shape_fails_at_load(uri, shape):
    """Parsed by the printer service's own parser (devices/printer/uri.py), not at first print."""
    from pydantic import ValidationError

    from kiosk.config import PrinterSection

    with pytest.raises(ValidationError, match=shape):
        PrinterSection(uri=uri)
    assert PrinterSection(uri="usb:04b8:0202").uri == "usb:04b8:0202"
