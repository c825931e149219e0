"""What every route needs: the database, the clock and the server's settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from refserver.clock import Clock
from refserver.db import Database
from refserver.lockout import Policy
from refserver.lottery import Below, source_from_env


@dataclass
class Context:
    db: Database
    clock: Clock
    admin_token: str
    default_shop_id: str
    pin_pepper: bytes = b""  # from server config, never stored in the database
    staff_session_seconds: int = 900
    lockout: Policy = field(default_factory=Policy)
    lottery_below: Below = field(default_factory=source_from_env)  # the CSPRNG (or a seed)


async def ctx(request: Request) -> Context:
    """Async on purpose: a sync dependency costs a thread-pool hop per request."""
    return request.app.state.ctx


def context_of(request: Request) -> Context:
    return request.app.state.ctx


Ctx = Annotated[Context, Depends(ctx)]
