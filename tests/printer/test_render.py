"""The ESC/POS bytes, decoded: structure, QR payload, barcode, cut, and injection safety."""

from __future__ import annotations

from dataclasses import replace

import pytest

from devices.printer.coupon import Coupon
from devices.printer.escpos_render import render_escpos
from devices.printer.layout import layout_coupon
from devices.printer.profile import PrinterProfile
from tests.printer.conftest import COUPONS
from tests.printer.escpos_decoder import barcodes, decode, qr_payloads, qr_prints, text_lines

T20 = PrinterProfile.resolve("TM-T20II", 80)
P58 = PrinterProfile.resolve("POS-5890", 58)  # no native QR/barcode, no cutter
ALLOWED = {
    "INIT",
    "CODEPAGE",
    "ALIGN",
    "BOLD",
    "SIZE",
    "TEXT",
    "LF",
    "2D",
    "BARCODE",
    "BARCODE_HEIGHT",
    "BARCODE_WIDTH",
    "BARCODE_FONT",
    "BARCODE_HRI",
    "IMAGE_RASTER",
    "FEED_LINES",
    "CUT",
}


def cmds_for(coupon: Coupon, profile: PrinterProfile = T20):
    return decode(render_escpos(layout_coupon(coupon, profile)))


def test_latin_coupon_structure_native_qr_and_barcode():
    cmds = cmds_for(COUPONS["en"])
    names = [c.name for c in cmds]
    assert names[0] == "INIT" and names[1] == "CODEPAGE" and cmds[1].arg == bytes([16])
    assert set(names) <= ALLOWED, set(names) - ALLOWED
    assert names.count("INIT") == 1 and names.count("CUT") == 1
    assert names[-1] == "CUT"
    lines = text_lines(cmds)
    for expected in [
        "Corner Cafe",
        "Free coffee",
        "Code: CAFE-2026-XK4",
        "Valid until 31 Dec 2026",
        "Voucher v_1001",
        "Issued 2026-11-29 09:30",
        "Thank you!",
    ]:
        assert expected in lines
    assert all(len(line) <= T20.chars_per_line for line in lines)
    assert qr_payloads(cmds) == [b"CAFE-2026-XK4"] and qr_prints(cmds) == 1
    assert barcodes(cmds) == [(73, b"{BCAFE-2026-XK4")]  # 73 = CODE128, function B


def test_estonian_text_native_in_cp1252():
    cmds = cmds_for(COUPONS["et"])
    lines = text_lines(cmds)
    assert "Kohvik Õunapuu" in lines
    assert any("šokolaad" in line for line in lines)
    assert "Kehtib kuni 31.12.2026" in lines
    assert not any(c.name == "IMAGE_RASTER" for c in cmds)


@pytest.mark.parametrize("lang", ["ko", "zh"])
def test_cjk_text_is_rasterised_codes_stay_native(lang):
    cmds = cmds_for(COUPONS[lang])
    assert sum(c.name == "IMAGE_RASTER" for c in cmds) >= 3  # shop, title, description...
    assert qr_payloads(cmds) == [COUPONS[lang].redeem_code.encode()]
    text = "".join(text_lines(cmds))
    assert all(ord(ch) < 0x3000 for ch in text)  # no CJK reached the code page


def test_raster_profile_draws_codes_and_feeds_instead_of_cut():
    cmds = cmds_for(replace(COUPONS["en"], redeem_code="CAFE-26"), P58)  # short: Code128 fits
    names = [c.name for c in cmds]
    assert "2D" not in names and "BARCODE" not in names and "CUT" not in names
    assert names.count("IMAGE_RASTER") >= 2  # QR + Code128 as images
    for img in (c for c in cmds if c.name == "IMAGE_RASTER"):
        width_bytes = img.arg[0] + img.arg[1] * 256
        assert width_bytes * 8 <= P58.dots


def test_symbologies():
    c = replace(COUPONS["en"], symbology="code128")
    cmds = cmds_for(c)
    assert qr_payloads(cmds) == [] and barcodes(cmds) == [(73, b"{BCAFE-2026-XK4")]
    ean = replace(COUPONS["en"], symbology="ean13", redeem_code="5901234123457")
    assert barcodes(cmds_for(ean)) == [(67, b"5901234123457")]
    brace = replace(COUPONS["en"], symbology="code128", redeem_code="AB{A1")
    assert barcodes(cmds_for(brace)) == [(73, b"{BAB{{A1")]  # "{" escaped, no code-set switch
    bad_ean = replace(COUPONS["en"], symbology="ean13", redeem_code="NOT-DIGITS")
    assert qr_payloads(cmds_for(bad_ean)) == [b"NOT-DIGITS"]
    for sym in ("pdf417", "aztec"):
        cmds = cmds_for(replace(COUPONS["en"], symbology=sym))
        assert any(c.name == "IMAGE_RASTER" for c in cmds) and not qr_payloads(cmds)


