"""Layout -> PNG that looks like the paper: same width in dots, same wrapping, same codes.

WHY: staff and customers see the coupon before it prints, the demo has no printer, and the
tests decode the codes from it. Native text is drawn on the printer's 12x24-dot grid with a
monospace face; rasterised text, logos and software codes are the very images the printer
gets; native QR/barcodes are drawn by zxing-cpp at the module size the printer uses.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from devices.printer import fonts
from devices.printer.coupon import Coupon
from devices.printer.layout import (
    Barcode,
    Cut,
    Feed,
    Layout,
    Qr,
    Raster,
    Text,
    code_image,
    layout_coupon,
)
from devices.printer.profile import FONT_A_DOTS, LINE_DOTS, PrinterProfile

MARGIN = 24  # paper above the first line and below the cut, in dots


def render_png(
    coupon: Coupon,
    profile: PrinterProfile | None = None,
    *,
    footer: str = "",
    code128_with_qr: bool = True,
) -> Image.Image:
    """The coupon as it will print on `profile` (default: an 80 mm TM-T20II)."""
    profile = profile or PrinterProfile.resolve()
    return render_layout(
        layout_coupon(coupon, profile, footer=footer, code128_with_qr=code128_with_qr)
    )


def png_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def render_layout(layout: Layout) -> Image.Image:
    dots = layout.profile.dots
    parts = [_draw(block, dots) for block in layout.blocks]
    height = MARGIN * 2 + sum(p.height for p in parts)
    page = Image.new("L", (dots, height), 255)
    y = MARGIN
    for part in parts:
        page.paste(part, (0, y))
        y += part.height
    return page


def _draw(block: object, dots: int) -> Image.Image:
    if isinstance(block, Text):
        return _text(block, dots)
    if isinstance(block, Raster):
        img = Image.new("L", (dots, block.image.height), 255)
        img.paste(
            block.image.convert("L").crop((0, 0, min(dots, block.image.width), block.image.height)),
            (0, 0),
        )
        return img
    if isinstance(block, Qr):
        return code_image(block.data, "qr", block.module, dots).convert("L")
    if isinstance(block, Barcode):
        sym = "code128" if block.kind == "CODE128" else "ean13"
        return code_image(block.data, sym, block.module, dots, block.height).convert("L")
    if isinstance(block, Feed):
        return Image.new("L", (dots, LINE_DOTS * block.lines), 255)
    if isinstance(block, Cut):
        img = Image.new("L", (dots, LINE_DOTS * 3), 255)
        d = ImageDraw.Draw(img)
        for x in range(0, dots, 12):
            d.line((x, img.height - 2, x + 6, img.height - 2), fill=128)
        return img
    raise TypeError(f"unknown block {block!r}")


def _text(block: Text, dots: int) -> Image.Image:
    """Each character in its font-A cell (12x24 dots, doubled for double size)."""
    k = 2 if block.double else 1
    cell_w, cell_h = FONT_A_DOTS[0] * k, FONT_A_DOTS[1] * k
    line_h = max(LINE_DOTS, cell_h + 6) if block.double else LINE_DOTS
    font = fonts.load("mono-bold" if block.bold else "mono", 20 * k)
    img = Image.new("L", (dots, line_h * len(block.lines)), 255)
    d = ImageDraw.Draw(img)
    for i, line in enumerate(block.lines):
        x0 = (dots - len(line) * cell_w) // 2 if block.align == "center" else 0
        for j, ch in enumerate(line):
            d.text((x0 + j * cell_w, i * line_h + (line_h - cell_h) // 2), ch, font=font, fill=0)
    return img
