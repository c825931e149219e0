"""The appliance (what systemd starts)."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "run"
HELP = "the appliance (what systemd starts)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("run")
