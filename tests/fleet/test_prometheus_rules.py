"""The shipped alert rules: valid for promtool, and each alert fires on its injected fault
(printer unplugged, silent kiosk, stale outbox, camera without frames, rollback) in
promtool's own rule unit tests. promtool comes from Debian's `prometheus` package, which
.ci/run installs; without it these tests skip and say so."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROM = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool missing: apt-get install prometheus (CI installs it)"
)


def promtool(*args: str, cwd: Path = PROM) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@needs_promtool
def test_rules_pass_promtool_check() -> None:
    r = promtool("check", "rules", "rules/stampkiosk.rules.yml")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS: 6 rules found" in r.stdout


@needs_promtool
def test_rule_unit_tests_pass() -> None:
    r = promtool("test", "rules", "stampkiosk.test.yml", cwd=PROM / "tests")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "SUCCESS" in r.stdout


@needs_promtool
def test_example_config_is_valid() -> None:
    r = promtool("check", "config", "--syntax-only", "prometheus.yml")
    assert r.returncode == 0, r.stdout + r.stderr


@needs_promtool
def test_a_broken_rule_test_fails(tmp_path: Path) -> None:
    """The unit tests can fail: an alert expected too early is reported."""
    text = (PROM / "tests" / "stampkiosk.test.yml").read_text()
    (tmp_path / "rules").mkdir()
    shutil.copy(PROM / "rules" / "stampkiosk.rules.yml", tmp_path / "rules")
    (tmp_path / "t").mkdir()
    broken = text.replace(
        "      - eval_time: 4m\n        alertname: KioskNotSeen\n        exp_alerts: []",
        "      - eval_time: 1m\n        alertname: KioskNotSeen\n"
        "        exp_alerts: [{exp_labels: {severity: page}}]",
    )
    assert broken != text
    (tmp_path / "t" / "x.test.yml").write_text(broken)
    r = promtool("test", "rules", "x.test.yml", cwd=tmp_path / "t")
    assert r.returncode != 0
