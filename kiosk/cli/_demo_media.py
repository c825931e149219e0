"""The demo shop's pictures: two attract slides and a logo, drawn with Pillow at start.

Why drawn: the repository carries no photos, and a demo must run offline on a fresh
machine. They are served by the demo's reference server from REFSERVER_MEDIA_DIR, so the
kiosk downloads, checks, resizes and caches them exactly as it would a real shop's.
"""

from __future__ import annotations

from pathlib import Path

SLIDES = (
    ("slide-1.png", ((120, 60, 30), (230, 140, 60)), "Pumpkin spice latte"),
    ("slide-2.png", ((20, 70, 90), (60, 160, 150)), "Fresh cinnamon buns"),
)
LOGO = "logo.png"


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:
        return ImageFont.load_default(size)


def _slide(path: Path, colours: tuple[tuple[int, int, int], ...], words: str) -> None:
    from PIL import Image, ImageDraw

    w, h = 1600, 1000
    img = Image.new("RGB", (w, h), colours[0])
    draw = ImageDraw.Draw(img)
    top, bottom = colours
    for y in range(h):  # a vertical gradient
        k = y / h
        draw.line(
            [(0, y), (w, y)],
            fill=tuple(int(a + (b - a) * k) for a, b in zip(top, bottom, strict=True)),
        )
    for i in range(7):  # a few soft circles
        r = 90 + 30 * i
        x, y = 180 + 210 * i, 160 + (i % 3) * 260
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 240, 220), width=6)
    draw.text((w / 2, h * 0.6), words, font=_font(96), fill=(255, 248, 235), anchor="mm")
    img.save(path, "PNG")


def _logo(path: Path) -> None:
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse([10, 10, 390, 390], fill=(245, 166, 64, 255))
    draw.ellipse([120, 110, 280, 300], fill=(60, 40, 30, 255))
    draw.line([(200, 120), (200, 290)], fill=(245, 166, 64, 255), width=12)
    img.save(path, "PNG")


def draw_media(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, colours, words in SLIDES:
        _slide(folder / name, colours, words)
    _logo(folder / LOGO)
