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
    state_dir = ctx.settings.device.state_dir
    if not (state_dir / outbox.DB_NAME).exists():
        return green("empty (no outbox yet)")
    box = outbox.Outbox(state_dir, max_rows=ctx.settings.offline.outbox_max_rows)
    try:
        st = box.status()
        oldest = _oldest_pending(box)
    finally:
        box.close()
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


def _oldest_pending(box) -> dt.timedelta | None:
    ops = box.list(("pending",), limit=1)
    created = getattr(ops[0], "created_at", None) if ops else None
    if created is None:
        return None
    if isinstance(created, str):
        created = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
    return dt.datetime.now(dt.UTC) - created


def _human(delta: dt.timedelta) -> str:
    s = int(delta.total_seconds())
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"
