"""Print or preview a coupon."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "print-test"
HELP = "print or preview a coupon"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("print-test")
