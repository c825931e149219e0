"""The reference loyalty server: a small, real implementation of the loyalty API v1.

FastAPI + uvicorn over one SQLite file (stdlib sqlite3, WAL). Used by `kiosk demo`, by
every test that needs a cloud, and by outside checks. Start it with
`kiosk server --port P --db FILE --admin-token T`. See docs/api.md.
"""

from refserver.app import create_app

__all__ = ["create_app"]
