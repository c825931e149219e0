"""Preview PNGs: paper-wide, and their codes decode (zxing-cpp) back to the redeem code."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from devices.printer.preview import render_png
from devices.printer.profile import PrinterProfile
from tests.printer.conftest import COUPONS

OUT = Path(os.environ.get("KIOSK_PREVIEW_OUT", "")) if os.environ.get("KIOSK_PREVIEW_OUT") else None


def decoded(img: Image.Image) -> dict[str, str]:
    return {r.format.name: r.text for r in zxingcpp.read_barcodes(np.array(img.convert("L")))}


@pytest.mark.parametrize("lang", ["en", "et", "ko", "zh"])
@pytest.mark.parametrize("profile", ["TM-T20II/80", "POS-5890/58"])
def test_preview_codes_decode_to_the_redeem_code(lang, profile, tmp_path):
    name, width = profile.split("/")
    prof = PrinterProfile.resolve(name, int(width))
    img = render_png(COUPONS[lang], prof)
    assert img.width == prof.dots
    got = decoded(img)
    code = COUPONS[lang].redeem_code
    assert got.get("QRCode") == code
    fits = (11 * (len(code) + 3) + 22) * 2 <= prof.dots  # Code128 at 2 dots/module
    assert got.get("Code128") == (code if fits else None)
    # paper: mostly white, some black
    dark = (np.array(img) < 128).mean()
    assert 0.03 < dark < 0.5
    if OUT:
        OUT.mkdir(parents=True, exist_ok=True)
        img.save(OUT / f"{lang}-{width}mm.png")


@pytest.mark.parametrize(
    "sym,code",
    [
        ("pdf417", "PDF-12345"),
        ("aztec", "AZ-999"),
        ("ean13", "5901234123457"),
        ("code128", "C128-XY"),
    ],
)
def test_other_symbologies_decode(sym, code):
    from dataclasses import replace

    img = render_png(replace(COUPONS["en"], symbology=sym, redeem_code=code))
    assert code in decoded(img).values()
