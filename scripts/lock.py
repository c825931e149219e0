"""Regenerate requirements.lock: every runtime dependency pinned, with sha256 hashes of the
cp311 wheels for x86_64 and aarch64 (`make lock`).

Why a lock of our own making: a kiosk must install the same bytes every time, from wheels
only (Pi OS Lite has no compiler), and two kiosks set up a week apart must not differ. The
versions are resolved once on PyPI for x86_64, then aarch64 is resolved under those pins, so
both architectures run the same versions. Only the runtime dependencies of pyproject.toml are
locked; the extras ([server], [dev]) never go on a kiosk.

    python scripts/lock.py [--out requirements.lock] [--work build/lock]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARCHES = ("x86_64", "aarch64")
PYTHON = "3.11"  # Raspberry Pi OS (bookworm) and Debian 12 ship python3.11
GLIBC_MINORS = range(17, 37)  # manylinux_2_17 .. bookworm's glibc 2.36
REGENERATE = "make lock   (python scripts/lock.py)"


def platform_args(arch: str) -> list[str]:
    """pip's --platform for every manylinux tag bookworm's glibc accepts on that arch."""
    tags = [f"manylinux2014_{arch}"] + [f"manylinux_2_{m}_{arch}" for m in GLIBC_MINORS]
    return [arg for tag in tags for arg in ("--platform", tag)]


def wheel_args(arch: str) -> list[str]:
    """pip arguments that select cp311 wheels for that arch, and never an sdist."""
    return [
        "--only-binary=:all:",
        *platform_args(arch),
        "--python-version",
        PYTHON,
        "--implementation",
        "cp",
    ]


def clean_pip_env() -> dict[str, str]:
    """Resolve against PyPI alone: no machine-local pip config, find-links or constraints."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    for keep in ("PIP_CERT", "PIP_DEFAULT_TIMEOUT"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    return env


def runtime_requirements() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def download(arch: str, reqs: list[str], dest: Path, constraints: Path | None) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "-d", str(dest), *wheel_args(arch)]
    if constraints:
        cmd += ["-c", str(constraints)]
    print(f"lock: resolving for cp311 {arch}", flush=True)
    subprocess.run([*cmd, *reqs], check=True, env=clean_pip_env())


def normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def wheels_by_pin(folder: Path) -> dict[tuple[str, str], Path]:
    """(name, version) -> wheel file, read from wheel file names (PEP 427)."""
    out = {}
    for whl in sorted(folder.glob("*.whl")):
        name, version = whl.name.split("-")[:2]
        out[(normalize(name), version)] = whl
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(pins: dict[tuple[str, str], list[Path]]) -> str:
    lines = [
        "# The kiosk's runtime dependencies, pinned with the sha256 of each cp311 wheel for",
        "# x86_64 and aarch64 (manylinux, glibc <= 2.36). Generated; do not edit by hand.",
        f"# Regenerate: {REGENERATE}",
        "# Install (what `make deb` does): pip install --no-index --find-links WHEELHOUSE",
        "#   --require-hashes --only-binary=:all: --no-deps -r requirements.lock",
    ]
    for (name, version), files in sorted(pins.items()):
        hashes = sorted({sha256(f) for f in files})
        lines.append(f"{name}=={version} \\")
        lines += [f"    --hash=sha256:{h} \\" for h in hashes[:-1]]
        lines.append(f"    --hash=sha256:{hashes[-1]}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "requirements.lock")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "lock")
    args = ap.parse_args()
    reqs = runtime_requirements()
    first, *rest = ARCHES
    download(first, reqs, args.work / first, None)
    pins = {k: [v] for k, v in wheels_by_pin(args.work / first).items()}
    constraints = args.work / "pins.txt"
    constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(pins)))
    for arch in rest:
        download(arch, reqs, args.work / arch, constraints)
        for key, whl in wheels_by_pin(args.work / arch).items():
            pins.setdefault(key, []).append(whl)
    args.out.write_text(render(pins))
    print(f"lock: {len(pins)} packages -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
