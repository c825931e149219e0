"""Validate a config file and exit: 0 when good, 78 (EX_CONFIG) naming each bad key."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk.cli import EX_CONFIG, EX_OK
from kiosk.cloud_settings import with_last_good
from kiosk.config import ConfigError, Settings, default_config_path, load_settings

MASKED = {("technician", "pin_sha256")}  # a PIN hash reverses: never printed

HELP = "validate the config file and exit (0, or 78 naming each bad key)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", nargs="?", type=Path, help="the file to check (default: --config)")
    p.add_argument("--json", action="store_true", help="print the problems as JSON")
    p.add_argument(
        "--effective",
        action="store_true",
        help="also print every effective value and where it came from (default/file/cloud)",
    )


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
    rows = effective_rows(settings) if args.effective else None
    if args.json:
        out = {"ok": True, "file": str(path), "problems": [], "server": server}
        print(json.dumps(out | ({"effective": rows} if rows is not None else {}), default=str))
    else:
        print(f"{path}: OK (server {server['url']}, from {server['source']})")
        for row in rows or []:
            print(_line(row))
    return EX_OK


def effective_rows(settings: Settings) -> list[dict[str, Any]]:
    """Every key's value in force and its source: default, file, environment or cloud
    (the shop's last good set in the state dir; kiosk.toml's explicit keys win over it)."""
    eff = with_last_good(settings)
    rows: list[dict[str, Any]] = []
    for (section, key), source in eff.sources.items():
        value = getattr(getattr(eff.settings, section), key)
        if (section, key) in MASKED and value:
            value = "<set>"
        row: dict[str, Any] = {"section": section, "key": key, "value": value, "source": source}
        if (section, key) in eff.overridden:
            row["cloud_value"] = eff.overridden[(section, key)]
        rows.append(row)
    return rows


def _line(row: dict[str, Any]) -> str:
    value = json.dumps(row["value"], default=str)
    note = row["source"]
    if "cloud_value" in row:
        note += f"; the cloud's {json.dumps(row['cloud_value'])} not used"
    return f"  [{row['section']}] {row['key']} = {value}  ({note})"
