"""The reference loyalty server."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "server"
HELP = "the reference loyalty server"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("server")
