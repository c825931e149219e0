"""Remove this kiosk's device token (the config stays; pair again with `kiosk provision`).

The server still lists the device until the shop's admin removes it there: this command
only makes sure this kiosk can no longer act for the shop (e.g. before it is sold or
moved to another shop). While stamps or redemptions wait in the outbox it refuses (they
could never be sent without the token, or would go to the next shop); --force unpairs
anyway, marks them dropped and says how many were abandoned.

Exit 0 when the kiosk is unpaired afterwards (also if it was); 1 stamps waiting (or the
token could not be removed); 78 the config cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.appliance.provisioning import unpair
from kiosk.appliance.waiting import Waiting, abandon, refusal_fix, waiting_in
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
    p.add_argument(
        "--force",
        action="store_true",
        help="unpair even with stamps still waiting to be sent (they are abandoned)",
    )


def _locate(args: argparse.Namespace) -> tuple[Path, Path | None] | int:
    """(token path, state folder or None when no config says where the outbox is)."""
    config = args.config or default_config_path()
    try:
        device = load_settings(config).device
    except ConfigError as exc:
        if args.token_file is None:
            print(
                f"kiosk unpair: cannot read the config to find the token:\n{exc}", file=sys.stderr
            )
            print("  fix: pass --token-file PATH", file=sys.stderr)
            return EX_CONFIG
        return args.token_file, None
    return args.token_file or device.token_path, device.state_dir


def run(args: argparse.Namespace) -> int:
    located = _locate(args)
    if isinstance(located, int):
        return located
    path, state_dir = located
    waiting = waiting_in(state_dir) if state_dir else Waiting(0, "no config names the outbox")
    if waiting.blocks and path.exists() and not args.force:
        print(f"kiosk unpair: refused: {waiting.describe()}", file=sys.stderr)
        print(f"  fix: {refusal_fix('kiosk unpair')}", file=sys.stderr)
        return EX_FAIL
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
    if waiting.blocks and state_dir is not None:
        count = abandon(state_dir, "abandoned: kiosk unpaired (unpair --force)")
        print(f"abandoned: {count} stamp(s)/redemption(s) that were not sent")
    return EX_OK
