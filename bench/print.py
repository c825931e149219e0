"""Printing benchmark: layout-to-bytes time per coupon (p50/p95), bytes per coupon, and
the time to stream a coupon to the TCP printer emulator (status, job, barrier).

Targets (issue 4): <= 20 ms per Latin coupon with native QR, <= 150 ms for a raster CJK
coupon. Run: .venv/bin/python bench/print.py [--n 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.printer.escpos_render import render_escpos
from devices.printer.layout import layout_coupon
from devices.printer.preview import render_layout
from devices.printer.profile import PrinterProfile
from devices.printer.service import PrinterService
from kiosk.config import PrinterSection
from tests.printer.conftest import COUPONS
from tests.printer.emulator import TcpPrinter

CASES = [
    ("Latin, native QR, 80 mm TM-T20II", "en", "TM-T20II", 80, 20.0),
    ("Estonian, native QR, 80 mm TM-T20II", "et", "TM-T20II", 80, 20.0),
    ("Latin, raster QR, 58 mm POS-5890", "en", "POS-5890", 58, 150.0),
    ("Korean, raster text, native QR, 80 mm", "ko", "TM-T20II", 80, 150.0),
    ("Chinese, raster text+QR, 58 mm POS-5890", "zh", "POS-5890", 58, 150.0),
]


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50)
    n = ap.parse_args().n
    print(f"layout + ESC/POS bytes, {n} runs each (first run excluded: font loading)")
    print(f"{'case':44} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>7} {'preview ms':>10}  target")
    for name, lang, prof, width, target in CASES:
        profile = PrinterProfile.resolve(prof, width)
        render_escpos(layout_coupon(COUPONS[lang], profile))  # warm fonts and caches
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            data = render_escpos(layout_coupon(COUPONS[lang], profile))
            times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        render_layout(layout_coupon(COUPONS[lang], profile))
        prev = (time.perf_counter() - t0) * 1000
        ok = "ok" if pct(times, 95) <= target else "MISSED"
        print(
            f"{name:44} {pct(times, 50):8.1f} {pct(times, 95):8.1f} {len(data):7d} {prev:10.1f}"
            f"  <= {target:.0f} ms {ok}"
        )

    printer = TcpPrinter()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            svc = PrinterService(PrinterSection(uri=printer.uri, timeout_s=2.0), Path(tmp))
            for lang in ("en", "ko"):
                runs = []
                for _ in range(min(n, 20)):
                    t0 = time.perf_counter()
                    job = svc.submit(COUPONS[lang])
                    runs.append((time.perf_counter() - t0) * 1000)
                    assert job.state == "printed", job.reason
                print(
                    f"submit to TCP emulator ({lang}, 80 mm, status + job + barrier): "
                    f"p50 {statistics.median(runs):.1f} ms, p95 {pct(runs, 95):.1f} ms, "
                    f"{job.bytes_total} bytes"
                )
    finally:
        printer.close()


if __name__ == "__main__":
    main()