INJECTIONS = [
    "\x1b@\x1dV\x00",  # reset + cut
    "\x1bp\x00\x19\xfa",  # open cash drawer
    "\x10\x14\x01\x00\x05",  # real-time drawer pulse
    "\x1d(k\x03\x001P0",  # start a 2D code
    "\x1c&\x1c.",  # FS Kanji mode
    "ok\x00\x00\x00",  # NUL
    "PAID\rVOID",  # CR overprint
    "\x1b!\x38HUGE",  # print mode
    "\u202eevil\u202c",  # RTL override
    "שלום עולם مرحبا",  # real RTL text
    "Coffee ☕ 🎉🎉 party",  # emoji
    "\x9b31m C1 CSI \x85",  # C1 controls
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_injection_never_reaches_the_printer_as_commands(evil):
    c = Coupon(
        title=evil,
        shop_name=evil,
        description=evil * 3,
        redeem_code="SAFE-" + evil,
        voucher_id=evil,
        footer=evil,
    )
    cmds = cmds_for(c)
    names = [x.name for x in cmds]
    assert set(names) <= ALLOWED, [x for x in cmds if x.name not in ALLOWED]
    assert names.count("INIT") == 1 and names.count("CUT") == 1 and names[-1] == "CUT"
    for payload in qr_payloads(cmds):
        assert all(b >= 0x20 for b in payload)
    for cmd in cmds:
        if cmd.name == "TEXT":
            assert all(b >= 0x20 for b in cmd.data)


def test_very_long_strings_are_bounded():
    c = Coupon(
        title="T" * 5000,
        description="word " * 20000,
        shop_name="S" * 999,
        redeem_code="C" * 500,
        footer="f" * 5000,
    )
    data = render_escpos(layout_coupon(c, T20))
    lines = text_lines(decode(data))
    assert len(lines) < 60 and len(data) < 8000
    assert max(len(line) for line in lines) <= T20.chars_per_line


def test_logo_is_prescaled_and_centred_markers_printed(tmp_path):
    from PIL import Image, ImageDraw

    logo = tmp_path / "logo.png"
    im = Image.new("RGBA", (2000, 1000), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((0, 0, 1999, 999), fill=(200, 0, 0, 255))
    im.save(logo)
    c = replace(COUPONS["en"], logo_path=str(logo), staff_copy=True, reprint=True)
    layout = layout_coupon(c, T20)
    first = layout.blocks[0]
    assert getattr(first, "what", "") == "logo" and first.image.width == T20.dots
    bbox = first.image.convert("L").point(lambda v: 255 - v).getbbox()
    assert (
        bbox[2] - bbox[0] <= int(T20.dots * 0.6) and abs((bbox[0] + bbox[2]) / 2 - T20.dots / 2) < 4
    )
    lines = text_lines(decode(render_escpos(layout)))
    assert "*** REPRINT ***" in lines and "*** STAFF COPY ***" in lines
    missing = layout_coupon(replace(c, logo_path=str(tmp_path / "nope.png")), T20)
    assert any("logo not readable" in n for n in missing.notes)


def test_cyrillic_is_rasterised():
    cmds = cmds_for(Coupon(title="Бесплатный кофе", redeem_code="RU-1"))
    assert any(c.name == "IMAGE_RASTER" for c in cmds)
    assert not any("Бесплатный" in line for line in text_lines(cmds))


def test_wrap_rules():
    from devices.printer.layout import wrap

    assert wrap("one two three", 7, len) == ["one two", "three"]
    assert wrap("x" * 10, 4, len) == ["xxxx", "xxxx", "xx"]
    # Han breaks anywhere, but closing punctuation never starts a line
    lines = wrap("每次光临限用一张，不可", 7, len)
    assert (
        all(not ln.startswith("，") for ln in lines) and "".join(lines) == "每次光临限用一张，不可"
    )
    assert wrap("a\n\nb", 10, len) == ["a", "", "b"]
