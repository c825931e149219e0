"""Pair this kiosk with a shop: exchange a one-time pairing code for a device token.

Writes DIR/kiosk.toml (server, name, token_file) and the token beside it with mode 0600
(or at --token-file), then runs `kiosk doctor`. Missing flags are asked for when stdin is
a terminal; the pairing code prompt also accepts the admin's QR scanned with a
keyboard-wedge scanner (KIOSK-PAIR:<server>#<code>), which fills in the server too.
Re-provisioning is safe: nothing is replaced unless the server accepted the new code.

Before the one-time code is sent, it checks that every file can be written and that no
stamps of the current pairing wait in the outbox (they would go to the new shop; --force
abandons them and says how many), so a refusal leaves the code unused.

Exit: 0 paired; 1 code refused (wrong, expired, used) or stamps waiting; 2 usage; 75
server unreachable (try again); 78 cannot write the files.
"""

from __future__ import annotations

import argparse
import json
import os
import pwd
import socket
import sys
from pathlib import Path

from kiosk.appliance.logging_setup import setup_logging
from kiosk.appliance.provisioning import (
    CONFIG_NAME,
    ProvisionError,
    ProvisionRequest,
    parse_pairing_payload,
    provision,
)
from kiosk.cli import EX_CONFIG, EX_OK, EX_USAGE
from kiosk.config import DEFAULT_CONFIG_PATH, ConfigError, load_settings

NAME = "provision"
HELP = "pair this kiosk with a shop (one-time pairing code), then run doctor"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--server", help="the loyalty server, e.g. https://loyalty.example.com")
    p.add_argument(
        "--pairing-code", help="the one-time code from the shop's admin (or a KIOSK-PAIR: payload)"
    )
    p.add_argument("--name", help="a short name for this kiosk, e.g. counter-1")
    p.add_argument(
        "--config-dir", type=Path, default=None, help="where kiosk.toml goes (default /etc/kiosk)"
    )
    p.add_argument("--state-dir", type=Path, default=None, help="set [device] state_dir")
    p.add_argument(
        "--token-file", type=Path, default=None, help="token path (default: beside the config)"
    )
    p.add_argument(
        "--owner", default=None, help="give the token file to this user (default as root: kiosk)"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="re-pair even with stamps still waiting to be sent (they are abandoned)",
    )
    p.add_argument("--no-doctor", action="store_true", help="do not run doctor afterwards")
    p.add_argument("--json", action="store_true", help="print the result as JSON")


def _existing(config_dir: Path) -> tuple[str | None, str | None]:
    try:
        s = load_settings(config_dir / CONFIG_NAME, environ={})
    except ConfigError:
        return None, None
    return s.server.url, s.device.name


def _ask(label: str, default: str | None) -> str:
    suffix = f" [{default}]" if default else ""
    answer = input(f"{label}{suffix}: ").strip()
    return answer or (default or "")


def _default_owner() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("kiosk")
    except KeyError:
        return None
    return "kiosk"


def _gather(args: argparse.Namespace, config_dir: Path) -> tuple[str, str, str] | str:
    """(server, code, name), or a usage message naming what is missing."""
    old_server, old_name = _existing(config_dir)
    server, code, name = args.server, args.pairing_code, args.name
    if code:
        qr_server, code = parse_pairing_payload(code)
        server = server or qr_server
    interactive = sys.stdin.isatty()
    if not code and interactive:
        qr_server, code = parse_pairing_payload(
            _ask("Pairing code (type it, or scan the QR)", None)
        )
        server = server or qr_server
    if not server and interactive:
        server = _ask("Server address", old_server)
    if not name and interactive:
        name = _ask("Kiosk name", old_name or socket.gethostname())
    name = name or old_name
    missing = [
        f for f, v in (("--server", server), ("--pairing-code", code), ("--name", name)) if not v
    ]
    if missing:
        return "missing " + ", ".join(missing) + " (stdin is not a terminal, so nothing was asked)"
    return server, code, name


def run(args: argparse.Namespace) -> int:
    setup_logging(os.environ.get("KIOSK_LOG_LEVEL", "WARNING"))
    config_dir = args.config_dir or (
        args.config.parent if args.config else DEFAULT_CONFIG_PATH.parent
    )
    try:
        gathered = _gather(args, config_dir)
    except ProvisionError as exc:
        print(f"kiosk provision: {exc.message}\n  fix: {exc.fix}", file=sys.stderr)
        return exc.exit_code
    except EOFError:
        return EX_USAGE
    if isinstance(gathered, str):
        print(f"kiosk provision: {gathered}", file=sys.stderr)
        return EX_USAGE
    server, code, name = gathered
    req = ProvisionRequest(
        server_url=server,
        pairing_code=code,
        device_name=name,
        config_dir=config_dir,
        state_dir=args.state_dir,
        token_file=args.token_file,
        owner=args.owner or _default_owner(),
        force=args.force,
    )
    try:
        result = provision(req)
    except ProvisionError as exc:
        if args.json:
            print(json.dumps({"ok": False, "error": exc.message, "fix": exc.fix}))
        print(f"kiosk provision: {exc.message}\n  fix: {exc.fix}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(
            f"kiosk provision: cannot write the files: {exc}\n  fix: run it with sudo, or "
            "choose --config-dir/--token-file you can write",
            file=sys.stderr,
        )
        return EX_CONFIG
    return _report(args, result, name)


def _report(args: argparse.Namespace, result, name: str) -> int:
    summary = {
        "ok": True,
        "device_id": result.device_id,
        "name": name,
        "location": result.location_name,
        "config": str(result.config_path),
        "token_file": str(result.token_path),
        "replaced_previous_pairing": result.replaced_token,
        "abandoned": result.abandoned,
    }
    doctor = None
    if not args.no_doctor:
        from kiosk.cli.doctor import diagnose, print_human

        doctor = diagnose(result.config_path)
        summary["doctor"] = doctor.to_json()
    if args.json:
        print(json.dumps(summary, indent=2))
        return EX_OK
    where = f" at '{result.location_name}'" if result.location_name else ""
    print(f"paired: '{name}'{where} (device {result.device_id})")
    print(f"config: {result.config_path}\ntoken:  {result.token_path} (mode 0600)")
    if result.abandoned:
        print(
            f"abandoned: {result.abandoned} stamp(s)/redemption(s) of the previous shop that "
            "were not sent (kept as 'dropped' in 'kiosk outbox list --state all')"
        )
    if doctor is not None:
        print("\nkiosk doctor:")
        print_human(doctor)
    return EX_OK
