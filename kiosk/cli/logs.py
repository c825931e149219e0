"""Show the kiosk's log lines from the journal (a thin, memorable journalctl wrapper)."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys

from kiosk.cli import EX_UNAVAILABLE

NAME = "logs"
HELP = "show the kiosk service's log (journalctl -u kiosk)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--since",
        default="1h",
        help='how far back: "10min", "2h", "today", "2026-01-31 09:00" (default 1h)',
    )
    p.add_argument("-f", "--follow", action="store_true", help="keep printing new lines")
    p.add_argument("-p", "--priority", default=None, help="only this level and worse, e.g. warning")
    p.add_argument("-n", "--lines", type=int, default=None, help="only the last N lines")


_AGO = re.compile(r"^\d+\s*(s|sec|min|m|h|d|w)$")


def since_value(text: str) -> str:
    """ "10min" means ten minutes ago. journalctl wants "-10min", which argparse would read
    as an option; anything else (dates, "today") goes to journalctl unchanged."""
    return "-" + text.replace(" ", "") if _AGO.match(text.strip()) else text


def journalctl_args(args: argparse.Namespace) -> list[str]:
    cmd = [
        "journalctl",
        "-u",
        "kiosk.service",
        "-o",
        "short-iso",
        "--no-pager",
        "--since",
        since_value(args.since),
    ]
    if args.follow:
        cmd.append("--follow")
    if args.priority:
        cmd += ["-p", args.priority]
    if args.lines:
        cmd += ["-n", str(args.lines)]
    return cmd


def run(args: argparse.Namespace) -> int:
    exe = shutil.which("journalctl")
    if exe is None:
        print("kiosk logs: journalctl not found (not a systemd system?)", file=sys.stderr)
        return EX_UNAVAILABLE
    cmd = journalctl_args(args)
    os.execv(exe, cmd)  # noqa: S606 - replaces this process: Ctrl-C and paging behave like journalctl
    return 0  # pragma: no cover
