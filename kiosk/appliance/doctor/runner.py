"""Discover the checks, run each with a time limit, and decide the exit code.

A check that raises becomes a red result naming the exception (a bug in one check must
not hide the others); a check that hangs (a camera driver stuck in open()) becomes red
after its time limit, and the run goes on.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from types import ModuleType
from typing import Any

from kiosk.appliance.doctor import checks as checks_pkg
from kiosk.appliance.doctor.base import CheckResult, DoctorContext, red, yellow

DEFAULT_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class Report:
    checks: list[CheckResult]

    @property
    def ok(self) -> bool:
        """True when no required check is red (yellow is a warning, not a failure)."""
        return not any(c.required and c.status == "red" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        counts = {s: sum(c.status == s for c in self.checks) for s in ("green", "yellow", "red")}
        return {"ok": self.ok, "summary": counts, "checks": [c.to_json() for c in self.checks]}


def discover() -> list[ModuleType]:
    """Every module in doctor/checks with a `check` function, in ORDER."""
    mods = []
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{checks_pkg.__name__}.{info.name}")
        if hasattr(mod, "check"):
            mods.append(mod)
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.NAME))


def check_names() -> list[str]:
    return [m.NAME for m in discover()]


def unknown_names(names: Iterable[str]) -> list[str]:
    """The names that are no check ('camra'): a typo in --only must not pass as 'all fine'."""
    known = set(check_names())
    return [n for n in names if n not in known]


def run_checks(
    ctx: DoctorContext,
    *,
    only: Iterable[str] = (),
    skip: Iterable[str] = (),
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_result: Callable[[CheckResult], None] | None = None,
) -> Report:
    """Run the checks in ORDER; `on_result` gets each one as it finishes (a slow camera
    or network check then does not leave the screen blank for half a minute)."""
    only, skip = set(only), set(skip)
    results = []
    for mod in discover():
        if (only and mod.NAME not in only) or mod.NAME in skip:
            continue
        results.append(_run_one(mod, ctx, timeout_s))
        if on_result is not None:
            on_result(results[-1])
    return Report(results)


def _run_one(mod: ModuleType, ctx: DoctorContext, timeout_s: float) -> CheckResult:
    required = bool(getattr(mod, "REQUIRED", True))
    if ctx.settings is None and getattr(mod, "NEEDS_SETTINGS", True):
        res = yellow("not checked: the config file is invalid", "fix the config first")
        return replace(res, name=mod.NAME, required=required)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = mod.check(ctx)
        except Exception as exc:  # one broken check must not hide the others
            box["result"] = red(
                f"the check itself failed: {type(exc).__name__}: {exc}",
                "report this with the output of 'kiosk doctor --json'",
            )

    t0 = time.monotonic()
    thread = threading.Thread(target=target, name=f"doctor-{mod.NAME}", daemon=True)
    thread.start()
    thread.join(timeout_s)
    elapsed = int((time.monotonic() - t0) * 1000)
    res = box.get("result") or red(
        f"did not finish within {timeout_s:.0f}s (a device or the network hangs)",
        "unplug and replug the device, or check the network; then run doctor again",
    )
    # a check may lower `required` (e.g. a camera that is not configured) but never raise it
    return replace(res, name=mod.NAME, required=required and res.required, duration_ms=elapsed)
