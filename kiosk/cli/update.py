"""Install a signed release beside the running one and switch to it when it is healthy.

    sudo kiosk update stamp-kiosk_0.3.0_arm64.deb     (signature: <file>.minisig beside it)
    sudo kiosk update URL --size N --sha256 HEX        (resumable, rate-limited download)
    sudo kiosk update FILE_OR_URL --later              (applied by kiosk-update.timer in
                                                        [update] window, nobody at the kiosk)
    kiosk update --status --json

The new release goes into /opt/stamp-kiosk/releases/<version>/, `current` is switched to
it and the kiosk restarted. If it sends no READY=1 within [update] health_timeout_s, or
restarts three times within five minutes, the kiosk switches back by itself
(docs/updates.md). Exit codes: 0 applied (or --check passed, or queued), 10 unsigned,
11 bad signature, 12 downgrade (use --allow-downgrade), 13 wrong architecture, 14 already
running, 15 not a release, 16 no trusted keys, 17 download failed its size/hash check,
18 an update is still on trial, 19 could not unpack (disk full?), 69 not installed from the .deb, 75 not now (download
interrupted: run again to resume; outside the window; a session open), 77 not root,
78 bad config.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from kiosk.cli import EX_CONFIG, EX_OK, EX_TEMPFAIL

NAME = "update"
# --apply-pending refused with these keeps the pending release for the next timer run
# (18: the last update has not sent READY=1 yet, so it may still be rolled back)
KEEP_PENDING = (18,)
HELP = "install a signed release (health-gated, rolls back by itself); --status"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("release", nargs="?", help="the .deb: a path or an http(s) URL")
    p.add_argument("--signature", help="signature file or URL (default: RELEASE.minisig)")
    p.add_argument("--size", type=int, help="announced size in bytes (required for a URL)")
    p.add_argument("--sha256", help="announced sha256 (required for a URL)")
    p.add_argument("--allow-downgrade", action="store_true", help="install an older version")
    p.add_argument("--check", action="store_true", help="verify only; install nothing")
    p.add_argument("--later", action="store_true", help="verify now, apply in [update] window")
    p.add_argument("--apply-pending", action="store_true", help="apply a --later release now "
                   "if inside the window and no session is open (kiosk-update.timer)")  # fmt: skip
    p.add_argument("--no-restart", action="store_true", help="switch, but do not restart")
    p.add_argument("--status", action="store_true", help="current, previous, pending, last result")
    p.add_argument("--json", action="store_true", help="--status as JSON")


def _restart() -> None:
    """A fresh start-limit count (an update is a deliberate start), then the restart."""
    if Path("/run/systemd/system").is_dir():
        subprocess.run(["systemctl", "reset-failed", "kiosk.service"], check=False)
        subprocess.run(["systemctl", "restart", "--no-block", "kiosk.service"], check=False)


def _fetch(args: argparse.Namespace, settings) -> tuple[Path, Path]:
    """The .deb and its signature as local files (downloaded when given as URLs)."""
    from kiosk.api.release_download import DownloadError, RateLimit, download, fetch_small
    from kiosk.appliance.updates import apply as upd

    src: str = args.release
    sig_src: str = args.signature or f"{src}.minisig"
    if not src.startswith(("http://", "https://")):
        deb = Path(src)
        return deb, Path(args.signature) if args.signature else upd.signature_path(deb)
    if args.size is None or not args.sha256:
        raise upd.Refused(upd.EX_DOWNLOAD, "a URL needs the announced --size and --sha256",
                          "take both from the release announcement (GET /device: release)")  # fmt: skip
    folder = settings.device.state_dir / "update" / "downloads"
    folder.mkdir(parents=True, exist_ok=True)
    deb = folder / src.rsplit("/", 1)[-1]
    limit = RateLimit(settings.update.max_rate_kib_s * 1024)
    try:
        got = download(src, deb, size=args.size, sha256=args.sha256, limit=limit)
        sig = fetch_small(sig_src, upd.signature_path(deb))
    except DownloadError as exc:
        code = EX_TEMPFAIL if exc.retry else upd.EX_DOWNLOAD
        raise upd.Refused(code, str(exc), "run the same command again: it resumes"
                          if exc.retry else "the file is not the announced one; do not use it") from exc  # fmt: skip
    print(f"kiosk update: downloaded {deb.name} in {got.seconds:.1f} s"
          f"{f' (resumed at {got.resumed_from} bytes)' if got.resumed_from else ''}")  # fmt: skip
    return deb, sig


def _apply_pending(settings, store) -> tuple[Path, Path] | None:
    """The pending release (root's copy), if it may be applied now; None (and why, printed)
    otherwise."""
    from kiosk.appliance.updates import apply as upd
    from kiosk.appliance.updates.pending import due, take

    pending, why = due(store, settings.update.window, datetime.now())
    if pending is None:
        print(f"kiosk update: {why}")
        return None
    try:
        return take(pending, settings.update.releases_dir)
    except OSError as exc:
        store.clear_pending()  # gone or unreadable: it would fail the same way every run
        raise upd.Refused(upd.EX_NOT_A_RELEASE, f"pending {pending.get('version')}: {exc}",
                          "offer or queue the release again (kiosk update URL --later)") from exc  # fmt: skip


def _done_with_pending(store, releases_dir: Path) -> None:
    from kiosk.appliance.updates.pending import drop_incoming

    store.clear_pending()
    drop_incoming(releases_dir)


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
    if args.apply_pending:  # the shop's [update] window from the cloud (kiosk.toml wins)
        from kiosk.cloud_settings import with_last_good

        settings = with_last_good(settings).settings
    cfg = settings.update
    layout, store = Layout(cfg.releases_dir), Store(settings.device.state_dir)
    if args.status or not (args.release or args.apply_pending):
        st = status(cfg.releases_dir, settings.device.state_dir)
        print(json.dumps(st, indent=1) if args.json else summary(st))
        return EX_OK
    name = args.release or "pending release"
    try:
        files = _apply_pending(settings, store) if args.apply_pending else _fetch(args, settings)
        if files is None:
            return EX_OK
        deb, sig = files
        checked = upd.check(deb, sig, trusted_keys(cfg.keys_dir), layout.current(), this_arch(),
                            allow_downgrade=args.allow_downgrade)  # fmt: skip
        print(f"kiosk update: {deb.name}: {checked.info.version} ({checked.info.architecture}), "
              f"signed by key {checked.key_id}")  # fmt: skip
        if args.check:
            return EX_OK
        if not upd.is_root():
            raise upd.Refused(upd.EX_NOPERM, "installing a release needs root",
                              f"sudo kiosk update {' '.join(sys.argv[2:])}")  # fmt: skip
        if args.later:
            store.save_pending({"version": checked.info.version, "deb": str(deb.resolve()),
                                "signature": str(sig.resolve()), "at": time.time()})  # fmt: skip
            print(f"kiosk update: {checked.info.version} pending; applied in {cfg.window or 'any time'}"
                  " when nobody is at the kiosk")  # fmt: skip
            return EX_OK
        result = upd.apply(deb, checked, layout, store, health_timeout_s=cfg.health_timeout_s,
                           keep=cfg.keep_releases,
                           restart=(lambda: None) if args.no_restart else _restart)  # fmt: skip
        if args.apply_pending:
            _done_with_pending(store, cfg.releases_dir)
    except upd.Refused as exc:
        if args.apply_pending:
            from kiosk.appliance.updates.pending import drop_incoming

            drop_incoming(cfg.releases_dir)
            if exc.code in KEEP_PENDING:  # not now, not never: the next timer run tries again
                print(f"kiosk update: the pending release waits: {exc.message}")
                return EX_OK
            store.clear_pending()  # refused for good: not tried again at every run
        if upd.is_root():
            store.record({"result": "refused", "file": Path(name).name, "reason": exc.message,
                          "code": exc.code, "at": time.time()})  # fmt: skip
        print(f"kiosk update: REFUSED ({exc.code}): {exc.message}\n  fix: {exc.fix}",
              file=sys.stderr)  # fmt: skip
        return exc.code
    print(f"kiosk update: switched {result['from']} -> {result['version']} "
          f"(unpacked in {result['unpack_s']} s); health gate {cfg.health_timeout_s:.0f} s")  # fmt: skip
    return EX_OK
