"""The reference loyalty server: a small, real implementation of the loyalty API v1.

FastAPI + uvicorn over one SQLite file (stdlib sqlite3, WAL). Used by `kiosk demo`, by
every test that needs a cloud, and by outside checks. Start it with
`kiosk server --port P --db FILE --admin-token T`. See docs/api.md.

Why create_app is imported lazily: `kiosk demo` only starts the server as a child process
(refserver/process.py); importing FastAPI into the kiosk's own process cost it ~35 MiB.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The FastAPI app (see refserver/app.py); FastAPI is imported only when it is built."""
    from refserver.app import create_app as build

    return build(*args, **kwargs)


__all__ = ["create_app"]
