"""Stamps waiting to be sent: how many, and since when (a long queue means no cloud)."""

from __future__ import annotations

import datetime as dt

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.doctor.base_optional import load

NAME = "outbox"
ORDER = 100
REQUIRED = True
OLD_AFTER = dt.timedelta(minutes=30)


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    outbox = load("kiosk.outbox")
    if isinstance(outbox, CheckResult):
        return outbox
    # Read-only: doctor runs beside a live kiosk and must never move its queue aside.
    st = outbox.read_status(ctx.settings.device.state_dir, ctx.settings.offline.outbox_max_rows)
    oldest = dt.datetime.now(dt.UTC) - st.oldest_pending_at if st.oldest_pending_at else None
    if st.corrupt_files:
        return yellow(
            f"a damaged outbox was moved aside and kept: {', '.join(st.corrupt_files)}",
            "send the file to support if stamps are missing, then delete it to clear this",
        )
    if st.unavailable:
        return red(
            f"outbox unavailable: {st.unavailable}",
            "check the disk (see 'disk') and restart the kiosk",
        )
    if st.full:
        return red(
            f"outbox full: {st.pending} operations waiting",
            "restore the connection to the server (see 'server'); the kiosk refuses new stamps",
        )
    age = f", oldest {_human(oldest)}" if oldest else ""
    rejected = f"; {st.rejected} rejected (see kiosk outbox)" if st.rejected else ""
    if st.pending and oldest and oldest > OLD_AFTER:
        return yellow(
            f"{st.pending} waiting{age}{rejected}",
            "check 'server'; once online, 'kiosk sync' sends them now",
        )
    if st.rejected:
        return yellow(f"{st.pending} waiting{rejected}", "review them: kiosk outbox")
    return green(f"{st.pending} waiting{age}")


def _human(delta: dt.timedelta) -> str:
    s = int(delta.total_seconds())
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"
