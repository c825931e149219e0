"""Check everything and say how to fix what is wrong."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "doctor"
HELP = "check everything and say how to fix what is wrong"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("doctor")
