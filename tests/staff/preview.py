"""A small coupon preview for tests until the printer's preview_png is on main."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from devices.printer.coupon import Coupon


def coupon_png(coupon: Coupon) -> bytes:
    img = Image.new("RGB", (384, 300), "white")
    d = ImageDraw.Draw(img)
    y = 10
    for line in (coupon.shop_name, coupon.title, coupon.description, coupon.redeem_code or ""):
        d.text((10, y), str(line)[:48], fill="black")
        y += 24
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
