"""Build the FastAPI application: routes, problem handlers, middleware, clock, database."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import Depends, FastAPI, Request

from refserver import problems
from refserver.clock import ENV_OFFSET, Clock
from refserver.context import Context, context_of
from refserver.lockout import Policy
from refserver.middleware import AccessLog, BodyLimit
from refserver.routes import (
    admin,
    cards,
    device_settings,
    devices,
    engage,
    join,
    metrics,
    phone_stamps,
    releases,
    staff,
    staff_counter,
    vouchers,
)
from refserver.shops import ensure_default_shop
from refserver.store import open_database
from refserver.strict_query import known_query_only

DEFAULT_MAX_BODY = 64 * 1024


def _fresh_clock(request: Request) -> None:
    """Several workers: read the test clock's offset before the request uses "now" (another
    worker may have moved it; admin calls and pairing read the clock before any query)."""
    context_of(request).db.refresh_clock()


def create_app(
    db_path: Path | str,
    admin_token: str,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    clock: Clock | None = None,
    staff_session_seconds: int = 900,
    staff_lockout_seconds: int = 300,
    pin_pepper: bytes = b"",
    shared_clock: bool = False,
    releases_dir: Path | None = None,
) -> FastAPI:
    """The app on a SQLite file or a postgresql:// URL. `shared_clock`: several worker
    processes serve one database, so the test clock's offset is read from it at each use.
    `releases_dir`: release files served at GET /releases/<file> (none when None)."""
    db = open_database(db_path)
    if clock is None and shared_clock:
        start = float(os.environ.get(ENV_OFFSET) or 0)
        clock = Clock(load=lambda: float(db.read_meta_now("clock_offset") or start))
    if clock is None:
        stored = db.get_meta("clock_offset")
        clock = Clock(float(stored) if stored is not None else None)
    app = FastAPI(
        title="Stamp Kiosk loyalty API (reference server)",
        version="1.0.0",
        description="The loyalty API v1 the kiosk speaks, plus the admin API. See docs/api.md.",
        dependencies=[
            Depends(known_query_only),
            *([Depends(_fresh_clock)] if shared_clock else []),
        ],
    )
    app.state.ctx = Context(
        db=db,
        clock=clock,
        admin_token=admin_token,
        default_shop_id=ensure_default_shop(db, clock),
        pin_pepper=pin_pepper,
        staff_session_seconds=staff_session_seconds,
        lockout=Policy(kiosk_window_seconds=staff_lockout_seconds),
    )
    problems.install(app)
    for module in (
        devices,
        cards,
        vouchers,
        staff,
        staff_counter,
        admin,
        join,
        phone_stamps,
        metrics,
    ):
        app.include_router(module.router)
    app.include_router(engage.admin)  # the shop's look and slides (#16)
    app.include_router(device_settings.admin)  # the shop's kiosk settings (#19)
    app.include_router(engage.media)
    app.include_router(releases.admin)  # releases offered to kiosks (#18)
    app.include_router(releases.files)
    app.state.releases_dir = releases_dir
    app.state.query_names = {}  # route -> its query parameters (strict_query.py)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(BodyLimit, limit=max_body_bytes)
    app.add_middleware(AccessLog)
    return app
