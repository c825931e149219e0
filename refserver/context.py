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


def ctx(request: Request) -> Context:
    return request.app.state.ctx
