"""Customer kiosk figures on this machine, with the reference server on loopback.

- scan-event-to-card-state latency p50/p99 (target p50 <= 60 ms, p99 <= 200 ms);
- frames (and ms) from the card state to the card screen on the window;
- cold start: process start to the attract screen's first frame (target <= 2 s);
- RSS after N scans through the whole app (target: < 20 MiB growth after warm-up).

Run: .venv/bin/python bench/kiosk.py [--scans 1000] [--colds 3] [--cold-only] [--lang ko].
Prints figures; asserts nothing.
The app runs offscreen (SDL, DISPLAY unset), the stamp path is the real outbox one, in a
child process of its own: this process imports the reference server's package (FastAPI,
~35 MiB) to start it, which the appliance never loads. bench/memory.py breaks RSS down.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("DISPLAY", None)
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-bench-kivy-"))


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup(folder: Path, n_cards: int):
    from kiosk.cli._demo_shop import DemoShop
    from kiosk.config import Settings

    shop = DemoShop(folder / "server").start()
    program = shop.admin(
        "POST",
        "/admin/programs",
        {"name": "Bench", "goal": 9, "milestones": [], "cooldown_seconds": 0},
    )["id"]
    tokens = [
        shop.admin("POST", "/admin/cards", {"program_id": program, "first_name": f"B{i}"})["token"]
        for i in range(n_cards)
    ]
    settings = Settings.model_validate(
        {
            "device": {"state_dir": str(folder / "state")},
            "server": {"url": shop.url},
            "scanner": {"camera": ""},
            "printer": {"uri": f"preview:{folder / 'prints'}"},
        }
    )
    code = shop.admin("POST", "/admin/pairing-codes", {})["code"]
    from kiosk.api.client import LoyaltyClient

    token = LoyaltyClient(shop.url).pair(code, "bench", {}).device_token
    settings.device.token_path.parent.mkdir(parents=True, exist_ok=True)
    settings.device.token_path.write_text(token)
    return shop, settings, tokens


def cold_start_child() -> None:
    """Child process: build the real kiosk, print the time the attract screen first drew."""
    t0 = float(os.environ["BENCH_T0"])
    from kiosk.ui.window import prepare_window

    prepare_window(1280, 800)
    from kiosk.cli._kiosk_parts import build_kiosk
    from kiosk.config import Settings
    from kiosk.ui.app import KioskApp
    from kiosk.ui.driver import Driver

    settings = Settings.model_validate_json(os.environ["BENCH_SETTINGS"])
    parts = build_kiosk(settings, use_config_sources=False)
    drew = {}
    app = KioskApp(parts.host, on_first_frame=lambda: drew.setdefault("t", time.time()))
    drv = Driver(app).start()
    drv.wait_for(lambda: "t" in drew and app.root.sm.current == "attract", 20)
    print(f"COLD {drew['t'] - t0:.3f}", flush=True)
    parts.close()


def cold_start(settings) -> float:
    env = {
        **os.environ,
        "BENCH_T0": repr(time.time()),
        "BENCH_SETTINGS": settings.model_dump_json(),
    }
    out = subprocess.run(
        [sys.executable, __file__, "--cold-child"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    ).stdout
    return float(next(line.split()[1] for line in out.splitlines() if line.startswith("COLD")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=100 if os.environ.get("CI") else 1000)
    ap.add_argument("--latency-scans", type=int, default=100)
    ap.add_argument("--lang", default="en", help="the shop's language (ui.language)")
    ap.add_argument("--colds", type=int, default=3, help="cold starts to time")
    ap.add_argument("--cold-only", action="store_true", help="time cold starts, no scans")
    ap.add_argument("--cold-child", action="store_true")
    ap.add_argument("--app-child", action="store_true")
    args = ap.parse_args()
    if args.cold_child:
        cold_start_child()
        return
    if args.app_child:
        from kiosk.config import Settings

        settings = Settings.model_validate_json(os.environ["BENCH_SETTINGS"])
        run_app(settings, json.loads(os.environ["BENCH_TOKENS"]), args)
        return

    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    shop, settings, tokens = setup(folder, 50)
    settings.ui.language = args.lang
    try:
        colds = [cold_start(settings) for _ in range(args.colds)]
        print(f"(load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
        print(
            f"cold start to attract: {min(colds):.2f} s best, {statistics.median(colds):.2f} s "
            f"median, {max(colds):.2f} s worst of {len(colds)} (target <= 2 s)"
        )
        if not args.cold_only:
            app_child(settings, tokens, args)
    finally:
        shop.stop()


def app_child(settings, tokens, args) -> None:
    """run_app in a child process, its lines printed as they come."""
    env = {
        **os.environ,
        "BENCH_SETTINGS": settings.model_dump_json(),
        "BENCH_TOKENS": json.dumps(tokens),
    }
    cmd = [sys.executable, __file__, "--app-child", "--scans", str(args.scans)]
    cmd += ["--latency-scans", str(args.latency_scans)]
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)


def run_app(settings, tokens, args) -> None:
    from kiosk.ui.window import prepare_window

    prepare_window(1280, 800)
    from kiosk.cli._kiosk_parts import build_kiosk
    from kiosk.flows.customer.intents import GoHome
    from kiosk.ui.app import KioskApp
    from kiosk.ui.driver import Driver

    parts = build_kiosk(settings, use_config_sources=False)
    parts.start()
    ctl = parts.host
    card_at: dict[str, float] = {}
    got = threading.Event()

    def listener(state) -> None:
        if state.screen == "card":
            card_at["t"] = time.perf_counter()
            got.set()

    ctl.subscribe(listener)
    app = KioskApp(ctl)
    drv = Driver(app).start((1280, 800))
    shown: dict[str, float] = {}
    real_render = app.render

    def timed_render(state) -> None:  # when the card screen got its state (then one draw)
        real_render(state)
        if state.screen == "card":
            shown["t"] = time.perf_counter()

    app.render = timed_render  # type: ignore[method-assign]

    def one_scan(i: int, pump: bool = True) -> tuple[float, int, float]:
        ctl.send(GoHome())
        drv.frames(1)
        got.clear()
        t0 = time.perf_counter()
        ctl.scan_text(tokens[i % len(tokens)])
        while pump and not got.is_set():  # the UI loop keeps running while the API answers
            drv.frames(1)
            if time.perf_counter() - t0 > 10:
                raise RuntimeError(f"no card state; now {ctl.state}")
        if not got.wait(10):
            raise RuntimeError(f"no card state; now {ctl.state}")
        latency = card_at["t"] - t0
        frames = 0
        while app.rendered is None or app.rendered.screen != "card":
            drv.frames(1)
            frames += 1
        drawn_from = time.perf_counter()
        drv.frames(1)  # the frame that draws it
        draw = time.perf_counter() - drawn_from
        return latency, frames, (shown["t"] - card_at["t"]) + draw

    for i in range(20):  # warm-up: connections, textures, font cache
        one_scan(i)
    lat, frames, render = [], [], []
    for i in range(args.latency_scans):
        a, f, r = one_scan(i)
        lat.append(a * 1000)
        frames.append(f)
        render.append(r * 1000)
    print(
        f"scan -> card state: p50 {pct(lat, 50):.1f} ms, p99 {pct(lat, 99):.1f} ms, "
        f"max {max(lat):.1f} ms over {len(lat)} scans (targets p50 <= 60, p99 <= 200)"
    )
    print(
        f"card state -> card screen: {statistics.median(frames):.0f} extra frame(s) median, "
        f"{max(frames)} max (0 = rendered in the frame the answer came in); state to drawn "
        f"{statistics.median(render):.0f} ms median, {max(render):.0f} ms max"
    )
    warm = rss_mib()
    t0 = time.monotonic()
    cpu0 = time.process_time()
    for i in range(args.scans):
        one_scan(i, pump=False)  # the card is still rendered; fewer idle frames in between
        if i % 100 == 99:
            print(f"  ... {i + 1} scans, RSS {rss_mib():.1f} MiB", flush=True)
    after = rss_mib()
    cpu_ms = (time.process_time() - cpu0) * 1000 / max(1, args.scans)
    print(
        f"kiosk CPU per scan: {cpu_ms:.1f} ms (stamp, state, one frame; CPU time, so it "
        "moves less than the latencies when other work shares the machine)"
    )
    print(
        f"RSS: {warm:.1f} MiB after warm-up, {after:.1f} MiB after {args.scans} more scans "
        f"(+{after - warm:.1f} MiB; target < 20) in {time.monotonic() - t0:.0f} s"
    )
    parts.close()


if __name__ == "__main__":
    main()
