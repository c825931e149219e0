"""Synthetic phone-screen frames: a payload rendered as the code a wallet pass shows.

Why: the demo needs a simulated camera that "sees" a given card, and the tests and the
bench need a corpus of realistic, distorted frames whose true payload is known. Codes come
from the same generators a real pass issuer would use: segno (QR), zxing-cpp's writer
(Aztec, PDF417) and python-barcode (Code128, EAN-13).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

SYMBOLOGIES = ("qr", "pdf417", "aztec", "code128", "ean13")
LINEAR = ("code128", "ean13")
WIDE = (*LINEAR, "pdf417")  # sized like 1D codes: wide, short symbols need more pixels


def code_modules(text: str, symbology: str) -> np.ndarray:
    """The code at one pixel per module, black (0) on white (255), with its quiet zone."""
    if symbology == "qr":
        import segno

        qr = segno.make(text, error="m", micro=False)
        m = (1 - np.array(qr.matrix, dtype=np.uint8)) * 255
        return np.pad(m, 4, constant_values=255)
    if symbology in ("aztec", "pdf417"):
        import zxingcpp

        fmt = (
            zxingcpp.BarcodeFormat.Aztec if symbology == "aztec" else zxingcpp.BarcodeFormat.PDF417
        )
        code = zxingcpp.create_barcode(text, fmt)  # pyright: ignore[reportUnknownMemberType] - its stub leaves **kwargs untyped
        img = np.asarray(code.to_image(scale=1)).copy()
        return img if symbology == "pdf417" else np.pad(img, 2, constant_values=255)
    if symbology in LINEAR:
        import barcode  # pyright: ignore[reportMissingTypeStubs] - no stubs: Any below

        python_barcode: Any = barcode
        bars: str = python_barcode.get(symbology, text).build()[0]  # "1" = bar, "0" = space
        row = np.array([0 if c == "1" else 255 for c in bars], dtype=np.uint8)
        return np.pad(row, 10, constant_values=255)[None, :]
    raise ValueError(f"unknown symbology {symbology!r}")


def render_code(text: str, symbology: str, module_px: int = 6) -> np.ndarray:
    """The code as a crisp grayscale image at `module_px` pixels per module."""
    m = code_modules(text, symbology)
    if m.shape[0] == 1:  # linear: bars get a height like a wallet pass shows them
        height = max(40, m.shape[1] // 4)
        img = np.repeat(m, height, axis=0)
        img = np.pad(img, ((4, 4), (0, 0)), constant_values=255)
        return cv2.resize(img, None, fx=module_px, fy=module_px, interpolation=cv2.INTER_NEAREST)
    if symbology == "pdf417":
        m = np.pad(m, 2, constant_values=255)
    return np.kron(m, np.ones((module_px, module_px), dtype=np.uint8))


def phone_image(text: str, symbology: str, *, dark: bool = False, module_px: int = 6) -> np.ndarray:
    """A phone (bezel + screen) showing the pass: a grayscale image, code centred."""
    code = render_code(text, symbology, module_px)
    if dark:
        code = 255 - code
    ch, cw = code.shape
    sw = int(cw * 1.25)
    sh = max(int(ch * 1.6), int(sw * 0.6))
    screen = np.full((sh, sw), 30 if dark else 250, dtype=np.uint8)
    y0, x0 = (sh - ch) // 2, (sw - cw) // 2
    screen[y0 : y0 + ch, x0 : x0 + cw] = code
    bezel = max(8, sw // 30)
    return np.pad(screen, bezel, constant_values=15)


@dataclass(frozen=True)
class Distortion:
    """How a camera sees the phone; one instance per tier, sampled per frame."""

    rotation_deg: float  # +- range of the tilt
    perspective: float  # corner jitter as a fraction of the code width
    blur: tuple[float, float]  # gaussian sigma range
    noise: float  # gaussian noise std (0..255)
    glare: float  # peak added brightness of a glare blob (0 = none)
    glare_p: float
    contrast: tuple[float, float]
    jpeg: int  # JPEG quality
    dark_p: float  # probability of dark mode (light code on dark screen)
    width: tuple[float, float]  # code width as a fraction of the frame width (2D codes)
    width_linear: tuple[float, float]  # the same for 1D codes (they need more pixels)
    quarter_turns: bool = False  # phone also held sideways or upside down


TIERS: dict[str, Distortion] = {
    "mild": Distortion(
        8, 0.03, (0.0, 0.6), 2, 40, 0.3, (0.85, 1.0), 90, 0.2, (0.30, 0.45), (0.75, 0.9)
    ),
    "moderate": Distortion(
        20, 0.07, (0.4, 1.0), 5, 70, 0.5, (0.6, 0.9), 70, 0.3, (0.25, 0.38), (0.7, 0.85)
    ),
    "hard": Distortion(
        35, 0.10, (0.8, 1.4), 8, 100, 0.6, (0.45, 0.7), 50, 0.4, (0.20, 0.32), (0.65, 0.8), True
    ),
}


def _background(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """A smooth, slightly textured backdrop (a counter, a sleeve) so frames aren't blank."""
    base = rng.integers(60, 180)
    gx = np.linspace(-30, 30, w, dtype=np.float32)[None, :] * rng.uniform(-1, 1)
    gy = np.linspace(-30, 30, h, dtype=np.float32)[:, None] * rng.uniform(-1, 1)
    small = rng.normal(0, 12, (max(2, h // 32), max(2, w // 32))).astype(np.float32)
    tex = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(base + gx + gy + tex, 0, 255).astype(np.uint8)


def _place(
    phone: np.ndarray,
    code_w: int,
    size: tuple[int, int],
    d: Distortion,
    linear: bool,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Perspective transform mapping the phone image into the frame (plus its outline)."""
    w, h = size
    frac = rng.uniform(*(d.width_linear if linear else d.width))
    scale = frac * w / code_w
    ph, pw = phone.shape
    turn = 90 * int(rng.integers(4)) if d.quarter_turns else 0
    angle = np.deg2rad(turn + rng.uniform(-d.rotation_deg, d.rotation_deg))
    cx = w / 2 + rng.uniform(-0.1, 0.1) * w
    cy = h / 2 + rng.uniform(-0.1, 0.1) * h
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    pts = (src - np.array([pw / 2, ph / 2])) * scale
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    pts = pts @ rot.T + np.array([cx, cy])
    pts += rng.uniform(-d.perspective, d.perspective, pts.shape) * frac * w
    return cv2.getPerspectiveTransform(src, pts.astype(np.float32)), pts


def distort(
    phone: np.ndarray,
    code_w: int,
    size: tuple[int, int],
    d: Distortion,
    linear: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """Lay the phone into a frame of `size` (w, h) as a camera would see it; returns BGR."""
    w, h = size
    m, _ = _place(phone, code_w, size, d, linear, rng)
    frame = _background(h, w, rng)
    cv2.warpPerspective(
        phone, m, (w, h), dst=frame, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_TRANSPARENT
    )
    f = frame.astype(np.float32)
    sigma = rng.uniform(*d.blur)
    if sigma > 0.05:
        f = cv2.GaussianBlur(f, (0, 0), sigma)
    c = rng.uniform(*d.contrast)
    f = (f - 128) * c + 128 + rng.uniform(-20, 20) * (1 - c)
    if d.glare and rng.random() < d.glare_p:
        gx, gy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
        r = rng.uniform(0.05, 0.15) * w
        yy, xx = np.ogrid[:h, :w]
        f += d.glare * np.exp(-((xx - gx) ** 2 + (yy - gy) ** 2) / (2 * r * r))
    if d.noise:
        f += rng.normal(0, d.noise, f.shape).astype(np.float32)
    gray = np.clip(f, 0, 255).astype(np.uint8)
    bgr = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, d.jpeg])
    decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
    return bgr if decoded is None else np.asarray(decoded)


def render_phone_frame(
    text: str,
    symbology: str = "qr",
    size: tuple[int, int] = (1280, 720),
    *,
    tier: str = "mild",
    seed: int = 0,
    dark: bool | None = None,
) -> np.ndarray:
    """One BGR camera frame of `size` (w, h) showing `text` as `symbology` on a phone.

    `dark=None` lets the tier decide (dark mode inverts the code: light on dark).
    """
    rng = np.random.default_rng(seed)
    d = TIERS[tier]
    is_dark = bool(rng.random() < d.dark_p) if dark is None else dark
    phone = phone_image(text, symbology, dark=is_dark, module_px=6)
    code_w = render_code(text, symbology, 6).shape[1]
    return distort(phone, code_w, size, d, symbology in WIDE, rng)
