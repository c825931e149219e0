"""Decode from camera / video / images / serial / HID and print what was read."""

from __future__ import annotations

import argparse

from kiosk.cli import not_yet

NAME = "scan-test"
HELP = "decode from camera / video / images / serial / HID and print what was read"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    return not_yet("scan-test")
