"""Check everything a kiosk needs and say, for each problem, how to fix it.

Exit 0 when every required check passes (green or yellow), 1 when one is red.
`--json` prints one object: {"ok", "summary", "checks": [{name, status, message, fix,
required, duration_ms}]}.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.runner import DEFAULT_TIMEOUT_S, Report, check_names, run_checks
from kiosk.appliance.logging_setup import setup_logging
from kiosk.cli import EX_FAIL, EX_OK
from kiosk.config import ConfigError, default_config_path, load_settings

NAME = "doctor"
HELP = "check everything and say how to fix what is wrong"

_MARK = {"green": ("OK  ", "32"), "yellow": ("WARN", "33"), "red": ("FAIL", "31")}


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--only", type=_names, default=[], help="run only these checks (a,b,...)")
    p.add_argument("--skip", type=_names, default=[], help="skip these checks (a,b,...)")
    p.add_argument("--list", action="store_true", help="list the check names and exit")
    p.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT_S, help="seconds per check (default 15)"
    )


def build_context(config_path: Path | None) -> DoctorContext:
    path = config_path or default_config_path()
    try:
        return DoctorContext(path, load_settings(path))
    except ConfigError as exc:
        return DoctorContext(path, None, exc)


def diagnose(config_path: Path | None, only=(), skip=(), timeout_s=DEFAULT_TIMEOUT_S) -> Report:
    ctx = build_context(config_path)
    configured_skip = list(ctx.settings.technician.doctor_skip) if ctx.settings else []
    return run_checks(ctx, only=only, skip=[*skip, *configured_skip], timeout_s=timeout_s)


def print_human(report: Report, stream=None) -> None:
    stream = stream or sys.stdout
    color = stream.isatty()
    width = max((len(c.name) for c in report.checks), default=8)
    for c in report.checks:
        mark, code = _MARK[c.status]
        shown = f"\033[{code}m{mark}\033[0m" if color else mark
        opt = "" if c.required else " (optional)"
        print(f"{shown} {c.name:<{width}} {c.message}{opt}", file=stream)
        if c.status != "green" and c.fix:
            print(f"     {'':<{width}} fix: {c.fix}", file=stream)
    verdict = "all required checks pass" if report.ok else "some required checks FAIL"
    print(f"doctor: {verdict}", file=stream)


def run(args: argparse.Namespace) -> int:
    setup_logging(os.environ.get("KIOSK_LOG_LEVEL", "WARNING"))
    if args.list:
        print("\n".join(check_names()))
        return EX_OK
    report = diagnose(args.config, args.only, args.skip, args.timeout)
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        print_human(report)
    return EX_OK if report.ok else EX_FAIL
