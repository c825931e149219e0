"""Memory pressure: the kiosk logs each MemoryHigh crossing, doctor reports the counts.

The cgroup v2 files are written by the test (their format is the kernel's); the v1 test
makes a real memory cgroup, lets a real process overrun its limit, and reads what the
kernel counted.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.appliance.doctor.base import DoctorContext
from kiosk.appliance.doctor.checks import memory as memory_check
from kiosk.appliance.memory_pressure import (
    PressureWatch,
    kiosk_cgroup,
    own_cgroup,
    read_memory,
)
from kiosk.appliance.service import ApplianceService
from kiosk.appliance.systemd_notify import Notifier

MIB = 1024 * 1024


def v2_cgroup(root: Path, *, high: int = 0, max_: int = 0, oom_kill: int = 0) -> Path:
    folder = root / "system.slice" / "kiosk.service"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "memory.current").write_text(f"{300 * MIB}\n")
    (folder / "memory.high").write_text(f"{450 * MIB}\n")
    (folder / "memory.max").write_text(f"{600 * MIB}\n")
    (folder / "memory.events").write_text(
        f"low 0\nhigh {high}\nmax {max_}\noom {oom_kill}\noom_kill {oom_kill}\noom_group_kill 0\n"
    )
    return folder


def test_own_cgroup_v2_and_hybrid(tmp_path):
    own = tmp_path / "cgroup"
    own.write_text("0::/system.slice/kiosk.service\n")
    assert own_cgroup(own, tmp_path) == tmp_path / "system.slice" / "kiosk.service"
    own.write_text("4:memory:/system.slice/kiosk.service\n0::/system.slice/kiosk.service\n")
    assert own_cgroup(own, tmp_path) == tmp_path / "memory" / "system.slice" / "kiosk.service"
    own.write_text("0::/user.slice/session-1.scope\n")
    assert own_cgroup(own, tmp_path) is None
    assert kiosk_cgroup(own, tmp_path) is None  # and no service cgroup either
    v2_cgroup(tmp_path)
    assert kiosk_cgroup(own, tmp_path) == tmp_path / "system.slice" / "kiosk.service"


def test_read_memory_v2(tmp_path):
    mem = read_memory(v2_cgroup(tmp_path, high=3))
    assert (mem.current, mem.high, mem.max) == (300 * MIB, 450 * MIB, 600 * MIB)
    assert mem.events["high"] == 3
    assert mem.describe() == "300 MiB in use, MemoryHigh 450 MiB, MemoryMax 600 MiB"


def test_watch_logs_each_new_crossing_once(tmp_path, caplog):
    folder = v2_cgroup(tmp_path, high=2)  # before this process: not ours to report
    watch = PressureWatch(folder, every_s=5.0)
    caplog.set_level(logging.WARNING, logger="kiosk.appliance.memory_pressure")
    assert watch.poll(now=0.0) == []  # the baseline
    v2_cgroup(tmp_path, high=7)
    assert watch.poll(now=1.0) == []  # rate-limited
    news = watch.poll(now=6.0)
    assert len(news) == 1 and "above MemoryHigh" in news[0] and "(5 new)" in news[0]
    assert "memory pressure: above MemoryHigh" in caplog.text
    assert watch.poll(now=12.0) == []  # nothing new, nothing logged again
    assert watch.throttled == 5


def test_status_line_says_throttled(tmp_path):
    folder = v2_cgroup(tmp_path)
    watch = PressureWatch(folder, every_s=0)
    svc = ApplianceService(Notifier(None), None, lambda: {"status": "serving"}, memory=watch)
    svc.tick()
    v2_cgroup(tmp_path, high=1)
    svc.tick()
    assert svc._status()["memory"] == "throttled 1x above MemoryHigh"


def _context(tmp_path: Path) -> DoctorContext:
    return DoctorContext(tmp_path / "kiosk.toml", None, sys_dir=tmp_path / "sys")


def test_doctor_memory_check_colours(tmp_path):
    root = tmp_path / "sys" / "fs" / "cgroup"
    result = memory_check.check(_context(tmp_path))
    assert result.status == "yellow" and "not running here" in result.message
    v2_cgroup(root)
    assert memory_check.check(_context(tmp_path)).status == "green"
    v2_cgroup(root, high=4)
    result = memory_check.check(_context(tmp_path))
    assert result.status == "yellow" and "throttled above MemoryHigh 4 times" in result.message
    v2_cgroup(root, high=4, oom_kill=1)
    result = memory_check.check(_context(tmp_path))
    assert result.status == "red" and "killed for memory" in result.message


def _v1_memory_root() -> Path | None:
    if os.geteuid() != 0:
        return None
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "memory":
            folder = Path("/sys/fs/cgroup/memory") / path.strip("/")
            return folder if folder.is_dir() else None
    return None


@pytest.mark.skipif(
    _v1_memory_root() is None, reason="needs root and a cgroup v1 memory controller"
)
def test_real_cgroup_v1_overrun_is_reported(tmp_path):
    folder = _v1_memory_root() / f"kiosk-test-{os.getpid()}" / "kiosk.service"
    folder.mkdir(parents=True)
    try:
        (folder / "memory.limit_in_bytes").write_text(str(64 * MIB))
        watch = PressureWatch(folder, every_s=0)
        assert watch.poll() == []
        hog = (
            "import os, sys\n"
            f"open('{folder}/cgroup.procs', 'w').write(str(os.getpid()))\n"
            "b = bytearray(200 * 1024 * 1024)\n"
        )
        proc = subprocess.run([sys.executable, "-c", hog], timeout=60)
        assert proc.returncode == -9  # the kernel's OOM killer, inside the limit
        news = watch.poll()
        assert any("killed for memory" in n for n in news), news
        assert read_memory(folder).max == 64 * MIB
    finally:
        folder.rmdir()
        folder.parent.rmdir()
