"""GET /metrics: the fleet for Prometheus (text format), built from the heartbeats.

Auth: the admin token, as `Authorization: Bearer <admin token>` (what Prometheus's
`authorization.credentials_file` sends) or the usual X-Admin-Token header. The metrics
name every device and shop, so they are not public.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Security
from fastapi.responses import PlainTextResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from refserver.context import Ctx
from refserver.crypto import same
from refserver.fleet.exposition import CONTENT_TYPE, render
from refserver.fleet.metrics import fleet_families
from refserver.problems import Problem

router = APIRouter(tags=["fleet"])
_bearer = HTTPBearer(auto_error=False, description="the admin token, as a bearer token")
_header = APIKeyHeader(name="X-Admin-Token", auto_error=False, description="the admin token")


@router.get(
    "/metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {CONTENT_TYPE: {}}}, 401: {"description": "no admin token"}},
)
def fleet_metrics(
    c: Ctx,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    header: Annotated[str | None, Security(_header)],
) -> PlainTextResponse:
    """Per device: last-seen age, outbox depth and age, version, printer state."""
    token = (bearer.credentials if bearer else None) or header
    if not token or not same(token, c.admin_token):
        raise Problem("unauthorized", "send Authorization: Bearer <admin token>")
    with c.db.tx() as conn:
        rows = conn.execute(
            "SELECT id, name, shop_id, last_heartbeat_at, heartbeat FROM devices ORDER BY id"
        ).fetchall()
    body = render(fleet_families(rows, c.clock.now()))
    return PlainTextResponse(body, media_type=CONTENT_TYPE)
