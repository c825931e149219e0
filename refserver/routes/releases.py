"""Releases offered by the cloud (issue 18): which signed release a shop's kiosks should run.

`POST /admin/releases` offers a release to a shop (every kiosk of it) or to named devices;
GET /device then carries it as `release: {version, url, size, sha256, signature}` (null
while none), so the kiosk's ETag poll sees a new offer at its next poll. `DELETE
/admin/releases/{id}` withdraws an offer. A device's own offer wins over its shop's: a
fleet tool can try a release on one kiosk before the whole shop gets it.

The server only announces; the kiosk trusts nothing of it but what it checks itself (size,
sha256, the ed25519 signature against its own keys), so the checks here are for the
operator's typos, not for security. `kiosk server --releases-dir DIR` also serves the
.deb and .minisig files themselves at GET /releases/<file> (with HTTP Range, so a kiosk's
cut-off download resumes).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, Response
from pydantic import Field, StrictInt, StrictStr

from refserver import auth, shops
from refserver.clock import iso
from refserver.context import Ctx
from refserver.crypto import new_id
from refserver.problems import Problem
from refserver.routes.common import ok, problems
from refserver.schemas import WHOLE, In, Out, ShopId

# Debian's version syntax (deb-version(7)): [epoch:]upstream[-revision], upstream from a digit
VERSION_PATTERN = r"^([0-9]+:)?[0-9][A-Za-z0-9.+~]*(-[A-Za-z0-9.+~]+)?$"
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+~-]{0,199}$")
MAX_SIZE = 4 * 1024**3

admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(auth.admin)])
files = APIRouter(tags=["releases"])


class ReleaseIn(In):
    """POST /admin/releases: one release, for a shop (default shop) or for named devices
    (of `shop_id`, when given too)."""

    version: Annotated[StrictStr, Field(max_length=64, pattern=VERSION_PATTERN)]
    url: Annotated[StrictStr, Field(min_length=8, max_length=500, pattern=r"^https?://\S+$")]
    size: Annotated[StrictInt, Field(ge=1, le=MAX_SIZE), WHOLE]
    sha256: Annotated[StrictStr, Field(pattern=r"^[0-9A-Fa-f]{64}$")]
    # the .minisig text (what release_sign.py writes), or the URL it is served at
    signature: Annotated[StrictStr, Field(min_length=1, max_length=4096, pattern=r"\S")]
    shop_id: ShopId | None = None
    device_ids: Annotated[list[Annotated[StrictStr, Field(min_length=1, max_length=64)]],
                          Field(min_length=1, max_length=1000)] | None = None  # fmt: skip


class ReleaseOfferOut(Out):
    id: str
    version: str
    shop_id: str
    device_ids: list[str]  # empty: every kiosk of the shop


class ReleaseListOut(Out):
    releases: list[dict[str, Any]]


def _targets(conn: sqlite3.Connection, body: ReleaseIn, default_shop: str) -> list[tuple[str, str]]:
    """(shop_id, device_id) rows the offer goes to; device_id '' is the whole shop."""
    if body.device_ids is None:
        return [(shops.resolve(conn, body.shop_id, default_shop), "")]
    rows: list[tuple[str, str]] = []
    for device_id in dict.fromkeys(body.device_ids):
        dev = conn.execute("SELECT shop_id FROM devices WHERE id=?", (device_id,)).fetchone()
        if dev is None or body.shop_id not in (None, dev["shop_id"]):
            raise Problem("not_found", f"no device {device_id}")
        rows.append((dev["shop_id"], device_id))
    return rows


@admin.post("/releases", response_model=ReleaseOfferOut, status_code=201, responses=problems(404))
def offer_release(body: ReleaseIn, c: Ctx):
    """Offer a release; it replaces the earlier offer to the same shop or device."""
    offer_id = new_id("rel")
    with c.db.tx(write=True) as conn:
        targets = _targets(conn, body, c.default_shop_id)
        for shop_id, device_id in targets:
            conn.execute(
                "DELETE FROM release_offers WHERE shop_id=? AND device_id=?", (shop_id, device_id)
            )
            conn.execute(
                "INSERT INTO release_offers(shop_id, device_id, id, version, url, size, sha256, "
                "signature, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (shop_id, device_id, offer_id, body.version, body.url, body.size,
                 body.sha256.lower(), body.signature, iso(c.clock.now())),
            )  # fmt: skip
    devices = [d for _s, d in targets if d]
    return ok(
        {"id": offer_id, "version": body.version, "shop_id": targets[0][0], "device_ids": devices},
        201,
    )


@admin.delete("/releases/{offer_id}", status_code=204, responses=problems(404))
def withdraw_release(offer_id: Annotated[str, PathParam(max_length=64)], c: Ctx):
    """Withdraw an offer: GET /device says `release: null` again. A kiosk drops the
    release if it is still pending (not yet applied); one already installed stays."""
    with c.db.tx(write=True) as conn:
        gone = conn.execute("DELETE FROM release_offers WHERE id=?", (offer_id,)).rowcount
    if not gone:
        raise Problem("not_found", "no release offer with this id")
    return Response(status_code=204)


@admin.get("/releases", response_model=ReleaseListOut, responses=problems())
def list_releases(c: Ctx):
    """Every standing offer, newest first (for the operator and the fleet tools)."""
    with c.db.tx() as conn:
        rows = conn.execute(
            "SELECT id, shop_id, device_id, version, url, size, sha256, created_at "
            "FROM release_offers ORDER BY created_at DESC, id"
        ).fetchall()
    return ok({"releases": [dict(r) for r in rows]})


def offer_for(conn: sqlite3.Connection, shop_id: str, device_id: str) -> dict[str, Any] | None:
    """GET /device's `release`: the device's own offer, else its shop's, else None."""
    row = conn.execute(
        "SELECT version, url, size, sha256, signature FROM release_offers "
        "WHERE shop_id=? AND device_id IN (?, '') ORDER BY device_id DESC LIMIT 1",
        (shop_id, device_id),
    ).fetchone()
    if row is None:
        return None
    return {k: row[k] for k in ("version", "url", "size", "sha256", "signature")}


@files.get(
    "/releases/{name}",
    response_class=FileResponse,
    responses={404: {"description": "no such release file"}},
)
def release_file(name: str, request: Request):
    """A .deb or .minisig from `--releases-dir` (Range requests resume a download)."""
    folder: Path | None = getattr(request.app.state, "releases_dir", None)
    if folder is None or not FILE_NAME.match(name) or ".." in name:
        raise Problem("not_found", "no such release file")
    path = folder / name
    if not path.is_file():
        raise Problem("not_found", "no such release file")
    return FileResponse(path, media_type="application/octet-stream", filename=name)
