"""The day summary from the kiosk's own files: the real outbox (stamps, offline
redemptions) and the day log (vouchers issued, coupons printed, online redemptions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from kiosk.day_summary import DayLog
from kiosk.outbox import OpKind, Outbox, card_lane, voucher_lane

NOON = datetime.now(UTC).astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
TODAY = NOON.date()


def test_counts_today_only_from_both_sources(tmp_path):
    box = Outbox(tmp_path)
    for i in range(3):
        box.enqueue(kind=OpKind.STAMP, lane=card_lane("tok"), key=f"s{i}", occurred_at=NOON)
    box.enqueue(
        kind=OpKind.STAMP, lane=card_lane("tok"), key="old", occurred_at=NOON - timedelta(days=1)
    )
    rejected = box.enqueue(kind=OpKind.STAMP, lane=card_lane("t2"), key="cool", occurred_at=NOON)
    box.reject(rejected.id, "cooldown_active", "too soon")
    box.enqueue(kind=OpKind.REDEEM, lane=voucher_lane("v1"), key="r1", occurred_at=NOON)
    box.close()
    log = DayLog(tmp_path)
    log.record("redemption", NOON)
    log.record("voucher_issued", NOON, "v9")
    log.record("coupon_printed", NOON, "v9")
    log.record("voucher_issued", NOON - timedelta(days=1), "v8")
    s = log.summary(TODAY)
    assert (s.stamps, s.redemptions, s.vouchers_issued, s.coupons_printed) == (3, 2, 1, 1)
    assert log.summary(TODAY - timedelta(days=1)).stamps == 1
    assert log.summary(date(2000, 1, 1)).stamps == 0


def test_without_an_outbox_and_with_a_broken_one(tmp_path):
    log = DayLog(tmp_path)
    log.record("stamp", NOON)
    assert log.summary(TODAY).stamps == 1
    (tmp_path / "outbox.sqlite").write_bytes(b"not a database at all" * 100)
    assert log.summary(TODAY).stamps == 1  # a broken outbox is logged, not fatal


def test_unknown_kind_refused(tmp_path):
    with pytest.raises(ValueError):
        DayLog(tmp_path).record("pin", NOON)


def test_staff_mode_opens_its_own_day_log_when_not_given(tmp_path):
    from kiosk.cli._staff_parts import open_day_log
    from kiosk.config import Settings

    settings = Settings.model_validate({"device": {"state_dir": str(tmp_path / "st")}})
    log = open_day_log(settings)  # what staff_mode does without a day log (as kiosk run)
    assert log is not None and log.path.parent == tmp_path / "st"
    bad = Settings.model_validate({"device": {"state_dir": "/proc/no-such/dir"}})
    assert open_day_log(bad) is None
