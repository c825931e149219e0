"""What `kiosk stamp`, `kiosk sync` and `kiosk outbox` share: settings, words for reasons."""

from __future__ import annotations

import argparse
import logging
import sys

from kiosk.cli import EX_CONFIG
from kiosk.config import ConfigError, Settings, load_settings

# What a technician reads for each reason code (the customer screens have their own words).
REASONS = {
    "disk_full": "the disk is full: free space in the state directory",
    "read_only": "the state directory is read-only: check the SD card / mount (dmesg)",
    "outbox_full": "the outbox is full of unsent operations: restore the network, run 'kiosk sync'",
    "cannot_open": "the outbox file cannot be opened: check the state directory's permissions",
    "io_error": "the disk reported an I/O error: check the SD card",
    "corrupt": "the outbox file is damaged: see 'kiosk doctor'",
    "busy": "another process holds the outbox: try again",
    "offline": "the cloud cannot be reached",
    "server_error": "the cloud answered with an error",
    "slow": "the cloud is slow to answer",
}


def explain(reason: str | None) -> str:
    return REASONS.get(reason or "", reason or "unknown")


def load(args: argparse.Namespace) -> Settings | int:
    """Settings from --config, or EX_CONFIG after saying what is wrong."""
    logging.basicConfig(level=logging.WARNING, format="kiosk: %(levelname)s %(message)s")
    try:
        return load_settings(args.config)
    except ConfigError as exc:
        print(f"kiosk: bad configuration:\n{exc}", file=sys.stderr)
        return EX_CONFIG
