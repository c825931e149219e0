"""Install the kiosk as a systemd service: user, folders, udev rules, unit; enable it.

Idempotent (a second run reports "unchanged"); --dry-run prints every step without
doing it. Needs root unless --dry-run or --root DIR (install into another filesystem
tree, e.g. an SD card image mounted at DIR).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from kiosk.appliance.install import install
from kiosk.cli import EX_FAIL, EX_OK

NAME = "install-service"
HELP = "install and enable the systemd service (idempotent; --dry-run shows the steps)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="show what would be done, do nothing")
    p.add_argument("--root", type=Path, default=Path("/"), help="install into this root folder")
    p.add_argument("--now", action="store_true", help="also start (or restart) the service")
    p.add_argument("--no-enable", action="store_true", help="install but do not enable at boot")
    p.add_argument(
        "--kiosk-exec",
        default=None,
        help="path of the kiosk command for ExecStart= (default: this installation's)",
    )


def _this_kiosk() -> str:
    beside = Path(sys.executable).with_name("kiosk")
    return str(beside if beside.exists() else (shutil.which("kiosk") or beside))


def run(args: argparse.Namespace) -> int:
    live = args.root.resolve() == Path("/")
    if live and not args.dry_run and os.geteuid() != 0:
        print(
            "kiosk install-service: needs root; run it with sudo (or try --dry-run)",
            file=sys.stderr,
        )
        return EX_FAIL
    plan = install(
        root=args.root.resolve(),
        kiosk_exec=args.kiosk_exec or _this_kiosk(),
        dry_run=args.dry_run,
        enable=not args.no_enable,
        start=args.now,
    )
    for line in plan.lines:
        print(line)
    if not args.dry_run:
        print("install-service: " + ("done" if not plan.failed else "some steps FAILED (above)"))
        if not plan.failed:
            print("next: sudo kiosk provision, then sudo kiosk doctor")
    return EX_FAIL if plan.failed else EX_OK
