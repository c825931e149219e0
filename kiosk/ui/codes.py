"""Redeem codes as images: QR (segno), 1D/2D barcodes (zxing-cpp writer) -> PIL -> texture.

Why render to a texture ourselves: the code on screen must decode to exactly the redeem
code (a test reads it back with zxing-cpp from a screenshot), so it is drawn pixel-exact
with a quiet zone, never scaled with smoothing.
"""

from __future__ import annotations

import io

from PIL import Image

ZXING_FORMATS = {"code128": "Code128", "pdf417": "PDF417", "aztec": "Aztec", "ean13": "EAN13"}


def qr_image(text: str, scale: int = 8) -> Image.Image:
    import segno

    buf = io.BytesIO()
    segno.make_qr(text, error="m").save(buf, kind="png", scale=scale, border=4)
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def barcode_image(text: str, symbology: str = "code128", height: int = 120) -> Image.Image:
    """A 1D/2D code with zxing-cpp's writer; scaled by whole pixels to stay decodable."""
    import zxingcpp

    fmt = getattr(zxingcpp.BarcodeFormat, ZXING_FORMATS.get(symbology, "Code128"))
    img = zxingcpp.write_barcode(fmt, text, width=0, height=0, quiet_zone=True)
    pil = Image.fromarray(__import__("numpy").asarray(img)).convert("RGB")
    if symbology in ("code128", "ean13"):
        scale = max(1, 600 // max(pil.width, 1))
        pil = pil.resize((pil.width * scale, height), Image.Resampling.NEAREST)
    else:
        scale = max(1, 360 // max(pil.width, 1))
        pil = pil.resize((pil.width * scale, pil.height * scale), Image.Resampling.NEAREST)
    return pil


def code_image(text: str, symbology: str) -> Image.Image:
    return qr_image(text) if symbology == "qr" else barcode_image(text, symbology)


def to_texture(img: Image.Image):
    """PIL RGB -> Kivy Texture (nearest filtering keeps modules crisp)."""
    from kivy.graphics.texture import Texture

    img = img.convert("RGB").transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    tex = Texture.create(size=img.size, colorfmt="rgb")
    tex.mag_filter = "nearest"
    tex.min_filter = "nearest"
    tex.blit_buffer(img.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    return tex
