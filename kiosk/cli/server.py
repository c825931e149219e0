"""The reference loyalty server: FastAPI + uvicorn on one SQLite file (see docs/api.md).

`kiosk server --port P --db FILE --admin-token T`; `--db postgresql://...` with
`--workers N` runs it on PostgreSQL with N worker processes (docs/fleet.md). The admin token defaults to
$REFSERVER_ADMIN_TOKEN, else one is generated and printed once at start (the only time a
token is ever printed). Request logs show route templates only, never tokens.
`--pin-pepper-file FILE` (or $REFSERVER_PIN_PEPPER_FILE) names a file whose contents are
mixed into every staff PIN and badge hash; keep it outside the database's backups.
`--releases-dir DIR` serves signed release files at GET /releases/<file> (docs/updates.md).
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from pathlib import Path

from kiosk.cli import EX_CONFIG, EX_USAGE

NAME = "server"
HELP = "the reference loyalty server"
ENV_ADMIN_TOKEN = "REFSERVER_ADMIN_TOKEN"  # noqa: S105 - a variable name, not a secret
ENV_PEPPER_FILE = "REFSERVER_PIN_PEPPER_FILE"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="TCP port (default 8765)")
    p.add_argument(
        "--db",
        default="refserver.sqlite",
        help="a SQLite file (the default, embedded) or a postgresql://user@host/db URL",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1); every API guarantee holds across them",
    )
    p.add_argument(
        "--admin-token",
        default=None,
        help=f"X-Admin-Token for the admin API (default ${ENV_ADMIN_TOKEN}, else generated)",
    )
    p.add_argument(
        "--pin-pepper-file",
        type=Path,
        default=None,
        help=f"a secret mixed into staff PIN hashes (default ${ENV_PEPPER_FILE}; none if unset)",
    )
    p.add_argument(
        "--releases-dir",
        type=Path,
        default=None,
        help="serve the release .deb/.minisig files in DIR at GET /releases/<file>",
    )
    p.add_argument("--max-body-bytes", type=int, default=64 * 1024, help="request body limit")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from refserver import create_app

    if not 0 < args.port < 65536:
        print("kiosk server: --port must be 1..65535", file=sys.stderr)
        return EX_USAGE
    pepper = _read_pepper(args.pin_pepper_file or os.environ.get(ENV_PEPPER_FILE))
    if pepper is None:
        return EX_CONFIG
    token = args.admin_token or os.environ.get(ENV_ADMIN_TOKEN)
    if not token:
        token = secrets.token_urlsafe(24)
        print(f"kiosk server: generated admin token (X-Admin-Token): {token}", flush=True)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.workers < 1:
        print("kiosk server: --workers must be 1 or more", file=sys.stderr)
        return EX_USAGE
    postgres = args.db.startswith(("postgresql://", "postgres://"))
    if not postgres:
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    shown = _redact(args.db) if postgres else args.db
    common = {
        "host": args.host,
        "port": args.port,
        "access_log": False,
        "log_level": "warning" if args.log_level == "info" else args.log_level,
        "server_header": False,
    }
    print(f"kiosk server: http://{args.host}:{args.port} (db {shown})", flush=True)
    if args.workers == 1:
        app = create_app(
            args.db,
            token,
            max_body_bytes=args.max_body_bytes,
            pin_pepper=pepper,
            releases_dir=args.releases_dir,
        )
        uvicorn.run(app, **common)
        return 0
    print(f"kiosk server: {args.workers} worker processes", flush=True)
    _export_for_workers(args, token)
    uvicorn.run("refserver.asgi:app_from_env", factory=True, workers=args.workers, **common)
    return 0


def _export_for_workers(args: argparse.Namespace, token: str) -> None:
    """What each worker process reads in refserver.asgi (they inherit the environment)."""
    os.environ["REFSERVER_DB"] = args.db
    os.environ[ENV_ADMIN_TOKEN] = token
    os.environ["REFSERVER_MAX_BODY_BYTES"] = str(args.max_body_bytes)
    os.environ["REFSERVER_LOG_LEVEL"] = args.log_level
    if args.releases_dir is not None:
        os.environ["REFSERVER_RELEASES_DIR"] = str(args.releases_dir.resolve())
    pepper_file = args.pin_pepper_file or os.environ.get(ENV_PEPPER_FILE)
    if pepper_file:
        os.environ[ENV_PEPPER_FILE] = str(Path(pepper_file).resolve())


def _redact(url: str) -> str:
    """A database URL without its password, for the start-up line."""
    head, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    if not at or ":" not in creds:
        return url
    return f"{head}{sep}{creds.split(':', 1)[0]}:***@{host}"


def _read_pepper(path: Path | str | None) -> bytes | None:
    """The pepper's bytes (b"" when none is configured); None, after saying why, if unusable."""
    if not path:
        return b""
    try:
        pepper = Path(path).read_bytes().strip()
    except OSError as exc:
        print(f"kiosk server: --pin-pepper-file {path}: {exc.strerror}", file=sys.stderr)
        return None
    if len(pepper) < 16:
        print(
            f"kiosk server: --pin-pepper-file {path}: use at least 16 random bytes "
            "(e.g. `head -c 32 /dev/urandom | base64 > FILE`)",
            file=sys.stderr,
        )
        return None
    return pepper
