"""Check everything a kiosk needs and say, for each problem, how to fix it.

Exit 0 when every required check passes (green or yellow), 1 when one is red, 2 when
--only / --skip names a check that does not exist. Each check's line is printed as soon
as it finishes.
`--json` prints one object: {"ok", "summary", "checks": [{name, status, message, fix,
required, duration_ms}]}.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from kiosk.appliance.doctor.base import CheckResult, DoctorContext
from kiosk.appliance.doctor.runner import (
    DEFAULT_TIMEOUT_S,
    Report,
    check_names,
    run_checks,
    unknown_names,
)
from kiosk.appliance.logging_setup import setup_logging
from kiosk.cli import EX_FAIL, EX_OK, EX_USAGE
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


def diagnose(
    config_path: Path | None,
    only=(),
    skip=(),
    timeout_s=DEFAULT_TIMEOUT_S,
    on_result: Callable[[CheckResult], None] | None = None,
) -> Report:
    ctx = build_context(config_path)
    configured_skip = list(ctx.settings.technician.doctor_skip) if ctx.settings else []
    return run_checks(
        ctx, only=only, skip=[*skip, *configured_skip], timeout_s=timeout_s, on_result=on_result
    )


def print_check(c: CheckResult, stream=None, width: int = 12) -> None:
    """One check's line (and its fix when it is not green), flushed at once."""
    stream = stream or sys.stdout
    mark, code = _MARK[c.status]
    shown = f"\033[{code}m{mark}\033[0m" if stream.isatty() else mark
    opt = "" if c.required else " (optional)"
    print(f"{shown} {c.name:<{width}} {c.message}{opt}", file=stream)
    if c.status != "green" and c.fix:
        print(f"     {'':<{width}} fix: {c.fix}", file=stream)
    stream.flush()


def print_verdict(report: Report, stream=None) -> None:
    verdict = "all required checks pass" if report.ok else "some required checks FAIL"
    print(f"doctor: {verdict}", file=stream or sys.stdout)


def print_human(report: Report, stream=None) -> None:
    width = max((len(c.name) for c in report.checks), default=8)
    for c in report.checks:
        print_check(c, stream, width)
    print_verdict(report, stream)


def run(args: argparse.Namespace) -> int:
    setup_logging(os.environ.get("KIOSK_LOG_LEVEL", "WARNING"))
    if args.list:
        print("\n".join(check_names()))
        return EX_OK
    unknown = unknown_names([*args.only, *args.skip])
    if unknown:
        return _no_such_check(unknown)
    if args.json:
        report = diagnose(args.config, args.only, args.skip, args.timeout)
        print(json.dumps(report.to_json(), indent=2))
    else:
        width = max(len(n) for n in check_names())
        report = diagnose(
            args.config, args.only, args.skip, args.timeout, lambda c: print_check(c, width=width)
        )
        print_verdict(report)
    return EX_OK if report.ok else EX_FAIL


def _no_such_check(unknown: list[str]) -> int:
    names = check_names()
    for name in unknown:
        near = difflib.get_close_matches(name, names, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        print(f"kiosk doctor: no such check: '{name}'{hint}", file=sys.stderr)
    print(f"  the checks are: {', '.join(names)}", file=sys.stderr)
    return EX_USAGE
