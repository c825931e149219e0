"""Pair this kiosk with a shop."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "provision"
HELP = "pair this kiosk with a shop"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("provision")
