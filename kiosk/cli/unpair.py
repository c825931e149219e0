"""Remove this kiosk's device token (the config stays; pair again with `kiosk provision`).

The server still lists the device until the shop's admin removes it there: this command
only makes sure this kiosk can no longer act for the shop (e.g. before it is sold or
moved to another shop). Exit 0 when the kiosk is unpaired afterwards (also if it was).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.appliance.provisioning import unpair
from kiosk.cli import EX_CONFIG, EX_FAIL, EX_OK
from kiosk.config import ConfigError, default_config_path, load_settings

NAME = "unpair"
HELP = "remove this kiosk's device token"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--token-file",
        type=Path,
        default=None,
        help="the token to remove (default: from the config)",
    )


def run(args: argparse.Namespace) -> int:
    path = args.token_file
    if path is None:
        config = args.config or default_config_path()
        try:
            path = load_settings(config).device.token_path
        except ConfigError as exc:
            print(
                f"kiosk unpair: cannot read the config to find the token:\n{exc}", file=sys.stderr
            )
            print("  fix: pass --token-file PATH", file=sys.stderr)
            return EX_CONFIG
    try:
        removed = unpair(path)
    except OSError as exc:
        print(
            f"kiosk unpair: cannot remove {path}: {exc.strerror}; run it with sudo", file=sys.stderr
        )
        return EX_FAIL
    if removed:
        print(f"unpaired: removed {path}. Also remove the device in the shop's admin.")
    else:
        print(f"not paired: no token at {path}")
    return EX_OK
