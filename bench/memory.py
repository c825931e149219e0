"""Where the kiosk's resident memory goes, stage by stage, next to a bare Kivy window.

Each measured program runs in its own child process, so the parent's reference server
client (refserver imports FastAPI) never counts. Per stage it prints RSS, its anonymous
part (cannot be reclaimed: no swap on the appliance) and the delta; at the end the RSS of
the kiosk process grouped by mapping (GL driver, malloc heap, anonymous, OpenCV/numpy,
...), the heavy packages loaded, and the FreeType faces Kivy opened (one per distinct
font size and weight; a Noto Sans CJK face costs ~2.6 MiB).

Run: .venv/bin/python bench/memory.py [--scans 100] [--lang ko] [--slides 1000] [--tracemalloc].
Prints figures, asserts nothing; ~1 min. --tracemalloc adds the top Python allocation sites
(slower). --slides: RSS over that many attract slide changes (each drawn), and the scan ->
card latency on a changing slide next to a still attract screen.
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("DISPLAY", None)
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kiosk-bench-kivy-"))

HEAVY = [
    "fastapi",
    "uvicorn",
    "starlette",
    "refserver",
    "schemathesis",
    "hypothesis",
    "cv2",
    "numpy",
    "zxingcpp",
    "pyzbar",
    "escpos",
    "PIL",
    "serial",
    "evdev",
    "requests",
    "pydantic",
    "sqlite3",
]

GROUPS = (  # first match wins; the label names what the mapping is
    ("GL driver: libLLVM (llvmpipe JIT)", re.compile(r"libLLVM")),
    (
        "GL driver: mesa dri + GL/EGL libs",
        re.compile(r"_dri\.so|libgallium|libGL|libEGL|libgbm|libglapi|libdrm"),
    ),
    ("malloc heap [heap]", re.compile(r"^\[heap\]$")),
    ("anonymous mmaps (pymalloc, big mallocs, GL buffers)", re.compile(r"^\[anon\]$|^\[stack")),
    ("OpenCV + numpy + BLAS", re.compile(r"cv2|opencv|numpy|openblas|gfortran")),
    ("Kivy + SDL2", re.compile(r"kivy|Kivy\.libs")),
    ("libpython + stdlib extensions", re.compile(r"libpython|lib-dynload")),
    ("fonts", re.compile(r"\.(ttc|ttf|otf)$")),
    ("other site-packages", re.compile(r"site-packages")),
    ("other shared libraries", re.compile(r"\.so")),
)


# -- measuring ---------------------------------------------------------------------------------


def rollup() -> dict[str, float]:
    """RSS and its anonymous part in MiB, from /proc/self/smaps_rollup."""
    out = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Anonymous"):
            out[key] = int(rest.split()[0]) / 1024
    return out


def by_mapping() -> Counter:
    """RSS in KiB per mapped file or pseudo-mapping ([heap], [anon], ...)."""
    rss: Counter = Counter()
    name = "[anon]"
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split(None, 5)
            name = parts[5].strip() if len(parts) > 5 else "[anon]"
        elif line.startswith("Rss:"):
            rss[name] += int(line.split()[1])
    return rss


def grouped(rss: Counter) -> Counter:
    out: Counter = Counter()
    for name, kib in rss.items():
        label = next((g for g, rx in GROUPS if rx.search(name)), "other")
        out[label] += kib / 1024
    return out


class Stages:
    """Prints one line per stage: RSS, anonymous part, delta, time since the process began."""

    def __init__(self, title: str) -> None:
        self.t0 = float(os.environ.get("BENCH_T0", time.time()))
        self.last = 0.0
        self.groups: Counter = Counter()
        print(f"-- {title}", flush=True)

    def mark(self, stage: str, note: str = "") -> None:
        r = rollup()
        delta = r["Rss"] - self.last if self.last else r["Rss"]
        self.last = r["Rss"]
        print(
            f"  {stage:36s} RSS {r['Rss']:6.1f} MiB (anon {r['Anonymous']:6.1f})  "
            f"+{delta:6.1f}  at {time.time() - self.t0:5.2f} s  {note}",
            flush=True,
        )
        groups = grouped(by_mapping())
        grew = Counter({g: groups[g] - self.groups[g] for g in groups})
        self.groups = groups
        top = [f"{g.split(' (')[0]} +{mib:.1f}" for g, mib in grew.most_common(3) if mib >= 1]
        if top:
            print(f"      ({'; '.join(top)})", flush=True)


def print_breakdown(title: str) -> None:
    rss = by_mapping()
    print(f"  {title}: RSS by mapping")
    for label, mib in grouped(rss).most_common():
        if mib >= 0.5:
            print(f"    {mib:7.1f} MiB  {label}")
    loaded = [m for m in HEAVY if m in sys.modules]
    print(f"  packages loaded: {' '.join(loaded)}")


class FaceCounter:
    """Counts the FreeType faces Kivy's SDL2 text provider opens (it keys them by the
    exact font_size float, name and style, keeps 64, and opens int(font_size))."""

    def __init__(self) -> None:
        from kivy.core.text import text_sdl2

        self.ids: set[str] = set()
        real = text_sdl2.LabelSDL2._get_font_id

        def spy(label) -> str:
            fid = real(label)
            self.ids.add(fid)
            return fid

        text_sdl2.LabelSDL2._get_font_id = spy

    def summary(self) -> str:
        per_file = Counter(Path(i.split("|")[1]).name for i in self.ids)
        files = ", ".join(f"{n} {name}" for name, n in per_file.most_common())
        return f"{len(self.ids)} font faces opened so far ({files or 'none'})"


# -- the children ------------------------------------------------------------------------------


def bare_child() -> None:
    """A bare Kivy window with one label in the kiosk font: the floor on this machine."""
    st = Stages("bare Kivy window, 1280x800, one label")
    st.mark("interpreter")
    from kiosk.ui.window import prepare_window

    prepare_window(1280, 800)
    import kivy  # noqa: F401

    st.mark("import kivy")
    from kivy.core.window import Window  # noqa: F401

    st.mark("window (SDL + EGL + GL driver)")
    from kivy.app import App
    from kivy.base import EventLoop
    from kivy.uix.label import Label

    from kiosk.ui.fonts import register_fonts

    font = register_fonts()

    class Bare(App):
        def build(self):
            return Label(text="Stamp Kiosk", font_size=40)

    Bare()._run_prepare()
    EventLoop.start()
    for _ in range(10):
        EventLoop.idle()
    st.mark("first frames drawn")
    if font:
        from kivy.core.text import Label as CoreLabel

        before = rollup()["Rss"]
        for size in range(20, 30):
            CoreLabel(text="Hello 안녕 你好", font_size=size, font_name=font).refresh()
        cost = (rollup()["Rss"] - before) / 10
        st.mark("10 more font sizes", f"({cost:.1f} MiB per face of {Path(font).name})")
    print_breakdown("bare window")


def _slide_files(n: int = 3) -> list[str]:
    """`n` attract slides as the media cache leaves them: PNGs already sized for the screen."""
    from PIL import Image, ImageDraw

    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-slides-"))
    paths = []
    for i in range(n):
        img = Image.new("RGB", (1280, 800), (40 + 60 * i, 90, 160 - 40 * i))
        ImageDraw.Draw(img).ellipse(
            [200 * i, 100, 200 * i + 600, 700], outline=(255, 240, 220), width=12
        )
        path = folder / f"slide-{i}.png"
        img.save(path)
        paths.append(str(path))
    return paths


def slide_stage(st: Stages, drv, ctl, scan, changes: int) -> None:
    """RSS over `changes` attract slide changes, and scan latency on a slide vs still."""
    from kiosk.flows.customer.intents import GoHome, Wake
    from kiosk.flows.customer.slides import ShownSlide, SlidesChanged

    def slide_now() -> str:
        return getattr(drv.app.rendered, "slide", "")

    def run_slides(n: int) -> float:
        """n slide changes, each drawn; returns the mean ms per change."""
        done, last, t0 = 0, slide_now(), time.perf_counter()
        while done < n:
            if time.perf_counter() - t0 > 300:
                raise RuntimeError(f"slides stopped changing after {done}; state {ctl.state}")
            ctl.send(Wake())  # someone at the kiosk now and then: no screen blanking
            ctl.tick()
            drv.frames(1)
            now = slide_now()
            if now != last:
                done, last = done + 1, now
        return (time.perf_counter() - t0) * 1000 / n

    def latency(rounds: int) -> list[float]:
        out = []
        for i in range(rounds):
            ctl.send(GoHome())
            drv.wait_screen("attract", 5)
            for _ in range(3):  # a slide change or two right before the scan
                ctl.tick()
                drv.frames(1)
            t0 = time.perf_counter()
            scan(i)
            out.append((time.perf_counter() - t0) * 1000)
        return sorted(out)

    ctl.send(GoHome())
    drv.wait_screen("attract", 5)
    still = latency(20)
    ctl.send(SlidesChanged(tuple(ShownSlide(p, seconds=0.0) for p in _slide_files())))
    ctl.send(GoHome())
    drv.wait_screen("attract", 5)
    per = run_slides(100)
    st.mark("100 slide changes (warm-up)", f"({per:.1f} ms per change, drawn)")
    per = run_slides(changes)
    st.mark(f"{changes} more slide changes", f"({per:.1f} ms per change, drawn)")
    moving = latency(20)
    for name, xs in (("still attract", still), ("slides changing", moving)):
        print(
            f"    scan -> card screen, {name}: median {xs[len(xs) // 2]:.0f} ms, "
            f"p90 {xs[int(len(xs) * 0.9)]:.0f} ms ({len(xs)} scans)",
            flush=True,
        )
    ctl.send(SlidesChanged(()))


def kiosk_child(scans: int, trace: bool, lang: str, slides: int = 0) -> None:
    """The kiosk as `kiosk run` builds it (the CLI imports, the parts, the app), then scans."""
    if trace:
        import tracemalloc

        tracemalloc.start(8)
    st = Stages(f"kiosk app, 1280x800, shop language {lang}, reference server on loopback")
    st.mark("interpreter")
    from kiosk.cli import build_parser

    build_parser()  # what `kiosk run` imports before it runs: every command module
    st.mark("CLI imports (kiosk run)")
    from kiosk.ui.window import prepare_window

    prepare_window(1280, 800)
    from kivy.core.window import Window  # noqa: F401

    st.mark("window (SDL + EGL + GL driver)")
    faces = FaceCounter()
    from kiosk.cli._kiosk_parts import build_kiosk
    from kiosk.config import Settings
    from kiosk.flows.customer.intents import ChooseLanguage, GoHome
    from kiosk.ui.app import KioskApp
    from kiosk.ui.driver import Driver

    settings = Settings.model_validate_json(os.environ["BENCH_SETTINGS"])
    settings.ui.language = lang  # the shop's language: what the attract screen starts in
    tokens = json.loads(os.environ["BENCH_TOKENS"])
    parts = build_kiosk(settings, use_config_sources=False)
    st.mark("parts built (client, outbox, flows)")
    app = KioskApp(parts.host)
    drv = Driver(app).start((1280, 800))
    drv.wait_screen("attract", 10)
    drv.frames(10)
    built = len(getattr(app.root.sm, "screens", []))
    st.mark("app: screens built, attract drawn", f"({built} screens in the manager)")
    print(f"    {faces.summary()}")
    parts.start()
    if parts.printer is not None:
        parts.printer.warm_up()  # the background warm-up, made deterministic here
    time.sleep(0.5)
    drv.frames(5)
    st.mark("parts started (scanner, printer)")
    ctl = parts.host

    def scan(i: int, lang: str = "") -> None:
        ctl.send(GoHome())
        drv.frames(1)
        if lang:  # a customer who taps a language first
            ctl.send(ChooseLanguage(lang))
            drv.frames(2)
        ctl.scan_text(tokens[i % len(tokens)])
        if not drv.wait_screen("card", 10):
            raise RuntimeError(f"no card screen; state {ctl.state}")
        drv.frames(1)

    for i in range(20):
        scan(i)
    st.mark("20 scans (warm-up)")
    print(f"    {faces.summary()}")
    for i in range(scans):
        scan(i)
    st.mark(f"{scans} more scans")
    print(f"    {faces.summary()}")
    langs = [x for x in ("en", "ko", "zh", "et") if x != lang]
    for i in range(30):
        scan(i, langs[i % len(langs)])
    st.mark(f"30 scans in {', '.join(langs)}")
    print(f"    {faces.summary()}")
    if slides:
        slide_stage(st, drv, ctl, scan, slides)
    print_breakdown("kiosk after the scans")
    print(f"  malloc: {malloc_summary()}")
    trim = malloc_trim()
    st.mark("after malloc_trim(0)", f"({trim})")
    print(f"  Kivy Cache: {kivy_cache_summary()}")
    if trace:
        print_top_allocations()
    parts.close()


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in [
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        ]
    ]


def malloc_summary() -> str:
    """glibc's view: bytes in use vs free inside the heap (free = fragmentation or slack)."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = _Mallinfo2
    mi = libc.mallinfo2()
    mib = 1 / 2**20
    return (
        f"{mi.uordblks * mib:.1f} MiB in use, {mi.fordblks * mib:.1f} MiB free in the "
        f"arenas ({mi.arena * mib:.1f} MiB), {mi.hblkhd * mib:.1f} MiB in mmapped blocks"
    )


