"""Soak: the real `kiosk run`, idle and then scanned every 2 s, offscreen and on Xvfb.

For each window mode it starts a reference server on 127.0.0.1 and `kiosk run` as a child
process (tests/support/kiosk_process.py: a paired config, a pty as its serial scanner, the
sd_notify socket), then:
- idles on the attract screen for --idle-min minutes;
- scans a card every --scan-every seconds for --scan-min minutes (stamps really go to the
  server; the card screen shows, then the kiosk goes back to attract).
Every --sample-s seconds it samples RSS, open descriptors, threads and the UI loop's
lateness: the kiosk pings WATCHDOG=1 from its UI clock every 0.25 s, so a gap of more than
that between two pings is a late UI loop (a long frame). At the end it prints, per phase,
the RSS slope in MiB/hour after warm-up (least squares), the range of descriptors and
threads, and the UI loop's gaps (p50/p99/max).

Run: .venv/bin/python bench/soak.py [--idle-min 10] [--scan-min 10] [--modes offscreen,xvfb]
Prints figures; asserts nothing. Goal (issue 20): slope < 1 MiB/hour, flat fds and threads.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.kiosk_process import (  # noqa: E402
    KioskProcess,
    pair_device,
    write_paired_config,
)
from tests.support.refserver import RefServer  # noqa: E402

WARM_UP_S = 60.0  # fonts, the first card screen, caches: not growth


@dataclass
class Sample:
    t: float  # seconds since READY
    phase: str
    rss_mib: float
    fds: int
    threads: int
    loop_gaps_ms: list[float] = field(default_factory=list)


def slope_mib_per_hour(samples: list[Sample]) -> float:
    """Least-squares slope of RSS over time, in MiB per hour."""
    if len(samples) < 3:
        return float("nan")
    ts = [s.t for s in samples]
    ys = [s.rss_mib for s in samples]
    return statistics.linear_regression(ts, ys).slope * 3600


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


@contextlib.contextmanager
def xvfb(display: str):
    """An X server for the x11 mode; stopped whatever happens."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed: apt-get install xvfb")
    proc = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(10)


def child_env(mode: str, display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("SDL_VIDEODRIVER", None)
    if mode == "xvfb":
        env["DISPLAY"] = display
    else:
        env["SDL_VIDEODRIVER"] = "offscreen"
    return env


def loop_gaps(kiosk: KioskProcess, since: float) -> list[float]:
    pings = [t for t in kiosk.notify.times_of("WATCHDOG=1") if t >= since] if kiosk.notify else []
    return [(b - a) * 1000 for a, b in zip(pings, pings[1:], strict=False)]


def soak(mode: str, args: argparse.Namespace, folder: Path) -> list[Sample]:
    server = RefServer(db=folder / "server.sqlite").start()
    try:
        program = server.program(goal=1000, milestones=[], cooldown_seconds=0)
        cards = [server.card(program, f"S{i}")["token"] for i in range(40)]
        token = pair_device(server.url, server.admin, f"soak-{mode}")
        master, pty_path = KioskProcess.open_scanner_pty()
        config = write_paired_config(folder / "kiosk", server.url, token, serial_port=pty_path)
        kiosk = KioskProcess(config, env=child_env(mode, args.display))
        kiosk.scanner_fd = master
        with kiosk:
            ready_s = kiosk.wait_ready()
            print(f"  {mode}: READY after {ready_s:.1f} s", flush=True)
            return run_phases(kiosk, args, cards, server.url)
    finally:
        server.stop()


def run_phases(
    kiosk: KioskProcess, args: argparse.Namespace, cards: list[str], url: str
) -> list[Sample]:
    samples: list[Sample] = []
    t0 = time.monotonic()
    scans = 0
    for phase, minutes in (("idle", args.idle_min), ("scan", args.scan_min)):
        end = time.monotonic() + minutes * 60
        next_sample = time.monotonic() + args.sample_s
        next_scan = time.monotonic()
        last_sample = time.monotonic()
        while time.monotonic() < end:
            if not kiosk.alive():
                raise SystemExit(f"kiosk run died:\n{kiosk.log_tail()}")
            now = time.monotonic()
            if phase == "scan" and now >= next_scan:
                kiosk.scan(f"{url}/c/{cards[scans % len(cards)]}")
                scans += 1
                next_scan += args.scan_every
            if now >= next_sample:
                s = Sample(
                    now - t0,
                    phase,
                    kiosk.rss_mib(),
                    kiosk.fds(),
                    kiosk.threads(),
                    loop_gaps(kiosk, last_sample),
                )
                samples.append(s)
                last_sample = now
                next_sample += args.sample_s
                if args.verbose:
                    print(
                        f"    {s.t:6.0f} s {phase:4} RSS {s.rss_mib:6.1f} MiB "
                        f"fds {s.fds} threads {s.threads}",
                        flush=True,
                    )
            time.sleep(0.05)
    print(f"  {scans} scans sent", flush=True)
    return samples


def report(mode: str, samples: list[Sample]) -> None:
    print(f"== {mode}")
    for phase in ("idle", "scan"):
        ps = [s for s in samples if s.phase == phase]
        if not ps:
            continue
        start = ps[0].t + (WARM_UP_S if phase == "idle" else 0)
        steady = [s for s in ps if s.t >= start]
        gaps = [g for s in ps for g in s.loop_gaps_ms]
        rss = [s.rss_mib for s in ps]
        print(
            f"  {phase}: {len(ps)} samples; RSS {min(rss):.1f}..{max(rss):.1f} MiB, "
            f"slope after warm-up {slope_mib_per_hour(steady):+.2f} MiB/hour; "
            f"fds {min(s.fds for s in ps)}..{max(s.fds for s in ps)}; "
            f"threads {min(s.threads for s in ps)}..{max(s.threads for s in ps)}; "
            f"UI loop gaps p50 {pct(gaps, 50):.0f} ms, p99 {pct(gaps, 99):.0f} ms, "
            f"max {max(gaps, default=float('nan')):.0f} ms (one UI tick is 250 ms; the excess is frame lateness)"
        )
        # SQLite's page caches (outbox, card cache: 2 MiB each by default) fill with the
        # first few thousand operations and then stay: the second half shows the plateau.
        second_half = steady[len(steady) // 2 :]
        print(f"  {phase}: second half only {slope_mib_per_hour(second_half):+.2f} MiB/hour")
    whole = [s for s in samples if s.t >= samples[0].t + WARM_UP_S] if samples else []
    print(f"  whole run after warm-up: {slope_mib_per_hour(whole):+.2f} MiB/hour")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--idle-min", type=float, default=10.0)
    ap.add_argument("--scan-min", type=float, default=10.0)
    ap.add_argument("--scan-every", type=float, default=2.0)
    ap.add_argument("--sample-s", type=float, default=10.0)
    ap.add_argument("--modes", default="offscreen,xvfb")
    ap.add_argument("--display", default=":77")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    for mode in args.modes.split(","):
        with tempfile.TemporaryDirectory(prefix=f"kiosk-soak-{mode}-") as tmp:
            print(
                f"soak {mode}: idle {args.idle_min} min, then a scan every "
                f"{args.scan_every} s for {args.scan_min} min",
                flush=True,
            )
            ctx = xvfb(args.display) if mode == "xvfb" else contextlib.nullcontext()
            with ctx:
                samples = soak(mode, args, Path(tmp))
            report(mode, samples)


if __name__ == "__main__":
    main()
