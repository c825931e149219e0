"""What a release .deb says about itself, and unpacking its release tree.

Why dpkg-deb: it is on every Debian kiosk (package `dpkg` is essential), it reads every
compression dpkg accepts (the build packs with zstd, which Python 3.11 cannot read), and
`--fsys-tarfile` streams the payload so nothing but the release folder lands on disk.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "stamp-kiosk"
RELEASES_IN_PAYLOAD = "./opt/stamp-kiosk/releases"
MACHINE_TO_DEB = {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf", "armv8l": "armhf"}


class PackageError(Exception):
    """Not a readable stamp-kiosk release package."""


@dataclass(frozen=True)
class ReleaseInfo:
    package: str
    version: str
    architecture: str


def this_arch() -> str:
    """dpkg's name for this machine's architecture (what a release must be built for)."""
    dpkg = shutil.which("dpkg")
    if dpkg:
        out = subprocess.run([dpkg, "--print-architecture"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    return MACHINE_TO_DEB.get(platform.machine(), platform.machine())


def _dpkg_deb() -> str:
    tool = shutil.which("dpkg-deb")
    if tool is None:
        raise PackageError("dpkg-deb is missing (install the 'dpkg' package)")
    return tool


def read_info(deb: Path) -> ReleaseInfo:
    """Package, Version and Architecture from the .deb's control file."""
    res = subprocess.run(
        [_dpkg_deb(), "--field", str(deb), "Package", "Version", "Architecture"],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        raise PackageError(f"{deb.name} is not a readable .deb: {res.stderr.strip()[:200]}")
    fields = dict(
        (k.strip(), v.strip())
        for k, _, v in (ln.partition(":") for ln in res.stdout.splitlines())
        if k
    )
    info = ReleaseInfo(
        fields.get("Package", ""), fields.get("Version", ""), fields.get("Architecture", "")
    )
    if info.package != PACKAGE or not info.version:
        raise PackageError(f"{deb.name} is not a {PACKAGE} release (package {info.package!r})")
    return info


def extract_release(deb: Path, version: str, dest_parent: Path) -> Path:
    """Unpack the payload's releases/<version>/ into `dest_parent`; returns the folder.

    Only that subtree is taken: a release switch must never touch /etc, the units or the
    state (those change with `apt install` only, see docs/updates.md).
    """
    member = f"{RELEASES_IN_PAYLOAD}/{version}"
    dest_parent.mkdir(parents=True, exist_ok=True)
    feed = subprocess.Popen([_dpkg_deb(), "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE)
    try:
        tar = subprocess.run(
            ["tar", "-x", "-C", str(dest_parent), "--no-same-owner", member],
            stdin=feed.stdout,
            capture_output=True,
            text=True,
        )
    finally:
        if feed.stdout is not None:
            feed.stdout.close()
        feed.wait()
    if tar.returncode != 0 or feed.returncode != 0:
        raise PackageError(f"could not unpack {member} from {deb.name}: {tar.stderr[:300]}")
    folder = dest_parent / member.removeprefix("./")
    if not folder.is_dir():
        raise PackageError(f"{deb.name} holds no {member}/")
    return folder
