"""Idempotency keys: one per customer or staff action, taken at the moment it happens.

Why apart from the client: the flows take a key when a scan or touch arrives, long
before (and without) any HTTP; they import this leaf, never the client and requests.
"""

from __future__ import annotations

import uuid


def new_idempotency_key() -> str:
    """A fresh key for one customer action (taken at the moment of the scan)."""
    return str(uuid.uuid4())
