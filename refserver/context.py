"""What every route needs: the database, the clock and the server's settings."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from refserver.clock import Clock
from refserver.db import Database


@dataclass
class Context:
    db: Database
    clock: Clock
    admin_token: str
    pin_salt: bytes
    staff_session_seconds: int = 900
    staff_max_failures: int = 5
    staff_lockout_seconds: int = 300


async def ctx(request: Request) -> Context:
    """Async on purpose: a sync dependency costs a thread-pool hop per request."""
    return request.app.state.ctx


def context_of(request: Request) -> Context:
    return request.app.state.ctx
