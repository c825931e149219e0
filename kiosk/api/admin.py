"""The reference server's admin API (X-Admin-Token), for the demo's seeding.

A shop's real cloud has its own admin console; the kiosk itself never needs this. It
lives here because kiosk/api is the only place in the kiosk that speaks HTTP.
"""

from __future__ import annotations

from typing import Any

import requests


class AdminClient:
    def __init__(self, server_url: str, admin_token: str, *, timeout: float = 5.0) -> None:
        self.base_url = server_url.rstrip("/")
        self.timeout = timeout
        self._http = requests.Session()
        self._http.headers["X-Admin-Token"] = admin_token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One admin call (path like /admin/programs); a 4xx/5xx raises RuntimeError."""
        r = self._http.request(method, self.base_url + path, json=body, timeout=self.timeout)
        if r.status_code >= 400:
            raise RuntimeError(f"admin {method} {path}: HTTP {r.status_code}")
        return r.json() if r.content else None
