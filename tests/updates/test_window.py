"""The update window and the "nobody at the kiosk" marker."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.appliance.updates.window import SessionMarker, in_window, session_open


@pytest.mark.parametrize(
    ("window", "hhmm", "inside"),
    [
        ("03:00-05:00", "02:59", False),
        ("03:00-05:00", "03:00", True),
        ("03:00-05:00", "04:59", True),
        ("03:00-05:00", "05:00", False),
        ("23:30-01:00", "23:45", True),
        ("23:30-01:00", "00:30", True),
        ("23:30-01:00", "12:00", False),
        ("", "12:00", True),
    ],
)
def test_window(window, hhmm, inside):
    h, m = map(int, hhmm.split(":"))
    assert in_window(window, datetime(2026, 12, 3, h, m)) is inside


def test_the_marker_follows_sessions_and_writes_only_on_change(tmp_path, monkeypatch):
    marker = SessionMarker(tmp_path)
    marker.update(("customer",), "attract")
    assert not session_open(tmp_path)
    marker.update(("customer",), "card")
    assert session_open(tmp_path)
    writes = []
    monkeypatch.setattr(type(marker.path), "touch", lambda self: writes.append(1))
    marker.update(("customer",), "reward")  # still busy: no write
    assert writes == []
    marker.update(("customer",), "attract")
    assert not session_open(tmp_path)
    marker.update(("customer", "staff"), "staff_menu")
    assert writes == [1]
