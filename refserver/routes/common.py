"""What routes share: documented problem answers and small lookups."""

from __future__ import annotations

import sqlite3
from typing import Any

from fastapi.responses import JSONResponse

from refserver.problems import MEDIA_TYPE, Problem
from refserver.schemas import ProblemOut

_PROBLEM_SCHEMA = ProblemOut.model_json_schema()
_COMMON = (400, 401, 413, 422)


def problems(*statuses: int, auth: bool = True) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problem+json answers a route can give."""
    every = sorted(set(_COMMON + statuses) - (set() if auth else {401}))
    return {
        s: {
            "description": "problem details (RFC 9457) with a stable `code`",
            "content": {MEDIA_TYPE: {"schema": _PROBLEM_SCHEMA}},
        }
        for s in every
    }


def ok(body: dict[str, Any], status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def card_row(conn: sqlite3.Connection, card_id: str, shop_id: str) -> sqlite3.Row:
    """A card of this shop; another shop's card is answered exactly like a missing one."""
    row = conn.execute(
        "SELECT c.* FROM cards c JOIN programs p ON p.id = c.program_id "
        "WHERE c.id=? AND p.shop_id=?",
        (card_id, shop_id),
    ).fetchone()
    if row is None:
        raise Problem("card_not_found", "no card with this id")
    return row


def any_card_row(conn: sqlite3.Connection, card_id: str) -> sqlite3.Row:
    """A card of any shop: for the admin API only."""
    row = conn.execute("SELECT * FROM cards WHERE id=?", (card_id,)).fetchone()
    if row is None:
        raise Problem("card_not_found", "no card with this id")
    return row


def voucher_row(conn: sqlite3.Connection, voucher_id: str, shop_id: str) -> sqlite3.Row:
    row = conn.execute(
        "SELECT * FROM vouchers WHERE id=? AND shop_id=?", (voucher_id, shop_id)
    ).fetchone()
    if row is None:
        raise Problem("voucher_not_found", "no voucher with this id")
    return row


def program_row(
    conn: sqlite3.Connection, program_id: str, shop_id: str | None = None
) -> sqlite3.Row:
    """A program (of `shop_id` when given: a program of another shop is "not found")."""
    row = conn.execute("SELECT * FROM programs WHERE id=?", (program_id,)).fetchone()
    if row is None or (shop_id is not None and row["shop_id"] != shop_id):
        raise Problem("program_not_found", "no program with this id")
    return row
