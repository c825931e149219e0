"""Validate a config file and exit: 0 when good, 78 (EX_CONFIG) naming each bad key."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.cli import EX_CONFIG, EX_OK
from kiosk.config import ConfigError, default_config_path, load_settings

HELP = "validate the config file and exit (0, or 78 naming each bad key)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, help="the file to check (default: --config)")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")


def run(args: argparse.Namespace) -> int:
    path = args.path or args.config or default_config_path()
    try:
        settings = load_settings(path)
    except ConfigError as exc:
        if args.json:
            print(
                json.dumps(
                    {"ok": False, "file": str(path), "problems": [p.__dict__ for p in exc.problems]}
                )
            )
        else:
            print(f"{path}: {len(exc.problems)} problem(s):", file=sys.stderr)
            for problem in exc.problems:
                print(
                    f"  - {problem.key}: {problem.problem}\n    fix: {problem.fix}", file=sys.stderr
                )
        return EX_CONFIG
    server = {"url": settings.server.url, "source": settings.server_source}
    if args.json:
        print(json.dumps({"ok": True, "file": str(path), "problems": [], "server": server}))
    else:
        print(f"{path}: OK (server {server['url']}, from {server['source']})")
    return EX_OK
