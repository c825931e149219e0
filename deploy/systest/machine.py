"""Boot real systemd as PID 1 of a PID namespace over a root file system, and talk to it.

The recipe of FIELD-NOTES ("Real systemd, arm64 and Debian here"): unshare pid+mount+uts+ipc,
bind the root onto itself, proc/sys/dev/run/tmp, pivot_root, exec systemd. Two additions:
- a cgroup namespace over cgroups of our own (one per hierarchy, under the ones this process
  is in), so this systemd's slices never meet another test's or the host's;
- no network namespace, so 127.0.0.1 is the host's and the kiosk reaches a refserver there.
Stopping is SIGKILL to that PID 1: every process of the namespace ends and its mounts go.
Every wait is bounded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_FS = Path("/sys/fs/cgroup")
# Units that fail or must not run in a namespace over the host's /dev: logind and e2scrub fail
# (FIELD-NOTES), a getty would take the host's tty1.
MASK = [
    "systemd-logind.service",
    "e2scrub_reap.service",
    "e2scrub_all.timer",
    "getty.target",
    "getty@.service",
    "serial-getty@.service",
    "console-getty.service",
    "apt-daily.timer",
    "apt-daily-upgrade.timer",
]

BOOT_SCRIPT = r"""
set -e
R=$1
mount --make-rprivate /
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
# Fresh cgroup mounts: inside our cgroup namespace they show only the test's own subtree.
if [ -n "$CGROUP_V1" ]; then
  mount -t tmpfs -o mode=755 cgroup "$R/sys/fs/cgroup"
  for c in $CGROUP_V1; do
    mkdir -p "$R/sys/fs/cgroup/$c"
    if [ "$c" = systemd ]; then o=none,name=systemd; else o=$c; fi
    mount -t cgroup -o "$o" cgroup "$R/sys/fs/cgroup/$c"
  done
  mkdir -p "$R/sys/fs/cgroup/unified"
  mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup/unified"
else
  mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup"
