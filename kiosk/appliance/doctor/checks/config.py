"""The config file parses and every key is valid."""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red

NAME = "config"
ORDER = 10
REQUIRED = True
NEEDS_SETTINGS = False


def check(ctx: DoctorContext) -> CheckResult:
    if ctx.config_error is not None:
        problems = ctx.config_error.problems
        first = "; ".join(f"{p.key}: {p.problem}" for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        return red(
            f"{ctx.config_path}: {len(problems)} problem(s): {first}{more}",
            problems[0].fix + f"; then run 'kiosk check-config {ctx.config_path}'",
        )
    return green(f"{ctx.config_path} is valid")
