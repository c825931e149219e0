"""The shop's look and attract slides (admin), and the media files they point to.

`POST /admin/branding` sets a shop's logo, colours and voucher images; `POST /admin/slides`
adds a slide, `DELETE /admin/slides/{id}` removes one. Both show up in GET /device. For
demos and tests, `GET /media/{name}` serves image files from REFSERVER_MEDIA_DIR (a real
shop's images live on its own web server or CDN; the kiosk downloads whatever URL it gets).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import FileResponse, Response

from refserver import auth, shops
from refserver.clock import iso
from refserver.context import Ctx
from refserver.crypto import new_id
from refserver.problems import Problem
from refserver.routes.common import ok, problems
from refserver.schemas import BrandingIn, IdOut, SlideIn

ENV_MEDIA = "REFSERVER_MEDIA_DIR"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")

admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(auth.admin)])
media = APIRouter(tags=["media"])


@admin.post("/branding", response_model=IdOut, responses=problems(404))
def set_branding(body: BrandingIn, c: Ctx):
    """Replace the shop's look (what is left out falls back to the kiosk's default)."""
    with c.db.tx(write=True) as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
        look = body.model_dump(exclude={"shop_id", "voucher_images"}, exclude_none=True)
        if body.voucher_images:  # GET /device lists them by milestone: {"3": url}
            look["voucher_images"] = {str(v.stamps): v.image_url for v in body.voucher_images}
        conn.execute(
            "INSERT INTO shop_branding(shop_id, body) VALUES (?, ?) "
            "ON CONFLICT(shop_id) DO UPDATE SET body=excluded.body",
            (shop_id, json.dumps(look)),
        )
    return ok({"id": shop_id})


@admin.post("/slides", response_model=IdOut, status_code=201, responses=problems(404))
def add_slide(body: SlideIn, c: Ctx):
    """A slide for the shop's attract screens; `until` in the past is refused."""
    now = c.clock.now()
    if body.until is not None and body.until <= now:
        raise Problem("validation_error", "until: this slide would already have expired")
    if body.from_ is not None and body.until is not None and body.from_ >= body.until:
        raise Problem("validation_error", "from: must be before until")
    sid = new_id("sld")
    with c.db.tx(write=True) as conn:
        shop_id = shops.resolve(conn, body.shop_id, c.default_shop_id)
        conn.execute(
            "INSERT INTO slides(id, shop_id, image_url, seconds, from_at, until_at, languages, "
            "position, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                sid,
                shop_id,
                body.image_url,
                body.seconds,
                iso(body.from_),
                iso(body.until),
                json.dumps(body.languages) if body.languages else None,
                body.position,
                iso(now),
            ),
        )
    return ok({"id": sid}, 201)


@admin.delete("/slides/{slide_id}", status_code=204, responses=problems(404))
def delete_slide(slide_id: Annotated[str, Path(max_length=64)], c: Ctx) -> Response:
    with c.db.tx(write=True) as conn:
        if not conn.execute("DELETE FROM slides WHERE id=?", (slide_id,)).rowcount:
            raise Problem("not_found", "no slide with this id")
    return Response(status_code=204)


_IMAGE = {200: {"description": "the file", "content": {"image/png": {}, "image/jpeg": {}}}}


@media.get(
    "/media/{name}",
    response_class=FileResponse,
    responses={**_IMAGE, **problems(404, auth=False)},
)
def get_media(name: Annotated[str, Path(max_length=100)]) -> FileResponse:
    """A file of REFSERVER_MEDIA_DIR by its plain name (no folders, no dot files)."""
    folder = os.environ.get(ENV_MEDIA)
    if not folder or not _NAME.match(name):
        raise Problem("not_found", "no such media file")
    path = FsPath(folder) / name
    if not path.is_file():
        raise Problem("not_found", "no such media file")
    return FileResponse(path)
