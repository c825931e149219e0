"""`kiosk`: one console script for people and for scripts.

Each subcommand is one module in this package (KlipperScreen's one-panel-per-file idea,
applied to commands): it defines HELP, add_arguments(parser) and run(args) -> exit code.
Modules are discovered, so adding a command never touches this file.

Exit codes: 0 ok, 1 the thing checked failed, 2 usage, 69 not available yet / device
missing, 75 temporary failure (try again), 78 bad configuration.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path
from types import ModuleType

EX_OK, EX_FAIL, EX_USAGE, EX_UNAVAILABLE, EX_TEMPFAIL, EX_CONFIG = 0, 1, 2, 69, 75, 78

# Kivy parses sys.argv on import unless told not to; the CLI owns the arguments.
os.environ.setdefault("KIVY_NO_ARGS", "1")


def _command_modules() -> dict[str, ModuleType]:
    mods: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "run"):
            mods[getattr(mod, "NAME", info.name.replace("_", "-"))] = mod
    return mods


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Stamp Kiosk: the loyalty kiosk.")
    from kiosk import __version__

    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, mod in sorted(_command_modules().items()):
        p = sub.add_parser(name, help=mod.HELP, description=mod.__doc__)
        p.add_argument(
            "--config",
            type=Path,
            default=None,
            help="config file (default: $KIOSK_CONFIG, else /etc/kiosk/kiosk.toml)",
        )
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return EX_USAGE
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        return 130


def not_yet(what: str) -> int:
    """An honest 'not built yet' for commands whose issue is still open (never a fake success)."""
    print(f"kiosk: '{what}' is not available in this build yet.", file=sys.stderr)
    return EX_UNAVAILABLE


if __name__ == "__main__":
    sys.exit(main())
