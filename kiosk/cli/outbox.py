"""List, retry or drop queued operations."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "outbox"
HELP = "list, retry or drop queued operations"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("outbox")
