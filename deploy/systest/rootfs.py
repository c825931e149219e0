"""A fresh Debian bookworm root file system for the system test, cached as a tarball.

Why cached, and what: mmdebstrap takes ~1 min for amd64 (~5+ min for arm64 under qemu), so
the tarball is kept under /var/cache/stamp-kiosk, keyed by arch and package list. It holds
systemd and exactly the Debian packages the .deb depends on (read from deploy/deb/control.in),
so `apt install ./stamp-kiosk.deb` inside needs no network and proves the Depends suffice.
Every run unpacks a new copy: each test starts from a root nobody has touched.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHE = Path("/var/cache/stamp-kiosk")
SUITE = "bookworm"
BASE = ["systemd", "systemd-sysv", "dbus", "python3", "ca-certificates"]


def depends(control_in: Path = ROOT / "deploy" / "deb" / "control.in") -> list[str]:
    """Package names of the .deb's Depends: line (version constraints dropped)."""
    line = next(x for x in control_in.read_text().splitlines() if x.startswith("Depends:"))
    names = [re.split(r"[\s(]", d.strip())[0] for d in line.split(":", 1)[1].split(",")]
    return sorted(set(names))


def packages(extra: tuple[str, ...] = ()) -> list[str]:
    return sorted(set(BASE) | set(depends()) | set(extra))


def tarball(arch: str, extra: tuple[str, ...] = (), flavor: str = "rootfs") -> Path:
    """The cache file; `flavor` keeps a variant (the fleet test's, with sshd) from replacing
    the system test's own tarball when either package list changes."""
    key = hashlib.sha256(f"{SUITE} {arch} {' '.join(packages(extra))}".encode()).hexdigest()[:12]
    return CACHE / f"{flavor}-{SUITE}-{arch}-{key}.tar"


def enable_emulation(arch: str) -> None:
    """arm64 on x86: qemu-user-static through binfmt_misc (FIELD-NOTES recipe)."""
    if arch != "arm64":
        return
    if not Path("/proc/sys/fs/binfmt_misc/status").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", "/proc/sys/fs/binfmt_misc"],
                       check=True)  # fmt: skip
    subprocess.run(["update-binfmts", "--enable", "qemu-aarch64"], check=False)


def ensure(arch: str, extra: tuple[str, ...] = (), flavor: str = "rootfs") -> tuple[Path, float]:
    """The cached tarball for `arch` (made when missing) and the seconds spent making it;
    `extra` Debian packages on top (the fleet test adds openssh-server)."""
    tar = tarball(arch, extra, flavor)
    if tar.exists():
        return tar, 0.0
    tools = ["mmdebstrap"] + (["update-binfmts", "qemu-aarch64-static"] if arch == "arm64" else [])
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise SystemExit(
            f"rootfs: {', '.join(missing)} missing; apt-get install mmdebstrap arch-test "
            "qemu-user-static binfmt-support"
        )
    enable_emulation(arch)
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{flavor}-{SUITE}-{arch}-*.tar"):
        old.unlink()  # another package list: not needed any more
    start = time.monotonic()
    tmp = tar.with_suffix(".tmp.tar")
    names = packages(extra)
    print(f"rootfs: mmdebstrap {SUITE} {arch} ({len(names)} packages) -> {tar}", flush=True)
    subprocess.run(
        ["mmdebstrap", "--variant=minbase", f"--arch={arch}", f"--include={','.join(names)}",
         "--quiet", SUITE, str(tmp)],
        check=True,
    )  # fmt: skip
    tmp.rename(tar)
    return tar, time.monotonic() - start


def unpack(tar: Path, dest: Path) -> None:
    """A new root from the tarball (tar keeps owners, modes, device nodes and xattrs)."""
    dest.mkdir(parents=True)
    subprocess.run(["tar", "-C", str(dest), "--numeric-owner", "-xpf", str(tar)], check=True)
