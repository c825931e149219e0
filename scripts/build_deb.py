"""Build dist/stamp-kiosk_<version>_<arch>.deb from the locked wheels only (`make deb`).

Why the venv is assembled rather than created with `python -m venv`: the package for arm64 is
built on x86 machines too, and a venv is only a folder (pyvenv.cfg, bin/python -> the target's
/usr/bin/python3.11, site-packages). pip unpacks the target arch's wheels into it with
`--target --platform ... --no-index --require-hashes`, which never runs target code and never
compiles. The same path builds amd64, so what CI tests is what a Pi gets. The kiosk then needs
no PyPI, no git and no compiler: only the Debian packages in deploy/deb/control.in.

    python scripts/build_deb.py [--arch amd64|arm64] [--version V] [--out dist]
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lock import clean_pip_env, wheel_args

ROOT = Path(__file__).resolve().parent.parent
DEB = ROOT / "deploy" / "deb"
OPT = "opt/stamp-kiosk"
# Each version in a folder of its own (issue 18): `kiosk update` unpacks the next release
# beside it and switches /opt/stamp-kiosk/current (a symlink postinst makes) by one rename.
CURRENT = f"/{OPT}/current"


def release_dir(ver: str) -> str:
    return f"{OPT}/releases/{ver}"


def venv_dir(ver: str) -> str:
    return f"{release_dir(ver)}/venv"


def site_dir(ver: str) -> str:
    return f"{venv_dir(ver)}/lib/python3.11/site-packages"


WHEEL_ARCH = {"amd64": "x86_64", "arm64": "aarch64"}
# repository file -> where the package puts it (the vendor locations; /etc stays the admin's)
SYSTEM_FILES = {
    "systemd/kiosk.service": "lib/systemd/system/kiosk.service",
    "systemd/kiosk-crash-guard.service": "lib/systemd/system/kiosk-crash-guard.service",
    "systemd/kiosk-update.service": "lib/systemd/system/kiosk-update.service",
    "systemd/kiosk-update.timer": "lib/systemd/system/kiosk-update.timer",
    "systemd/kiosk.sysusers.conf": "usr/lib/sysusers.d/kiosk.conf",
    "systemd/kiosk.tmpfiles.conf": "usr/lib/tmpfiles.d/kiosk.conf",
    "systemd/udev/70-kiosk-scanners.rules": "lib/udev/rules.d/70-kiosk-scanners.rules",
    "config/udev/60-kiosk-printers.rules": "lib/udev/rules.d/60-kiosk-printers.rules",
    "systemd/journald-kiosk.conf": "usr/lib/systemd/journald.conf.d/kiosk.conf",
    "config/kiosk.example.toml": "etc/kiosk/kiosk.toml",
}
CONFFILES = ["/etc/kiosk/kiosk.toml"]
# The versioned python, not current's: a process keeps the release it started with even
# when `current` is switched under it (its imports never mix two releases).
KIOSK_SCRIPT = """#!/{venv}/bin/python
# kiosk's console script (written by scripts/build_deb.py: pip --target would name the
# build machine's python here)
import sys

from kiosk.cli import main

sys.exit(main())
"""


def pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, env=clean_pip_env())


def host_arch() -> str:
    out = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
    return out.stdout.strip() or "amd64"


def version() -> str:
    """The one version: kiosk/__init__.py (pyproject reads it too)."""
    sys.path.insert(0, str(ROOT))
    from kiosk import __version__

    return __version__


def wheelhouse(arch: str, work: Path) -> Path:
    """The locked wheels for that arch, downloaded once and checked against the lock's hashes."""
    dest = work / "wheelhouse" / WHEEL_ARCH[arch]
    print(f"deb: wheels for {arch} -> {dest.relative_to(ROOT)}", flush=True)
    pip("download", "-q", "--no-deps", "--require-hashes", "-d", str(dest),
        *wheel_args(WHEEL_ARCH[arch]), "-r", str(ROOT / "requirements.lock"))  # fmt: skip
    return dest


def own_wheel(work: Path, arch: str) -> Path:
    dest = work / f"own-{arch}"  # per arch: two builds may run at once
    shutil.rmtree(dest, ignore_errors=True)
    pip("wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dest), str(ROOT))
    (whl,) = dest.glob("stamp_kiosk-*.whl")
    return whl


def skeleton(root: Path, ver: str) -> None:
    """A venv as `python3.11 -m venv` makes it on the target, without running the target."""
    venv = root / venv_dir(ver)
    (root / site_dir(ver)).mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "lib64").symlink_to("lib")
    (venv / "pyvenv.cfg").write_text(
        "home = /usr/bin\ninclude-system-site-packages = false\nversion = 3.11\n"
    )
    (venv / "bin" / "python3.11").symlink_to("/usr/bin/python3.11")
    (venv / "bin" / "python3").symlink_to("python3.11")
    (venv / "bin" / "python").symlink_to("python3.11")


