"""Version 4: issue 18's releases offered by the cloud (as SQLite got it in refserver/db.py):
one offer per shop (device_id '') or per device, carried by GET /device as `release`."""

SQL = """
CREATE TABLE release_offers (
  shop_id TEXT NOT NULL, device_id TEXT NOT NULL DEFAULT '', id TEXT NOT NULL,
  version TEXT NOT NULL, url TEXT NOT NULL, size BIGINT NOT NULL, sha256 TEXT NOT NULL,
  signature TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (shop_id, device_id));
CREATE INDEX release_offers_id ON release_offers(id);
"""
