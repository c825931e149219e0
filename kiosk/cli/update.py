"""Install a signed release beside the running one and switch to it when it is healthy.

    sudo kiosk update stamp-kiosk_0.3.0_arm64.deb     (signature: <file>.minisig beside it)
    kiosk update --status --json

The new release goes into /opt/stamp-kiosk/releases/<version>/, `current` is switched to
it and the kiosk restarted. If it sends no READY=1 within [update] health_timeout_s, or
restarts three times within five minutes, the kiosk switches back by itself
(docs/updates.md). Exit codes: 0 applied (or --check passed), 10 unsigned, 11 bad
signature, 12 downgrade (use --allow-downgrade), 13 wrong architecture, 14 already
running, 15 not a release, 16 no trusted keys, 17 download failed its size/hash check,
18 an update is still on trial, 69 not installed from the .deb, 77 not root, 78 bad config.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from kiosk.cli import EX_CONFIG, EX_OK

NAME = "update"
HELP = "install a signed release (health-gated, rolls back by itself); --status"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("release", nargs="?", help="the .deb (path)")
    p.add_argument("--signature", type=Path, help="signature file (default: RELEASE.minisig)")
    p.add_argument("--allow-downgrade", action="store_true", help="install an older version")
    p.add_argument("--check", action="store_true", help="verify only; install nothing")
    p.add_argument("--no-restart", action="store_true", help="switch, but do not restart")
    p.add_argument("--status", action="store_true", help="current, previous, pending, last result")
    p.add_argument("--json", action="store_true", help="--status as JSON")


def _restart() -> None:
    """A fresh start-limit count (an update is a deliberate start), then the restart."""
    if Path("/run/systemd/system").is_dir():
        subprocess.run(["systemctl", "reset-failed", "kiosk.service"], check=False)
        subprocess.run(["systemctl", "restart", "--no-block", "kiosk.service"], check=False)


def run(args: argparse.Namespace) -> int:
    from kiosk.appliance.updates import apply as upd
    from kiosk.appliance.updates.package import this_arch
    from kiosk.appliance.updates.releases import Layout
    from kiosk.appliance.updates.signing import trusted_keys
    from kiosk.appliance.updates.status import status, summary
    from kiosk.appliance.updates.trial import Store
    from kiosk.config import ConfigError, load_settings

    try:
        settings = load_settings(args.config, must_exist=False)
    except ConfigError as exc:
        print(f"kiosk update: {exc}", file=sys.stderr)
        return EX_CONFIG
    cfg = settings.update
    if args.status or not args.release:
        st = status(cfg.releases_dir, settings.device.state_dir)
        print(json.dumps(st, indent=1) if args.json else summary(st))
        return EX_OK
    deb = Path(args.release)
    layout, store = Layout(cfg.releases_dir), Store(settings.device.state_dir)
    try:
        checked = upd.check(deb, args.signature or upd.signature_path(deb),
                            trusted_keys(cfg.keys_dir), layout.current(), this_arch(),
                            allow_downgrade=args.allow_downgrade)  # fmt: skip
        print(f"kiosk update: {deb.name}: {checked.info.version} ({checked.info.architecture}), "
              f"signed by key {checked.key_id}")  # fmt: skip
        if args.check:
            return EX_OK
        if not upd.is_root():
            raise upd.Refused(upd.EX_NOPERM, "installing a release needs root",
                              f"sudo kiosk update {args.release}")  # fmt: skip
        result = upd.apply(deb, checked, layout, store, health_timeout_s=cfg.health_timeout_s,
                           keep=cfg.keep_releases,
                           restart=(lambda: None) if args.no_restart else _restart)  # fmt: skip
    except upd.Refused as exc:
        if upd.is_root():
            store.record({"result": "refused", "file": deb.name, "reason": exc.message,
                          "code": exc.code, "at": time.time()})  # fmt: skip
        print(f"kiosk update: REFUSED ({exc.code}): {exc.message}\n  fix: {exc.fix}",
              file=sys.stderr)  # fmt: skip
        return exc.code
    print(f"kiosk update: switched {result['from']} -> {result['version']} "
          f"(unpacked in {result['unpack_s']} s); health gate {cfg.health_timeout_s:.0f} s")  # fmt: skip
    return EX_OK
