"""Config cannot open the kiosk up (issue 13, item 7): plain http:// to another machine,
URLs with a user or password, and scan patterns that would let unknown scans leave."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from pydantic import ValidationError

from kiosk.config import ConfigError, ScannerSection, load_settings
from kiosk.scan_kinds import ScanKind
from kiosk.scan_patterns import GROUPS, PROBES
from kiosk.scan_router import classify


def check_config(tmp_path, body: str, *extra: str) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(body)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "check-config", str(cfg), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "url", ["http://loyalty.example.com", "http://192.168.1.20:8765", "http://10.0.0.5"]
)
def test_plain_http_to_another_machine_is_refused(tmp_path, url):
    res = check_config(tmp_path, f'[server]\nurl = "{url}"\n')
    assert res.returncode == 78, res.stdout + res.stderr
    assert "[server] url" in res.stderr and "https://" in res.stderr
    assert "allow_insecure_http" in res.stderr


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"]
)
def test_plain_http_on_this_machine_is_fine(tmp_path, url):
    res = check_config(tmp_path, f'[server]\nurl = "{url}"\n')
    assert res.returncode == 0, res.stderr
    assert "INSECURE" not in res.stderr


def test_allowed_insecure_http_warns_on_every_start(tmp_path, caplog):
    body = '[server]\nurl = "http://loyalty.lan:8765"\nallow_insecure_http = true\n'
    for _ in range(2):
        res = check_config(tmp_path, body)
        assert res.returncode == 0, res.stderr
        assert "INSECURE" in res.stderr and "in clear" in res.stderr
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        load_settings(tmp_path / "kiosk.toml", environ={})
    assert sum("INSECURE" in r.getMessage() for r in caplog.records) == 2


@pytest.mark.parametrize(
    "url",
    [
        "https://admin:hunter2secret@loyalty.example.com",
        "https://hunter2secret@loyalty.example.com",
        "http://admin:hunter2secret@127.0.0.1:8765",
    ],
)
def test_urls_with_user_or_password_are_refused_and_never_echoed(tmp_path, url):
    for extra in ((), ("--json",)):
        res = check_config(tmp_path, f'[server]\nurl = "{url}"\n', *extra)
        assert res.returncode == 78
        out = res.stdout + res.stderr
        assert "hunter2secret" not in out and "admin" not in out, out
        assert "password" in out
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "x.toml", must_exist=False, environ={"KIOSK__SERVER__URL": url})
    assert "hunter2secret" not in str(info.value)


def test_provision_refuses_the_same_urls_without_echo():
    from kiosk.appliance.provisioning import ProvisionError, validate_server_url

    for url in ("https://u:hunter2secret@x.example.com", "http://loyalty.example.com"):
        with pytest.raises(ProvisionError) as info:
            validate_server_url(url)
        assert "hunter2secret" not in str(info.value) + str(info.value.fix)


def test_default_patterns_leave_every_probe_unknown():
    settings = ScannerSection()
    for probe in PROBES:
        assert classify(probe, settings).kind == ScanKind.UNKNOWN, probe


LOOSE = [".*", ".+", r"[\s\S]*", r"\S+", ".{1,512}", "[a-z]+", r"\d+", "(?s:.*)"]


@pytest.mark.parametrize("field", sorted(GROUPS))
@pytest.mark.parametrize("loose", LOOSE)
def test_patterns_that_match_arbitrary_text_are_refused(field, loose):
    group = GROUPS[field]
    pattern = f"(?P<{group}>{loose})" if group else loose
    with pytest.raises(ValidationError) as info:
        ScannerSection.model_validate({field: pattern})
    assert "ordinary text" in str(info.value)


def test_bad_patterns_exit_78_naming_the_key(tmp_path):
    cases = {
        "card_url_pattern": "^https://shop.example/c/(.+)$",  # no token group
        "voucher_url_pattern": "^https://shop.example/v/([A-Z0-9]{6})$",  # no voucher_id
        "card_token_pattern": "([A-Za-z",  # does not compile
        "redeem_code_pattern": ".*",  # matches anything
    }
    body = "[scanner]\n" + "".join(f"{k} = '{v}'\n" for k, v in cases.items())
    res = check_config(tmp_path, body, "--json")
    assert res.returncode == 78
    problems = {p["key"]: p["problem"] for p in json.loads(res.stdout)["problems"]}
    assert set(problems) == {f"[scanner] {k}" for k in cases}
    assert "token" in problems["[scanner] card_url_pattern"]
    assert "voucher_id" in problems["[scanner] voucher_url_pattern"]
    assert "regular expression" in problems["[scanner] card_token_pattern"]
    assert "ordinary text" in problems["[scanner] redeem_code_pattern"]


def test_a_tight_custom_pattern_is_accepted():
    s = ScannerSection(card_url_pattern=r"^https://shop\.example/c/(?P<token>[A-Za-z0-9]{20})$")
    assert classify("https://shop.example/c/" + "A1" * 10, s).kind == ScanKind.CARD