fi
mount -t tmpfs tmpfs "$R/run"
mount -t tmpfs tmpfs "$R/tmp"
mount --rbind /dev "$R/dev"
cd "$R"
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
exec /lib/systemd/systemd --log-target=kmsg
"""


def _own_cgroups(tag: str) -> tuple[list[Path], str]:
    """A new cgroup under ours in each hierarchy; the v1 controllers to mount inside."""
    dirs: list[Path] = []
    v1: list[str] = []
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            base = CGROUP_FS / "unified" if (CGROUP_FS / "unified").is_dir() else CGROUP_FS
        else:
            name = controllers.replace("name=", "")
            if name not in ("cpu", "cpuacct", "memory", "devices", "pids", "blkio", "systemd"):
                continue  # cpuset needs cpus/mems set first; systemd does not use it on v1
            base = CGROUP_FS / name
            v1.append(name)
        new = base / path.lstrip("/") / tag
        new.mkdir(exist_ok=True)
        dirs.append(new)
    return dirs, " ".join(v1)


def _remove_cgroup_tree(top: Path) -> None:
    """rmdir bottom-up (cgroupfs dirs hold only control files; rmdir is how they go)."""
    if not top.is_dir():
        return
    for dirpath, _dirs, _files in sorted(os.walk(top), key=lambda d: -len(d[0])):
        with contextlib.suppress(OSError):
            os.rmdir(dirpath)


@dataclass
class Machine:
    """systemd booted over `root`; `run()` executes a command inside it."""

    root: Path
    boot_timeout: float = 180.0
    proc: subprocess.Popen | None = None
    pid1: int = 0
    cgroups: list[Path] = field(default_factory=list)

    def prepare(self) -> None:
        """Masks in the root itself, before boot (the root is a fresh copy, ours to change)."""
        etc = self.root / "etc" / "systemd" / "system"
        etc.mkdir(parents=True, exist_ok=True)
        for unit in MASK:
            link = etc / unit
            if not link.exists() and not link.is_symlink():
                link.symlink_to("/dev/null")
        (self.root / "etc" / "hostname").write_text("kiosk-systest\n")

    def boot(self) -> float:
        """Start systemd and wait (bounded) until it has finished booting; seconds taken."""
        self.prepare()
        tag = f"kiosk-systest-{os.getpid()}-{int(time.time())}"
        self.cgroups, v1 = _own_cgroups(tag)
        script = self.root.parent / f"{self.root.name}.boot.sh"
        script.write_text(BOOT_SCRIPT)
        joins = "".join(f'echo $$ > "{d}/cgroup.procs"; ' for d in self.cgroups)
        start = time.monotonic()
        self.proc = subprocess.Popen(
            ["sh", "-c", f"{joins}exec unshare --pid --fork --mount --uts --ipc --cgroup "
             f'sh "{script}" "{self.root}"'],
            env={**os.environ, "CGROUP_V1": v1},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        self.pid1 = self._find_pid1(deadline=start + 30)
        state = self.wait_booted(start + self.boot_timeout)
        if state not in ("running", "degraded"):
            raise RuntimeError(f"systemd did not boot: {state}")
        return time.monotonic() - start

    def _find_pid1(self, deadline: float) -> int:
        assert self.proc is not None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode() if self.proc.stderr else ""
                raise RuntimeError(f"the namespace did not start: {err.strip()}")
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
            with contextlib.suppress(OSError):
                for pid in children.read_text().split():
                    if Path(f"/proc/{pid}/comm").read_text().strip() == "systemd":
                        return int(pid)
            time.sleep(0.1)
        raise TimeoutError("systemd did not start as PID 1 of the namespace within 30 s")

    def wait_booted(self, deadline: float) -> str:
        state = ""
        while time.monotonic() < deadline:
            state = self.run("systemctl", "is-system-running", check=False, timeout=30).stdout
            state = state.strip()
            if state in ("running", "degraded", "maintenance"):
                return state
            time.sleep(0.5)
        return f"still {state or 'unknown'} after {self.boot_timeout:.0f} s"

    def run(
        self, *cmd: str, check: bool = True, timeout: float = 120.0, input: str | None = None
    ) -> subprocess.CompletedProcess:
        """A command inside the booted system (all its namespaces, its root)."""
        res = subprocess.run(
            ["nsenter", "-t", str(self.pid1), "-a", *cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            input=input,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"},
        )
        if check and res.returncode != 0:
            raise AssertionError(
                f"{' '.join(cmd)} -> exit {res.returncode}\n{res.stdout}\n{res.stderr}"
            )
        return res

    def host_pid(self, inner_pid: int) -> int:
        """The PID this machine's process `inner_pid` has on the host.

        Why: to enter a service's own namespaces the host's nsenter must do it. Inside an
        arm64 machine nsenter runs under qemu-user, which is multi-threaded, and the kernel
        refuses setns(CLONE_NEWNS) to a multi-threaded caller (EINVAL).
        """
        pid_ns = os.readlink(f"/proc/{self.pid1}/ns/pid")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if os.readlink(entry / "ns/pid") != pid_ns:
                    continue
                status = (entry / "status").read_text()
            except OSError:  # gone meanwhile, or not ours to read
                continue
            nspid = next(
                (ln.split()[1:] for ln in status.splitlines() if ln.startswith("NSpid:")), []
            )
            if nspid and int(nspid[-1]) == inner_pid:
                return int(entry.name)
        raise LookupError(f"no host process for PID {inner_pid} of the machine")

    def run_in(
        self, inner_pid: int, *cmd: str, timeout: float = 120.0
    ) -> subprocess.CompletedProcess:
        """A command in all namespaces of one of the machine's processes (e.g. a service)."""
        return subprocess.run(
            ["nsenter", "-t", str(self.host_pid(inner_pid)), "-a", *cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "TERM": "dumb"},
        )

    def shutdown(self) -> None:
        """Kill PID 1 (every process of the namespace goes with it), then our cgroups."""
        if self.pid1:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid1, signal.SIGKILL)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for _ in range(50):  # the kernel reaps the namespace's processes asynchronously
            for top in self.cgroups:
                _remove_cgroup_tree(top)
            if not any(top.exists() for top in self.cgroups):
                break
            time.sleep(0.1)
        script = self.root.parent / f"{self.root.name}.boot.sh"
        script.unlink(missing_ok=True)

    def destroy(self) -> None:
        self.shutdown()
        shutil.rmtree(self.root, ignore_errors=True)
