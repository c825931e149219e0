"""Decode benchmark: the project's pipeline vs zxing-cpp defaults vs pyzbar, same corpus.

Prints, per format and resolution: exact-read rate per tier (mild / moderate / hard),
wrong reads, median and p95 ms per frame; then camera-path frames per second from a 720p
video file through the real capture + decode threads; then the issue's targets.
Pinned to one CPU core. Run:  .venv/bin/python bench/decode.py [--per-cell N] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.scanner.corpus import SIZES, corpus
from devices.scanner.pipeline import DecodePipeline
from devices.scanner.sources import VideoFileSource
from devices.scanner.synth import SYMBOLOGIES, TIERS, render_phone_frame
from devices.scanner.worker import CameraWorker

ALL = ("qr", "pdf417", "aztec", "code128", "ean13")


def zxing_defaults():
    import zxingcpp

    def decode(frame):
        return [r.text for r in zxingcpp.read_barcodes(frame)]  # every default, BGR frame

    return decode


def pyzbar_full():
    from pyzbar import pyzbar

    def decode(frame):
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]

    return decode


def ours():
    pipe = DecodePipeline(ALL)

    def decode(frame):
        pipe.forget()  # corpus frames are unrelated: no last-seen region
        return [r.text for r in pipe.decode(frame)]

    return decode


def run_corpus(per_cell: int, seed: int):
    decoders = {"pipeline": ours(), "zxing-defaults": zxing_defaults(), "pyzbar": pyzbar_full()}
    # stats[decoder][(sym, size)] -> {"tiers": {tier: [hits, n]}, "wrong": k, "ms": [...]}
    stats = {
        d: defaultdict(
            lambda: {"tiers": defaultdict(lambda: [0, 0]), "wrong": 0, "ms": [], "wall": []}
        )
        for d in decoders
    }
    for sample in corpus(per_cell, seed=seed):
        frame = sample.frame()
        key = (sample.symbology, sample.size)
        for name, decode in decoders.items():
            t0, c0 = time.perf_counter(), time.thread_time()
            texts = decode(frame)
            cell = stats[name][key]
            cell["ms"].append((time.thread_time() - c0) * 1000)
            cell["wall"].append((time.perf_counter() - t0) * 1000)
            cell["tiers"][sample.tier][0] += sample.text in texts
            cell["tiers"][sample.tier][1] += 1
            cell["wrong"] += sum(t != sample.text for t in texts)
    return stats


def camera_fps(seconds_of_video: int = 6) -> tuple[float, float, int]:
    """Frames/s captured and decoded from a 720p video through CameraWorker (no pacing)."""
    fps = 30
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cam720.avi"
        writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (1280, 720))
        empty = np.full((720, 1280, 3), 90, np.uint8)
        card = render_phone_frame(
            "https://loyalty.example.com/c/Bench_Camera_Token_1",
            "qr",
            (1280, 720),
            tier="moderate",
            seed=5,
            dark=False,
        )
        for i in range(seconds_of_video * fps):
            writer.write(card if (i // fps) % 2 else empty)  # a phone every other second
        writer.release()
        reads: list[str] = []
        worker = CameraWorker(
            VideoFileSource(path), DecodePipeline(ALL), lambda r, o, ms: reads.append(r.text)
        )
        t0 = time.perf_counter()
        worker.start()
        worker.wait_finished(120)
        dt = time.perf_counter() - t0
        return worker.frames / dt, worker.decoded / dt, worker.mailbox.dropped


def pct(hits: int, n: int) -> str:
    return f"{100 * hits / n:.0f}%" if n else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--per-cell", type=int, default=10, help="frames per format/size/tier")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    cv2.setNumThreads(1)
    t_start = time.perf_counter()
    stats = run_corpus(args.per_cell, args.seed)
    n_total = args.per_cell * len(SYMBOLOGIES) * len(SIZES) * len(TIERS)
    print(
        f"corpus: {n_total} frames ({args.per_cell} per format/size/tier, seed {args.seed}), "
        f"one core; ms = CPU time of the decoding thread per frame (the machine is shared, "
        f"so wall time is also shown at the end)\n"
    )
    print("| decoder | format | size | mild | moderate | hard | all | wrong | median ms | p95 ms |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for sym in SYMBOLOGIES:
        for size in SIZES:
            for name in stats:
                c = stats[name][(sym, size)]
                tiers = [c["tiers"][t] for t in TIERS]
                hits, n = sum(h for h, _ in tiers), sum(k for _, k in tiers)
                print(
                    f"| {name} | {sym} | {size[0]}x{size[1]} | "
                    + " | ".join(pct(h, k) for h, k in tiers)
                    + f" | {pct(hits, n)} | {c['wrong']} | {np.median(c['ms']):.1f} | "
                    f"{np.percentile(c['ms'], 95):.1f} |"
                )
    cap, dec, dropped = camera_fps()
    print(
        f"\ncamera path, 720p MJPG video through CameraWorker: {cap:.0f} frames/s captured, "
        f"{dec:.0f} frames/s decoded ({dropped} dropped by the mailbox)\n"
    )
    summary(stats)
    print(f"\nbench wall time {time.perf_counter() - t_start:.0f} s")
    return 0


def summary(stats) -> None:
    def rate(name: str, sym: str) -> float:
        hits = n = 0
        for size in SIZES:
            for h, k in stats[name][(sym, size)]["tiers"].values():
                hits, n = hits + h, n + k
        return hits / n

    def ms720(name: str) -> float:
        return float(
            np.median(
                [m for (s, size), c in stats[name].items() if size == (1280, 720) for m in c["ms"]]
            )
        )

    wrong = {name: sum(c["wrong"] for c in stats[name].values()) for name in stats}
    reads = {
        name: sum(h for c in stats[name].values() for h, _ in c["tiers"].values()) for name in stats
    }
    ours_ms, pz_ms = ms720("pipeline"), ms720("pyzbar")
    walls = [
        m for (_, size), c in stats["pipeline"].items() if size == (1280, 720) for m in c["wall"]
    ]
    print(
        f"pipeline 1280x720 wall-clock median {np.median(walls):.1f} ms on this shared machine "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    checks = [
        (f"1280x720 median {ours_ms:.1f} ms/frame <= 8", ours_ms <= 8),
        *[
            (f"{s} {100 * rate('pipeline', s):.0f}% >= {t}%", rate("pipeline", s) * 100 >= t)
            for s, t in (("qr", 97), ("aztec", 97), ("pdf417", 85), ("code128", 60))
        ],
        (f"wrong reads {wrong['pipeline']} == 0", wrong["pipeline"] == 0),
        (f"{pz_ms / ours_ms:.1f}x faster than pyzbar at 720p (>= 3x)", pz_ms / ours_ms >= 3),
        (
            f"reads {reads['pipeline']} vs pyzbar {reads['pyzbar']} vs zxing defaults "
            f"{reads['zxing-defaults']}",
            reads["pipeline"] > reads["pyzbar"],
        ),
    ]
    print("targets:")
    for text, ok in checks:
        print(f"  [{'ok' if ok else 'MISS'}] {text}")
    print(f"  wrong reads: zxing defaults {wrong['zxing-defaults']}, pyzbar {wrong['pyzbar']}")


if __name__ == "__main__":
    raise SystemExit(main())