def fill_venv(root: Path, arch: str, wheels: Path, own: Path, ver: str) -> None:
    site = root / site_dir(ver)
    target = ["--no-index", "--no-deps", *wheel_args(WHEEL_ARCH[arch])]
    print(f"deb: installing the locked wheels into /{venv_dir(ver)}", flush=True)
    pip("install", "-q", "--find-links", str(wheels), "--require-hashes", "--target", str(site),
        *target, "-r", str(ROOT / "requirements.lock"))  # fmt: skip
    shutil.rmtree(site / "bin", ignore_errors=True)  # scripts naming the build machine's python
    shutil.rmtree(site / "share", ignore_errors=True)  # kivy-examples: not for a kiosk
    ours = site.parent / "stamp-kiosk.tmp"
    pip("install", "-q", "--target", str(ours), *target, str(own))
    shutil.move(
        ours / "share", root / venv_dir(ver) / "share"
    )  # install-service's files (data-files)
    shutil.rmtree(ours / "bin")
    for item in ours.iterdir():
        shutil.move(item, site / item.name)
    ours.rmdir()
    kiosk = root / venv_dir(ver) / "bin" / "kiosk"
    kiosk.write_text(KIOSK_SCRIPT.format(venv=venv_dir(ver)))
    kiosk.chmod(0o755)
    if sys.version_info[:2] == (3, 11):  # .pyc is per Python version, not per CPU
        compileall.compile_dir(site, quiet=1, workers=os.cpu_count() or 1)


def stamp_version(root: Path, ver: str) -> None:
    """A package built with another --version (the system test's "previous" one) says so in
    `kiosk --version` too: the staged kiosk/__init__.py gets that version."""
    init = root / site_dir(ver) / "kiosk" / "__init__.py"
    text = re.sub(r'(?m)^__version__ = "[^"]*"', f'__version__ = "{ver}"', init.read_text())
    init.write_text(text)
    for pyc in (init.parent / "__pycache__").glob("__init__.*.pyc"):
        pyc.unlink()


def system_files(root: Path, ver: str) -> None:
    for src, dest in SYSTEM_FILES.items():
        target = root / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / src, target)
        target.chmod(0o644)
    (root / "usr" / "bin").mkdir(parents=True, exist_ok=True)
    (root / "usr" / "bin" / "kiosk").symlink_to(f"{CURRENT}/venv/bin/kiosk")
    shutil.copytree(ROOT / "docs", root / release_dir(ver) / "docs")
    (root / OPT / "docs").symlink_to("current/docs")  # the units' Documentation= path


def control(root: Path, arch: str, ver: str) -> None:
    meta = root / "DEBIAN"
    meta.mkdir()
    size_kib = sum(p.lstat().st_size for p in root.rglob("*")) // 1024
    text = (DEB / "control.in").read_text()
    for key, value in {"@VERSION@": ver, "@ARCH@": arch, "@SIZE@": str(size_kib)}.items():
        text = text.replace(key, value)
    (meta / "control").write_text(text)
    (meta / "conffiles").write_text("".join(f"{c}\n" for c in CONFFILES))
    for script in ("postinst", "prerm", "postrm"):
        (meta / script).write_text((DEB / script).read_text().replace("@VERSION@", ver))
        (meta / script).chmod(0o755)


def build(arch: str, ver: str, out: Path, work: Path) -> Path:
    wheels = wheelhouse(arch, work)
    own = own_wheel(work, arch)
    root = work / f"root-{arch}"
    shutil.rmtree(root, ignore_errors=True)
    skeleton(root, ver)
    fill_venv(root, arch, wheels, own, ver)
    if ver != version():
        stamp_version(root, ver)
    system_files(root, ver)
    control(root, arch, ver)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"stamp-kiosk_{ver}_{arch}.deb"
    print(f"deb: packing {deb.relative_to(ROOT) if deb.is_relative_to(ROOT) else deb}", flush=True)
    subprocess.run(
        # zstd: 3 s to pack instead of ~2 min (xz); bookworm dpkg (1.21.22) reads it
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "-z3", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--arch", choices=sorted(WHEEL_ARCH), default=None, help="default: this host's")
    ap.add_argument("--version", default=None, help="default: kiosk.__version__")
    ap.add_argument("--out", type=Path, default=ROOT / "dist")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    args = ap.parse_args()
    arch = args.arch or host_arch()
    if arch not in WHEEL_ARCH:
        ap.error(f"no locked wheels for {arch}; use --arch amd64 or arm64")
    deb = build(arch, args.version or version(), args.out.resolve(), args.work.resolve())
    print(f"deb: {deb} ({deb.stat().st_size // 2**20} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
