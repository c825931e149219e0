"""Version 3: issue 19's settings from the cloud, one row per shop (as SQLite got it in
refserver/db.py): what a shop changes on its kiosks without a visit."""

SQL = """
CREATE TABLE device_settings (
  shop_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL);
"""
