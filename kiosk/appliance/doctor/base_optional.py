"""Checks for devices whose code is built by other parts of the project.

Why a helper: a kiosk built from a branch where, say, the printer module is not there yet
must say so honestly ("not available in this build", yellow) instead of crashing the
doctor or pretending the printer is fine.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from kiosk.appliance.doctor.base import CheckResult, yellow


def load(module: str) -> ModuleType | CheckResult:
    """The module, or a yellow result saying it is not in this build."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        return yellow(
            f"not available in this build ({module}: {exc.msg if hasattr(exc, 'msg') else exc})",
            "update the kiosk software to a build that includes it",
        )