def malloc_trim() -> str:
    """Hands free heap pages back to the kernel; what RSS drops by is what was slack."""
    return "returned memory" if ctypes.CDLL("libc.so.6").malloc_trim(0) else "nothing to return"


def kivy_cache_summary() -> str:
    """Objects held per Kivy Cache category (textures, images, kv rules, ...)."""
    from kivy.cache import Cache

    held = {cat: len(objs) for cat, objs in Cache._objects.items() if objs}
    return ", ".join(f"{cat} {n}" for cat, n in sorted(held.items())) or "empty"


def print_top_allocations(n: int = 12) -> None:
    import tracemalloc

    snap = tracemalloc.take_snapshot()
    total = sum(s.size for s in snap.statistics("filename"))
    print(f"  Python heap (tracemalloc): {total / 2**20:.1f} MiB traced; top files:")
    for stat in snap.statistics("filename")[:n]:
        name = stat.traceback[0].filename.replace(str(ROOT) + "/", "")
        name = re.sub(r".*site-packages/", "", name)
        print(f"    {stat.size / 2**20:6.2f} MiB  {name}")


# -- the parent --------------------------------------------------------------------------------


def load_bench_kiosk():
    """bench/kiosk.py's setup() (server, program, cards, paired device)."""
    spec = importlib.util.spec_from_file_location("bench_kiosk", ROOT / "bench" / "kiosk.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def child(kind: str, env: dict[str, str], extra: list[str]) -> None:
    env = {**os.environ, **env, "BENCH_T0": repr(time.time())}
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    print(out.stdout, end="", flush=True)
    if out.returncode:
        print(f"  (child {kind} exited {out.returncode})\n{out.stderr[-3000:]}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scans", type=int, default=30 if os.environ.get("CI") else 100)
    ap.add_argument("--tracemalloc", action="store_true")
    ap.add_argument("--lang", default="en", help="the shop's language (ui.language)")
    ap.add_argument("--child", choices=("bare", "kiosk"))
    ap.add_argument(
        "--slides", type=int, default=1000, help="attract slide changes measured (0: none)"
    )
    args = ap.parse_args()
    if args.child == "bare":
        return bare_child()
    if args.child == "kiosk":
        return kiosk_child(args.scans, args.tracemalloc, args.lang, args.slides)

    child("bare", {}, [])
    bench = load_bench_kiosk()
    folder = Path(tempfile.mkdtemp(prefix="kiosk-bench-mem-"))
    shop, settings, tokens = bench.setup(folder, 20)
    try:
        extra = ["--scans", str(args.scans), "--lang", args.lang, "--slides", str(args.slides)]
        extra += ["--tracemalloc"] if args.tracemalloc else []
        env = {"BENCH_SETTINGS": settings.model_dump_json(), "BENCH_TOKENS": json.dumps(tokens)}
        child("kiosk", env, extra)
    finally:
        shop.stop()


if __name__ == "__main__":
    main()
