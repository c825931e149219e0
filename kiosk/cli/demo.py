"""Everything on embedded defaults: reference server, simulated camera, preview printer.

`kiosk demo` opens the kiosk in a window; keys 1-4 hold a customer's wallet card (one per
language) in front of the simulated camera, 5 an unknown card, 6 a non-card code.
`kiosk demo --headless --record DIR` (or no display) plays the scripted journey in every
language and writes one PNG per step plus the printed coupon previews to DIR; exit 0 when
every step showed the right screen and every screenshot passed the checks.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from kiosk.cli import EX_FAIL, EX_OK

NAME = "demo"
HELP = "everything on embedded defaults; --headless --record DIR writes a scripted walk-through"
SHOP_NAME = "Kohvik Mari"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--headless", action="store_true", help="no window: play the scripted journey")
    p.add_argument("--record", type=Path, default=None, help="write screenshots here")
    p.add_argument("--size", default="1280x800", help="window size WxH (default 1280x800)")
    p.add_argument("--langs", default="en,ko,zh,et", help="languages the journey plays")
    p.add_argument("--keep", action="store_true", help="keep the demo's temp folder")


TECHNICIAN_PIN = "1379"  # demo only; a real kiosk sets [technician] pin_sha256


def _settings(folder: Path, server_url: str, size: tuple[int, int]):
    from kiosk.config import Settings

    return Settings.model_validate(
        {
            "device": {"name": "demo-kiosk", "state_dir": str(folder / "state")},
            "server": {"url": server_url},
            "scanner": {"camera": "", "debounce_s": 3.0},
            "printer": {"uri": f"preview:{folder / 'prints'}", "paper_width_mm": 80},
            "ui": {"fullscreen": False, "width": size[0], "height": size[1]},
            # Staff menu -> Diagnostics opens the technician screen with this PIN.
            "technician": {"pin_sha256": hashlib.sha256(TECHNICIAN_PIN.encode()).hexdigest()},
        }
    )


def run(args: argparse.Namespace) -> int:
    from kiosk.ui.window import headless, prepare_window

    size = tuple(int(n) for n in args.size.lower().split("x"))
    is_headless = args.headless or headless()
    import os

    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    folder = Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    os.environ.setdefault("KIVY_HOME", str(folder / "kivy"))
    if args.headless:
        os.environ.pop("DISPLAY", None)
        os.environ.pop("WAYLAND_DISPLAY", None)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    prepare_window(size[0], size[1], surface=(max(size), max(size)) if is_headless else None)

    import kivy  # noqa: F401 - Kivy sets up logging on import; ours comes after

    logging.getLogger().setLevel(logging.WARNING)
    from devices.scanner.sources import SimulatedCamera
    from kiosk.cli._demo_shop import DemoShop
    from kiosk.cli._kiosk_parts import build_kiosk

    shop = DemoShop(folder / "server")
    try:
        shop.start()
        settings = _settings(folder, shop.url, size)  # type: ignore[arg-type]
        shop.seed(settings.device.token_path)
        camera = SimulatedCamera(size=(640, 480), fps=15, hold_s=0.5)
        parts = build_kiosk(
            settings, shop_name=SHOP_NAME, frame_source=camera, use_config_sources=False
        )
        parts.start()
        try:
            if is_headless:
                return _headless(parts, shop, camera, args, size)
            return _window(parts, shop, camera)
        finally:
            parts.close()
    finally:
        shop.stop()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


def _headless(parts, shop, camera, args, size) -> int:
    from kiosk.ui.app import KioskApp
    from kiosk.ui.driver import Driver
    from kiosk.ui.journey import Journey

    out = args.record or Path("demo-recording")
    out.mkdir(parents=True, exist_ok=True)
    _branded(parts)
    app = KioskApp(parts.host)
    drv = Driver(app).start(size)
    print(f"kiosk demo: recording to {out}/", flush=True)
    journey = Journey(drv, parts, shop, camera, out)
    langs = tuple(x for x in args.langs.split(",") if x)
    problems = journey.play(langs, staff_pin=shop_pin())
    drv.stop()
    print(f"kiosk demo: {len(journey.shots)} screenshots, {len(problems)} problems")
    for p in problems:
        print(f"  problem: {p}", file=sys.stderr)
    return EX_FAIL if problems else EX_OK


def _branded(parts) -> None:
    """The demo shop's look, fetched now (a kiosk fetches it in the background and uses it
    from its next start), so the recording shows the branded screens."""
    from kiosk.cli._engage_parts import refresh_look, use_cached_look

    try:
        refresh_look(
            parts.settings, parts.stamp_path.client, parts.stamp_path.client.device().branding
        )
    except Exception as exc:  # noqa: BLE001 - the default look is a fine demo too
        print(f"kiosk demo: no shop look ({exc})", file=sys.stderr)
    use_cached_look(parts.settings)


def _window(parts, shop, camera) -> int:
    from kivy.core.window import Window

    from kiosk.cli._demo_shop import LANGS
    from kiosk.ui.app import KioskApp

    keys = {str(i + 1): shop.card_url(f"reward-{lang}") for i, lang in enumerate(LANGS)}
    keys["5"] = f"{shop.url}/c/no_such_card_0123456789"
    keys["6"] = "hello, this is not a card"

    def on_key(_w, _key, _scancode, text, _mods):
        if text in keys:
            camera.show(keys[text], "qr")
            return True
        return False

    Window.bind(on_key_down=on_key)
    print(
        "kiosk demo: keys 1-4 present a customer's card (en, ko, zh, et), 5 an unknown "
        "card, 6 a non-card code; long-press the top-left corner 3 s for staff mode "
        f"(PIN {shop_pin()}; Diagnostics -> technician PIN {TECHNICIAN_PIN}). "
        "Close the window to stop.",
        flush=True,
    )
    KioskApp(parts.host, sound=True).run()
    return EX_OK


def shop_pin() -> str:
    from kiosk.cli._demo_shop import STAFF_PIN

    return STAFF_PIN
