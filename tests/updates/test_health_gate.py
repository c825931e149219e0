"""The health gate: a release on trial is rolled back by itself (fake clock, real files)."""

from __future__ import annotations

import pytest

from kiosk.appliance.updates.guard import health_check, pre_start
from kiosk.appliance.updates.status import status, summary
from kiosk.appliance.updates.trial import (
    COMMIT_AFTER_S,
    Store,
    Trial,
    commit_if_stable,
    mark_ready,
)
from tests.updates.conftest import make_deb, needs_dpkg_deb

pytestmark = needs_dpkg_deb
T0 = 1_800_000_000.0


@pytest.fixture
def on_trial(tmp_path, layout_v1):
    """1.1.0 switched in at T0 with a 60 s health timeout; 1.0.0 is previous."""
    layout_v1.install(make_deb(tmp_path, "1.1.0"), "1.1.0")
    store = Store(tmp_path / "state")
    store.save_trial(Trial("1.1.0", "1.0.0", T0, 60))
    layout_v1.switch("1.1.0", "1.0.0")
    return layout_v1, store


def start(layout, store, at, armed=None):
    return pre_start(
        layout,
        store,
        at,
        arm=(armed if armed is not None else []).append,
        tail=lambda: ["boom", "bye"],
    )


def test_ready_in_time_passes_and_commits_after_five_minutes(on_trial, tmp_path):
    layout, store = on_trial
    armed: list[float] = []
    assert start(layout, store, T0 + 1, armed) == "start"
    assert armed == [60]  # the health timer, for the whole timeout
    assert mark_ready(tmp_path / "state", "1.1.0", T0 + 9)["ready_after_s"] == 9
    assert store.last()["result"] == "ok"
    assert not commit_if_stable(tmp_path / "state", "1.1.0", T0 + 100)
    assert commit_if_stable(tmp_path / "state", "1.1.0", T0 + 9 + COMMIT_AFTER_S)
    assert store.trial() is None and layout.current() == "1.1.0"


def test_no_ready_within_the_timeout_rolls_back_at_the_next_start(on_trial):
    layout, store = on_trial
    assert start(layout, store, T0 + 1) == "start"
    # TimeoutStartSec killed it; Restart=always starts it again 5 s later
    assert start(layout, store, T0 + 66) == "rollback"
    assert layout.current() == "1.0.0" and layout.previous() == "1.1.0"
    last = store.last()
    assert last["result"] == "rolled-back" and "no READY=1 within 60 s" in last["reason"]
    assert last["log"] == ["boom", "bye"] and last["to"] == "1.0.0"
    assert store.trial() is None
    assert start(layout, store, T0 + 70) == "none"  # the old release starts normally


def test_the_health_timer_rolls_back_and_restarts(on_trial):
    layout, store = on_trial
    start(layout, store, T0 + 1)
    restarts = []
    assert health_check(layout, store, T0 + 30, lambda: restarts.append(1)) == "waiting"
    assert health_check(layout, store, T0 + 61, lambda: restarts.append(1),
                        tail=lambda: []) == "rolled-back"  # fmt: skip
    assert restarts == [1] and layout.current() == "1.0.0"


def test_the_health_timer_leaves_a_ready_release_alone(on_trial, tmp_path):
    layout, store = on_trial
    start(layout, store, T0 + 1)
    mark_ready(tmp_path / "state", "1.1.0", T0 + 5)
    assert health_check(layout, store, T0 + 61, lambda: None) == "healthy"
    assert layout.current() == "1.1.0"


def test_three_restarts_within_five_minutes_roll_back(on_trial, tmp_path):
    """A crash loop, even one that reached READY between crashes."""
    layout, store = on_trial
    for i, at in enumerate((T0 + 1, T0 + 10, T0 + 20)):
        assert start(layout, store, at) == "start", i
        mark_ready(tmp_path / "state", "1.1.0", at + 2)
    assert start(layout, store, T0 + 30) == "rollback"
    assert "restarted 3 times within 5 min" in store.last()["reason"]
    assert layout.current() == "1.0.0"


def test_restarts_spread_out_are_not_a_crash_loop(on_trial, tmp_path):
    layout, store = on_trial
    for at in (T0 + 1, T0 + 200, T0 + 400, T0 + 600):
        assert start(layout, store, at) == "start"
        mark_ready(tmp_path / "state", "1.1.0", at + 2)
        store.save_trial(_with_ready(store.trial(), at + 2))
    assert layout.current() == "1.1.0"


def _with_ready(trial, at):
    trial.ready_at = at
    return trial


def test_a_trial_cut_off_before_the_switch_is_dropped(tmp_path, layout_v1):
    """Power cut between writing the trial and switching: the old release runs, no rollback."""
    store = Store(tmp_path / "state")
    store.save_trial(Trial("1.1.0", "1.0.0", T0, 60))
    assert start(layout_v1, store, T0 + 5) == "stale"
    assert store.trial() is None and layout_v1.current() == "1.0.0"
    assert store.last()["result"] == "interrupted"


def test_status_shows_current_previous_trial_and_last_result(on_trial, tmp_path):
    layout, store = on_trial
    start(layout, store, T0 + 1)
    start(layout, store, T0 + 66)
    st = status(layout.root, tmp_path / "state")
    assert st["current"] == "1.0.0" and st["previous"] == "1.1.0"
    assert st["installed"] == ["1.0.0", "1.1.0"] and st["trial"] is None
    assert st["last_result"]["result"] == "rolled-back"
    assert "last update: rolled-back 1.1.0" in summary(st)
    history = (tmp_path / "state" / "update" / "history.jsonl").read_text().splitlines()
    assert len(history) == 1
