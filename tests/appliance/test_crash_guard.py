"""The crash-loop guard: one reboot per crash loop, then out of service, never a loop.

The reboot is a stand-in executable that records being called (the machine's boundary);
the state dir and the /run marker are real files. Under booted systemd the same policy is
exercised by `make system-test` (deploy/systest/crash_loop.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.appliance import crash_guard as cg


@pytest.mark.parametrize(
    ("result", "status", "count", "gave_up", "action"),
    [
        ("signal", "9", 0, False, "reboot"),  # start limit hit after kills: Result= keeps "signal"
        ("start-limit-hit", "0", 0, False, "reboot"),
        ("watchdog", "6", 1, False, "out-of-service"),
        ("oom-kill", "9", 3, False, "out-of-service"),
        ("signal", "9", 1, True, "stay-down"),
        ("exit-code", "78", 0, False, "ignore"),  # a bad config: never a reboot
        ("success", "0", 0, False, "ignore"),
    ],
)
def test_decide(result, status, count, gave_up, action):
    assert cg.decide(result, status, count, gave_up) == action


@pytest.fixture
def machine(tmp_path, monkeypatch):
    """A state dir, a /run marker path and a reboot command that only leaves a mark."""
    marks = tmp_path / "reboots"
    script = tmp_path / "fake-reboot"
    script.write_text(f"#!/bin/sh\necho reboot >> {marks}\n")
    script.chmod(0o755)
    monkeypatch.setenv(cg.REBOOT_ENV, str(script))
    monkeypatch.setattr(cg, "_unit_result", lambda: ("signal", "9"))
    started: list[list[str]] = []
    real_run = cg.subprocess.run

    def run(cmd, **kw):
        if cmd[0] == "systemctl":
            started.append(cmd)
            return None
        return real_run(cmd, **kw)

    monkeypatch.setattr(cg.subprocess, "run", run)
    state = tmp_path / "state"
    state.mkdir()
    return state, tmp_path / "run" / "out-of-service", marks, started


def test_one_reboot_then_out_of_service_then_stay_down(machine):
    state, gave_up, marks, started = machine
    assert cg.guard(state, gave_up) == "reboot"
    assert marks.read_text() == "reboot\n" and cg.reboots(state) == 1
    assert (state / cg.COUNTER).stat().st_mode & 0o777 == 0o600
    # (the machine reboots; /run is empty again; the kiosk crash-loops once more)
    assert cg.guard(state, gave_up) == "out-of-service"
    assert marks.read_text() == "reboot\n"  # no second reboot
    assert "did not help" in cg.gave_up_reason(gave_up)
    assert ["systemctl", "start", "--no-block", "kiosk.service"] in started
    assert cg.guard(state, gave_up) == "stay-down"
    assert marks.read_text() == "reboot\n"


def test_a_steady_kiosk_forgets_the_reboot(machine):
    state, gave_up, marks, _ = machine
    cg.guard(state, gave_up)
    timer = cg.reset_when_stable(state, after_s=0.05)
    timer.join(2)
    assert cg.reboots(state) == 0
    assert cg.guard(state, gave_up) == "reboot"  # a new crash loop, weeks later: one reboot


def test_no_reason_when_no_marker(tmp_path: Path):
    assert cg.gave_up_reason(tmp_path / "nothing") == ""
