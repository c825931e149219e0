"""Stamp a card by token through the same path as a scan."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "stamp"
HELP = "stamp a card by token through the same path as a scan"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("stamp")
