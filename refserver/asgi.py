"""The app for `kiosk server --workers N`: uvicorn starts N processes, each calls this.

Why from the environment: uvicorn's worker processes import the app by name, so the
settings the parent parsed reach them as variables (the admin token and pepper file by the
names `kiosk server` already reads). Every worker serves the same database, and the test
clock is shared through it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from fastapi import FastAPI

from refserver.app import DEFAULT_MAX_BODY, create_app

ENV_DB = "REFSERVER_DB"
ENV_ADMIN_TOKEN = "REFSERVER_ADMIN_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_PEPPER_FILE = "REFSERVER_PIN_PEPPER_FILE"
ENV_MAX_BODY = "REFSERVER_MAX_BODY_BYTES"
ENV_LOG_LEVEL = "REFSERVER_LOG_LEVEL"
ENV_RELEASES_DIR = "REFSERVER_RELEASES_DIR"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def app_from_env() -> FastAPI:
    # a spawned worker starts with no logging set up: the same as the parent's
    logging.basicConfig(level=os.environ.get(ENV_LOG_LEVEL, "INFO").upper(), format=LOG_FORMAT)
    pepper_file = os.environ.get(ENV_PEPPER_FILE)
    pepper = b""
    if pepper_file:
        with open(pepper_file, "rb") as f:
            pepper = f.read().strip()
    return create_app(
        os.environ[ENV_DB],
        os.environ[ENV_ADMIN_TOKEN],
        max_body_bytes=int(os.environ.get(ENV_MAX_BODY) or DEFAULT_MAX_BODY),
        pin_pepper=pepper,
        shared_clock=True,
        releases_dir=Path(os.environ[ENV_RELEASES_DIR])
        if os.environ.get(ENV_RELEASES_DIR)
        else None,
    )
