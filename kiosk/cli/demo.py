"""Everything on embedded defaults; --headless --record DIR writes a scripted walk-through."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "demo"
HELP = "everything on embedded defaults; --headless --record DIR writes a scripted walk-through"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("demo")
