"""Release offers on PostgreSQL (migration 4), across several workers."""

from __future__ import annotations

from tests.support.refserver import RefServer
from tests.updates.test_offer_server import admin, device, offer


def test_the_same_on_postgresql(pg_cloud: RefServer) -> None:
    """Migration 4 gives PostgreSQL the table; every worker answers with the same offer."""
    shop = pg_cloud.shop("PG offer shop")
    token = pg_cloud.pair_device(shop_id=shop)
    assert admin(pg_cloud, "POST", "/admin/releases", offer(shop_id=shop)).status_code == 201
    assert admin(pg_cloud, "POST", "/admin/releases", offer(shop_id=shop)).status_code == 201
    tags = {device(pg_cloud, token).headers["ETag"] for _ in range(6)}
    assert len(tags) == 1
    assert device(pg_cloud, token).json()["release"]["version"] == "1.2.0"
