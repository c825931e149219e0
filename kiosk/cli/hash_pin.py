"""Print the [technician] pin_sha256 line for a technician PIN read without echo.

Why a command: `printf %s PIN | sha256sum` prints "<hash>  -", which pasted whole never
matches, and puts the PIN into the shell history. This asks twice on the terminal (or
reads one line from stdin for scripts) and prints the line to put into kiosk.toml.
Exit 0, or 2 when the PIN is not 4-12 digits (the technician screen's PIN pad has only
digits) or the two entries differ.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import sys

from kiosk.cli import EX_OK, EX_USAGE

NAME = "hash-pin"
HELP = "hash a technician PIN (read without echo) for [technician] pin_sha256"
MIN_PIN = 4


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bare", action="store_true", help="print only the 64 hex digits")


def _read_pin() -> str | None:
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass("Technician PIN (digits): ")
    if getpass.getpass("Again: ") != pin:
        print("kiosk hash-pin: the two PINs differ; nothing printed", file=sys.stderr)
        return None
    return pin


def run(args: argparse.Namespace) -> int:
    from kiosk.appliance.technician import MAX_PIN  # here: every `kiosk` call imports this file

    pin = _read_pin()
    if pin is None:
        return EX_USAGE
    if not (pin.isdigit() and pin.isascii() and MIN_PIN <= len(pin) <= MAX_PIN):
        print(
            f"kiosk hash-pin: a technician PIN is {MIN_PIN}-{MAX_PIN} digits (the PIN pad has "
            "only digits); nothing printed",
            file=sys.stderr,
        )
        return EX_USAGE
    digest = hashlib.sha256(pin.encode("ascii")).hexdigest()
    if args.bare:
        print(digest)
        return EX_OK
    print(f'pin_sha256 = "{digest}"')
    print("kiosk hash-pin: put this line under [technician] in kiosk.toml", file=sys.stderr)
    return EX_OK
