"""What a person would notice on a screenshot, checked by code (tests and the demo use it).

- blank: an image with (almost) one colour;
- overflow: a label whose rendered text is larger than its box (cut off);
- small targets: a button smaller than 9 mm on a 7-inch 800x480 panel (47 px at u = 1);
- codes: QR / barcodes on screen must decode (zxing-cpp) to the redeem code.
"""

from __future__ import annotations

from pathlib import Path

from kivy.uix.widget import Widget

from kiosk.ui.theme import MIN_TARGET_PX_AT_U1


def walk(widget: Widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


def _visible(w: Widget) -> bool:
    node = w
    while node is not None:
        if getattr(node, "opacity", 1) <= 0.01:
            return False
        node = node.parent
        if node is not None and node.__class__.__name__ == "ScreenManager":
            break
    return w.width > 2 and w.height > 2


def screen_problems(screen: Widget, u: float) -> list[str]:
    from kiosk.ui.widgets.common import FitLabel, KioskButton
    from kiosk.ui.widgets.hold_button import HoldButton

    problems = []
    for w in walk(screen):
        if not _visible(w):
            continue
        if isinstance(w, FitLabel) and w.text and not w.fits():
            problems.append(
                f"{screen.name}: text {w.text[:30]!r} overflows {tuple(map(int, w.size))} with {tuple(map(int, w.texture_size))}"
            )
        small = min(w.width, w.height) < MIN_TARGET_PX_AT_U1 * u - 1
        if isinstance(w, (KioskButton, HoldButton)) and not w.disabled and small:
            problems.append(f"{screen.name}: button {w.text[:20]!r} is {tuple(map(int, w.size))}")
    return problems


def image_is_blank(path: Path, min_stddev: float = 6.0) -> bool:
    from PIL import Image, ImageStat

    img = Image.open(path).convert("L")
    return ImageStat.Stat(img).stddev[0] < min_stddev


def decode(path: Path) -> list[str]:
    import zxingcpp
    from PIL import Image

    return [r.text for r in zxingcpp.read_barcodes(Image.open(path).convert("RGB"))]
