"""The kiosk's memory as its cgroup sees it: usage, MemoryHigh/MemoryMax, pressure events.

Why: the unit sets MemoryHigh= (the kernel throttles and reclaims above it) below
MemoryMax= (the kernel kills above it). A kiosk that crosses MemoryHigh is slowed, not
killed, and that is the moment a technician must hear about it: the running kiosk logs
each new crossing (PressureWatch, from the UI tick), and `kiosk doctor` reports the
counts. The numbers come from cgroup v2 files (memory.current, memory.high, memory.max,
memory.events) or, on a cgroup v1 memory controller (a hybrid host), from its files
(usage, limit, failcnt, oom_control; v1 has no MemoryHigh). Outside a kiosk.service
cgroup there is nothing to report.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

UNIT = "kiosk.service"
EVENTS = ("high", "max", "oom", "oom_kill")
MIB = 1024 * 1024


@dataclass(frozen=True)
class CgroupMemory:
    """One reading of a cgroup's memory files; limits are None for "max" (no limit)."""

    path: Path
    current: int
    high: int | None
    max: int | None
    events: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        def mib(v: int | None) -> str:
            return "no limit" if v is None else f"{v / MIB:.0f} MiB"

        return f"{mib(self.current)} in use, MemoryHigh {mib(self.high)}, MemoryMax {mib(self.max)}"


def own_cgroup(
    own: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")
) -> Path | None:
    """This process's memory cgroup folder when it runs inside kiosk.service, else None.

    /proc/self/cgroup says "0::/system.slice/kiosk.service" (v2) or, on a hybrid host,
    "4:memory:/system.slice/kiosk.service" (the v1 memory controller, which wins there).
    """
    try:
        lines = own.read_text().splitlines()
    except OSError:
        return None
    found = None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if not path.rstrip("/").endswith(UNIT):
            continue
        if controllers == "memory":
            return root / "memory" / path.strip("/")
        if controllers == "":
            found = root / path.strip("/")
    return found


def kiosk_cgroup(
    own: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")
) -> Path | None:
    """The kiosk service's cgroup folder: our own when we run in it (the kiosk itself,
    the technician screen's doctor), else system.slice/kiosk.service (`sudo kiosk doctor`)."""
    mine = own_cgroup(own, root)
    if mine is not None:
        return mine
    for service in (root / "system.slice" / UNIT, root / "memory" / "system.slice" / UNIT):
        if (service / "memory.current").exists() or (service / "memory.usage_in_bytes").exists():
            return service
    return None


def _limit(text: str) -> int | None:
    text = text.strip()
    return None if text == "max" else int(text)


def read_memory(cgroup: Path) -> CgroupMemory:
    """Read the files; OSError/ValueError when the cgroup is gone or unreadable."""
    if not (cgroup / "memory.events").exists() and (cgroup / "memory.usage_in_bytes").exists():
        return _read_v1(cgroup)
    events: dict[str, int] = {}
    for line in (cgroup / "memory.events").read_text().splitlines():
        name, _, count = line.partition(" ")
        if name in EVENTS:
            events[name] = int(count)
    return CgroupMemory(
        cgroup,
        int((cgroup / "memory.current").read_text()),
        _limit((cgroup / "memory.high").read_text()),
        _limit((cgroup / "memory.max").read_text()),
        events,
    )


def _read_v1(cgroup: Path) -> CgroupMemory:
    """cgroup v1: a limit of ~2**63 means none; failcnt counts hits of the limit."""
    limit = int((cgroup / "memory.limit_in_bytes").read_text())
    events = {"max": int((cgroup / "memory.failcnt").read_text())}
    for line in (cgroup / "memory.oom_control").read_text().splitlines():
        name, _, count = line.partition(" ")
        if name == "oom_kill":
            events["oom_kill"] = int(count)
    return CgroupMemory(
        cgroup,
        int((cgroup / "memory.usage_in_bytes").read_text()),
        None,
        None if limit >= 2**62 else limit,
        events,
    )


class PressureWatch:
    """Logs each new MemoryHigh crossing (and worse) of the kiosk's own cgroup.

    `poll()` is cheap (four small sysfs reads) and rate-limited, so the UI tick may call it
    every time. The first reading is the baseline: events from before this process started
    belong to the instance that had them.
    """

    def __init__(self, cgroup: Path | None, every_s: float = 5.0) -> None:
        self.cgroup = cgroup
        self.every_s = every_s
        self._next = 0.0
        self._seen: dict[str, int] | None = None
        self.throttled = 0  # MemoryHigh crossings seen by this process

    @classmethod
    def for_this_process(cls) -> PressureWatch:
        return cls(own_cgroup())

    def poll(self, now: float | None = None) -> list[str]:
        """New pressure events since the last poll, each already logged as a warning."""
        now = time.monotonic() if now is None else now
        if self.cgroup is None or now < self._next:
            return []
        self._next = now + self.every_s
        try:
            reading = read_memory(self.cgroup)
        except (OSError, ValueError):
            return []
        seen, self._seen = self._seen, dict(reading.events)
        if seen is None:
            return []
        news = [
            f"{_WORDS[e]} ({reading.events.get(e, 0) - seen.get(e, 0)} new): {reading.describe()}"
            for e in EVENTS
            if reading.events.get(e, 0) > seen.get(e, 0)
        ]
        self.throttled += reading.events.get("high", 0) - seen.get("high", 0)
        for line in news:
            log.warning("memory pressure: %s", line)
        return news


_WORDS = {
    "high": "above MemoryHigh, the kernel is throttling the kiosk",
    "max": "at MemoryMax, allocations failed until memory was reclaimed",
    "oom": "out of memory inside the kiosk's limit",
    "oom_kill": "a kiosk process was killed for memory",
}
