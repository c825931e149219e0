"""The barista's tools on the kiosk (staff token): check a voucher, and the day's activity.

- GET /staff/vouchers/check?code=|id= (vouchers:redeem): the voucher and its card's first
  name, so the barista sees whose it is before redeeming it (the redeem itself is the one
  POST /vouchers/{id}/redeem, exactly once, with the staff token).
- GET /staff/activity?since=&until= (reports:day): who stamped by hand, who redeemed,
  who issued, in that window (the kiosk asks for its local day), newest last; printed on
  the day summary.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from refserver import auth
from refserver.clock import iso
from refserver.context import Ctx
from refserver.problems import Problem
from refserver.routes.common import ok, problems, voucher_row
from refserver.schemas import ActivityOut, CheckedVoucherOut
from refserver.views import voucher_json

router = APIRouter(prefix="/api/v1", tags=["staff"])


@router.get("/staff/vouchers/check", response_model=CheckedVoucherOut, responses=problems(403, 404))
def check_voucher(
    who: Annotated[auth.Principal, Depends(auth.staff("vouchers:redeem"))],
    c: Ctx,
    code: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
):
    if (code is None) == (id is None):
        raise Problem("validation_error", "give exactly one of code or id")
    with c.db.tx() as conn:
        if id is not None:
            row = voucher_row(conn, id, who.shop_id)
        else:
            row = conn.execute(
                "SELECT * FROM vouchers WHERE code_value=? AND shop_id=? "
                "ORDER BY created_at DESC LIMIT 1",
                (str(code).upper(), who.shop_id),
            ).fetchone()
            if row is None:
                raise Problem("voucher_not_found", "no voucher has this code")
        name = None
        if row["card_id"]:
            card = conn.execute(
                "SELECT first_name FROM cards WHERE id=?", (row["card_id"],)
            ).fetchone()
            name = card["first_name"] if card else None
        return ok({"voucher": voucher_json(row, c.clock.now()), "card_display_name": name})


@router.get("/staff/activity", response_model=ActivityOut, responses=problems(403))
def activity(
    who: Annotated[auth.Principal, Depends(auth.staff("reports:day"))],
    c: Ctx,
    since: Annotated[datetime, Query()],
    until: Annotated[datetime, Query()],
):
    if since.tzinfo is None or until.tzinfo is None:
        raise Problem("validation_error", "since and until need a time zone")
    window = (who.shop_id, iso(since) or "", iso(until) or "")
    with c.db.tx() as conn:
        entries = [*_stamps(conn, window), *_redeems(conn, window), *_issues(conn, window)]
    entries.sort(key=lambda e: (e["at"], e["kind"]))
    return ok({"entries": entries})


def _stamps(conn: sqlite3.Connection, window: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT s.received_at AS at, s.staff_id, st.name, s.count, s.reason, s.device_id "
        "FROM stamps s JOIN staff st ON st.id = s.staff_id "
        "WHERE st.shop_id=? AND s.received_at>=? AND s.received_at<? ",
        window,
    ).fetchall()
    return [_entry(r, "stamp", r["count"], r["reason"] or "") for r in rows]


def _redeems(conn: sqlite3.Connection, window: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT v.redeemed_at AS at, st.id AS staff_id, st.name, v.title, NULL AS device_id "
        "FROM vouchers v JOIN staff st ON v.redeemed_by = 'staff:' || st.id "
        "WHERE v.shop_id=? AND v.redeemed_at>=? AND v.redeemed_at<?",
        window,
    ).fetchall()
    return [_entry(r, "redeem", 1, r["title"]) for r in rows]


def _issues(conn: sqlite3.Connection, window: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT v.created_at AS at, st.id AS staff_id, st.name, v.title, NULL AS device_id "
        "FROM vouchers v JOIN staff st ON v.issued_by = st.id "
        "WHERE v.shop_id=? AND v.created_at>=? AND v.created_at<?",
        window,
    ).fetchall()
    return [_entry(r, "issue", 1, r["title"]) for r in rows]


def _entry(r: sqlite3.Row, kind: str, count: int, detail: str) -> dict[str, Any]:
    return {
        "at": r["at"],
        "staff_id": r["staff_id"],
        "staff_name": r["name"],
        "kind": kind,
        "count": count,
        "detail": detail,
        "device_id": r["device_id"],
    }
