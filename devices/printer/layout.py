"""One coupon layout per printer profile: the single source for paper and preview.

WHY one layout: the ESC/POS renderer and the PNG preview both walk the same list of
blocks, so the preview wraps, orders and sizes exactly as the paper does. Text the code
page cannot hold is rasterised here, once, and the very same image goes to both.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import zxingcpp
from PIL import Image, ImageDraw, ImageFont, ImageOps

from devices.printer import fonts
from devices.printer.coupon import Coupon
from devices.printer.labels import format_date, label
from devices.printer.profile import PrinterProfile
from devices.printer.sanitize import clean_text, drop_unprintable_symbols

# Bounds on every field (characters): a hostile or broken server cannot make a metre of paper.
MAX = {"shop": 64, "title": 80, "description": 600, "code": 64, "id": 64, "footer": 200}
RASTER_SIZE = {False: 24, True: 44}  # px font size for normal / double text, like font A
BARCODE_HEIGHT = 80
# closing punctuation that must not begin a line (CJK line-breaking rule, kinsoku)
NO_LINE_START = set("，。、！？：；）」』】》〉・ー…,.!?:;)")


@dataclass(frozen=True)
class Text:
    """Native printer text, already wrapped to the line width and encodable."""

    lines: tuple[str, ...]
    align: str = "left"  # left | center
    bold: bool = False
    double: bool = False


@dataclass(frozen=True)
class Raster:
    """A 1-bit image no wider than the paper (rasterised text, logo, software code)."""

    image: Image.Image
    what: str  # "text" | "logo" | "qr" | "barcode" | ...
    align: str = "center"


@dataclass(frozen=True)
class Qr:
    data: str
    module: int


@dataclass(frozen=True)
class Barcode:
    data: str
    kind: str  # "CODE128" | "EAN13"
    module: int
    height: int = BARCODE_HEIGHT


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Block = Text | Raster | Qr | Barcode | Feed | Cut


@dataclass
class Layout:
    profile: PrinterProfile
    blocks: list[Block] = field(default_factory=list[Block])
    code: str = ""  # the redeem code as printed (sanitised)
    notes: list[str] = field(default_factory=list[str])  # fallbacks taken, for logs and tests


def layout_coupon(
    coupon: Coupon,
    profile: PrinterProfile,
    *,
    footer: str = "",
    code128_with_qr: bool = True,
    now: datetime | None = None,
) -> Layout:
    """Lay the coupon out for this printer: logo, shop, markers, title, text, code, validity."""
    lang = coupon.language if coupon.language in ("en", "et", "ko", "zh") else "en"
    out = Layout(profile)
    add = _Adder(out, profile, lang)
    if coupon.logo_path:
        logo = _logo(coupon.logo_path, profile)
        if logo is not None:
            out.blocks.append(Raster(logo, "logo"))
        else:
            out.notes.append(f"logo not readable: {coupon.logo_path}")
    add.text(clean_text(coupon.shop_name, MAX["shop"]), align="center", bold=True)
    if coupon.reprint:
        add.text(label("reprint", lang), align="center", bold=True)
    if coupon.staff_copy:
        add.text(label("staff_copy", lang), align="center", bold=True)
    add.text("-" * profile.chars_per_line, align="left")
    add.text(clean_text(coupon.title, MAX["title"]) or "-", align="center", bold=True, double=True)
    desc = clean_text(coupon.description, MAX["description"], keep_newlines=True)
    if desc:
        out.blocks.append(Feed(1))
        add.text(desc)
    code = clean_text(coupon.redeem_code, MAX["code"])
    out.code = code
    if code:
        out.blocks.append(Feed(1))
        _add_codes(out, code, coupon.symbology, profile, code128_with_qr)
        add.text(label("code", lang, code=code), align="center", bold=True)
    out.blocks.append(Feed(1))
    add.text(_validity(coupon.valid_until, lang), align="center")
    if coupon.voucher_id:
        add.text(
            label("voucher", lang, id=clean_text(coupon.voucher_id, MAX["id"])), align="center"
        )
    issued = coupon.issued_at or now
    if issued:
        add.text(label("issued", lang, when=issued.strftime("%Y-%m-%d %H:%M")), align="center")
    foot = clean_text(coupon.footer or footer, MAX["footer"], keep_newlines=True)
    if foot:
        out.blocks.append(Feed(1))
        add.text(foot, align="center")
    out.blocks.append(Cut())
    return out


def _validity(valid_until: str | None, lang: str) -> str:
    if not valid_until:
        return label("no_expiry", lang)
    try:
        d = date.fromisoformat(str(valid_until)[:10])
    except ValueError:
        return label("valid_until", lang, date=clean_text(valid_until, 32))
    return label("valid_until", lang, date=format_date(d, lang))


class _Adder:
    """Adds a paragraph as native text when the code page holds it, else as an image."""

    def __init__(self, out: Layout, profile: PrinterProfile, lang: str) -> None:
        self.out, self.profile, self.lang = out, profile, lang

    def text(
        self, s: str, *, align: str = "left", bold: bool = False, double: bool = False
    ) -> None:
        s = drop_unprintable_symbols(s)
        if not s.strip():
            return
        if self.profile.can_encode(s):
            cols = self.profile.chars_per_line // (2 if double else 1)
            lines = tuple(wrap(s, cols, len))
            self.out.blocks.append(Text(lines, align, bold, double))
            return
        img = raster_text(s, self.profile.dots, self.lang, bold=bold, double=double, align=align)
        self.out.blocks.append(Raster(img, "text", align="left"))


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy word wrap by `measure`; breaks inside words too long for a line and between
    any two CJK characters (those scripts do not separate words with spaces)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for token in _tokens(para):
            candidate = line + token if line else token.lstrip()
            if measure(candidate) <= width:
                line = candidate
                continue
            if line and token in NO_LINE_START and len(line) > 1:
                token, line = line[-1] + token, line[:-1]  # never start a line with "，"
            if line:
                lines.append(line.rstrip())
            token = token.lstrip()
            while measure(token) > width:  # a word longer than the line: hard break
                cut = _fit(token, width, measure)
                lines.append(token[:cut])
                token = token[cut:]
            line = token
        lines.append(line.rstrip())
    return lines


def _tokens(para: str) -> list[str]:
    """Words with their leading space; every wide (CJK) character is a token of its own."""
    tokens: list[str] = []
    cur = ""
    for ch in para:
        # Han and Kana break anywhere; Hangul, like Latin, breaks at spaces
        wide = unicodedata.east_asian_width(ch) in ("W", "F") and not 0xAC00 <= ord(ch) <= 0xD7AF
        if ch == " " or wide:
            if cur:
                tokens.append(cur)
            cur = ch
            if wide:
                tokens.append(cur)
                cur = ""
        else:
            cur += ch
    if cur:
        tokens.append(cur)
    return tokens


def _fit(token: str, width: float, measure: Callable[[str], float]) -> int:
    n = 1
    while n < len(token) and measure(token[: n + 1]) <= width:
        n += 1
    return n


def raster_text(
    s: str, dots: int, lang: str, *, bold: bool = False, double: bool = False, align: str = "left"
) -> Image.Image:
    """Text drawn with a system font into a 1-bit image exactly `dots` wide."""
    kind = "cjk" if fonts.needs_cjk(s) else "sans"
    font = fonts.load(kind + ("-bold" if bold else ""), RASTER_SIZE[double], lang)
    lines = wrap(s, dots - 4, font.getlength)
    if isinstance(font, ImageFont.FreeTypeFont):
        ascent, descent = font.getmetrics()
    else:  # Pillow's built-in bitmap font (no system font found) has no metrics
        ascent, descent = int(font.getbbox("Ag")[3]), 0
    line_h = ascent + descent + 4
    img = Image.new("1", (dots, line_h * len(lines) + 2), 1)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        w = font.getlength(line)
        x = (dots - w) / 2 if align == "center" else 0
        draw.text((x, i * line_h + 2), line, font=font, fill=0)
    return img


def _logo(path: str, profile: PrinterProfile) -> Image.Image | None:
    """The shop logo pre-scaled to at most 60 % of the paper and dithered to black/white."""
    try:
        with Image.open(Path(path)) as src:
            img = ImageOps.exif_transpose(src).convert("RGBA")
    except (OSError, ValueError):
        return None
    bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
    img = Image.alpha_composite(bg, img).convert("L")
    max_w = int(profile.dots * 0.6)
    if img.width > max_w:
        img = img.resize(
            (max_w, max(1, round(img.height * max_w / img.width))), Image.Resampling.LANCZOS
        )
    img.thumbnail((max_w, 240))
    page = Image.new("1", (profile.dots, img.height), 1)  # centred on paper-wide raster
    page.paste(img.convert("1"), ((profile.dots - img.width) // 2, 0))
    return page


_ZX = {
    "qr": zxingcpp.BarcodeFormat.QRCode,
    "code128": zxingcpp.BarcodeFormat.Code128,
    "pdf417": zxingcpp.BarcodeFormat.PDF417,
    "aztec": zxingcpp.BarcodeFormat.Aztec,
    "ean13": zxingcpp.BarcodeFormat.EAN13,
}


def _add_codes(
    out: Layout, code: str, symbology: str, profile: PrinterProfile, code128_with_qr: bool
) -> None:
    """The voucher's own symbology (native when the printer has it), plus a Code128 under a
    QR for 1D till scanners when it fits; an unusable symbology falls back to QR."""
    sym = (symbology or "qr").lower()
    if sym == "ean13" and not (code.isdigit() and len(code) in (12, 13)):
        out.notes.append("redeem code is not EAN-13 digits: printed as QR")
        sym = "qr"
    if sym == "code128" and not _code128_ok(code):
        out.notes.append("redeem code is not printable ASCII: printed as QR")
        sym = "qr"
    if sym not in _ZX:
        out.notes.append(f"unknown symbology {symbology!r}: printed as QR")
        sym = "qr"
    if sym == "qr":
        out.blocks.append(_qr(code, profile))
        if code128_with_qr and _code128_ok(code):
            bc = _barcode(code, "CODE128", profile)
            if bc is not None:
                out.blocks.append(Feed(1))
                out.blocks.append(bc)
    elif sym in ("code128", "ean13"):
        bc = _barcode(code, sym.upper(), profile)
        if bc is None:
            out.notes.append("barcode wider than the paper: printed as QR")
            bc = _qr(code, profile)
        out.blocks.append(bc)
    else:  # pdf417, aztec: drawn here (few printers have them natively)
        scale = 3 if sym == "pdf417" else profile.qr_module  # shrunk to fit by code_image
        out.blocks.append(Raster(code_image(code, sym, scale, profile.dots), sym))


def _code128_ok(code: str) -> bool:
    return all(32 <= ord(c) < 127 for c in code)


def _qr(code: str, profile: PrinterProfile) -> Qr | Raster:
    if profile.native_qr and len(code.encode()) <= 300:
        return Qr(code, profile.qr_module)
    return Raster(code_image(code, "qr", profile.qr_module, profile.dots), "qr")


def _barcode(code: str, kind: str, profile: PrinterProfile) -> Barcode | Raster | None:
    """Native barcode at the widest module width that fits, else an image, else None."""
    modules = (11 * (len(code) + 3) + 2 + 20) if kind == "CODE128" else 95 + 20
    for module in (3, 2):
        if modules * module <= profile.dots:
            if profile.native_barcode:
                return Barcode(code, kind, module)
            sym = "code128" if kind == "CODE128" else "ean13"
            return Raster(code_image(code, sym, module, profile.dots, BARCODE_HEIGHT), sym)
    return None


def code_image(code: str, sym: str, scale: int, dots: int, height: int = 0) -> Image.Image:
    """A code drawn by zxing-cpp's writer, centred on a paper-wide 1-bit image; 1D codes get
    `height` dots of bar height, and the scale shrinks rather than overflow the paper."""
    bc = zxingcpp.create_barcode(code, _ZX[sym])  # pyright: ignore[reportUnknownMemberType] - its stub leaves **kwargs untyped
    base = Image.fromarray(bc.to_image(scale=1, add_quiet_zones=True, add_hrt=False))
    base = base.convert("L")
    w, h = base.size
    one_d = sym in ("code128", "ean13")
    if one_d:
        base = base.crop((0, h // 2, w, h // 2 + 1))
    while scale > 1 and w * scale > dots:
        scale -= 1
    img = base.resize(
        (w * scale, height if one_d and height else h * scale), Image.Resampling.NEAREST
    )
    page = Image.new("1", (max(dots, img.width), img.height), 1)
    page.paste(img.convert("1"), ((page.width - img.width) // 2, 0))
    return page
