"""Decoders behind one interface: zxing-cpp first, pyzbar second.

Why two: zxing-cpp alone reads the Aztec and PDF417 that wallet passes use and is the
fastest; pyzbar (libzbar0) sometimes reads low-resolution Code128 zxing misses. Each
reports whether it is usable, so `doctor` and the pipeline can say why one is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from zxingcpp import BarcodeFormat

FORMAT_NAMES = ("qr", "pdf417", "aztec", "code128", "ean13", "datamatrix")


@dataclass(frozen=True)
class Read:
    """One decoded symbol; box = (x0, y0, x1, y1) in the pixels of the image decoded."""

    text: str
    symbology: str
    box: tuple[int, int, int, int] | None = None


class Decoder(Protocol):
    name: str

    def usable(self) -> tuple[bool, str]:
        """(True, "") or (False, why and how to fix it)."""
        ...

    def supports(self, symbology: str) -> bool: ...

    def decode(self, gray: np.ndarray, formats: tuple[str, ...], **opts: bool) -> list[Read]: ...


def _box(points: Sequence[tuple[float, float]]) -> tuple[int, int, int, int]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return int(min(xs)), int(min(ys)), int(max(xs)) + 1, int(max(ys)) + 1


class ZxingDecoder:
    """zxing-cpp with formats restricted and every retry off unless asked for."""

    name = "zxing-cpp"

    def __init__(self) -> None:
        self._zx = None
        self._error = ""
        try:
            import zxingcpp

            self._zx = zxingcpp
            f = zxingcpp.BarcodeFormat
            self._fmt = {
                "qr": f.QRCode,
                "pdf417": f.PDF417,
                "aztec": f.Aztec,
                "code128": f.Code128,
                "ean13": f.EAN13,
                "datamatrix": f.DataMatrix,
            }
        except ImportError as exc:  # pragma: no cover - depends on the machine
            self._error = f"zxing-cpp not importable ({exc}); fix: pip install zxing-cpp"
        self._formats_cache: dict[tuple[str, ...], tuple[BarcodeFormat, ...]] = {}

    def usable(self) -> tuple[bool, str]:
        return (self._zx is not None, self._error)

    def supports(self, symbology: str) -> bool:
        return symbology in FORMAT_NAMES

    def _formats(self, formats: tuple[str, ...]) -> tuple[BarcodeFormat, ...]:
        if formats not in self._formats_cache:
            self._formats_cache[formats] = tuple(self._fmt[f] for f in formats if f in self._fmt)
        return self._formats_cache[formats]

    def _name(self, result: object) -> str:
        for attr in ("format", "symbology"):  # EAN-13's symbology is "EAN/UPC": format first
            value = getattr(result, attr, None)
            for name, fmt in self._fmt.items():
                if value == fmt:
                    return name
        return str(getattr(result, "format", "")).lower().replace(" ", "")

    def decode(
        self,
        gray: np.ndarray,
        formats: tuple[str, ...],
        *,
        try_rotate: bool = False,
        try_invert: bool = False,
        try_downscale: bool = True,
        global_binarizer: bool = False,
        **_: bool,
    ) -> list[Read]:
        if self._zx is None:
            return []
        binarizer = (
            self._zx.Binarizer.GlobalHistogram
            if global_binarizer
            else self._zx.Binarizer.LocalAverage
        )
        results = self._zx.read_barcodes(
            gray,
            formats=self._formats(formats),  # pyright: ignore[reportArgumentType] - a tuple works; the stub names only BarcodeFormats
            try_rotate=try_rotate,
            try_invert=try_invert,
            try_downscale=try_downscale,
            binarizer=binarizer,
        )
        out: list[Read] = []
        for r in results:
            if not r.valid or r.error is not None:
                continue
            p = r.position
            pts = [
                (p.top_left.x, p.top_left.y),
                (p.top_right.x, p.top_right.y),
                (p.bottom_right.x, p.bottom_right.y),
                (p.bottom_left.x, p.bottom_left.y),
            ]
            out.append(Read(r.text, self._name(r), _box(pts)))
        return out


class PyzbarDecoder:
    """pyzbar over libzbar0: QR, Code128 and EAN-13 only (no PDF417, no Aztec)."""

    name = "pyzbar"
    _SUPPORTED = {"qr": "QRCODE", "code128": "CODE128", "ean13": "EAN13"}

    def __init__(self) -> None:
        # pyzbar has no type stubs: its module is Any here, and what it returns is narrowed
        # to typed values in decode()
        self._pz: Any = None
        self._error = ""
        try:
            from pyzbar import pyzbar  # pyright: ignore[reportMissingTypeStubs] - see above

            self._pz = pyzbar
        except (ImportError, OSError) as exc:
            self._error = (
                f"pyzbar not usable ({exc}); fix: apt-get install libzbar0 and pip install pyzbar"
            )

    def usable(self) -> tuple[bool, str]:
        return (self._pz is not None, self._error)

    def supports(self, symbology: str) -> bool:
        return symbology in self._SUPPORTED

    def decode(self, gray: np.ndarray, formats: tuple[str, ...], **_: bool) -> list[Read]:
        if self._pz is None:
            return []
        symbols = [
            getattr(self._pz.ZBarSymbol, self._SUPPORTED[f])
            for f in formats
            if f in self._SUPPORTED
        ]
        if not symbols:
            return []
        out: list[Read] = []
        for r in self._pz.decode(gray, symbols=symbols):
            data: bytes = r.data
            kind: str = r.type  # "QRCODE", "CODE128", ...
            rect: tuple[int, int, int, int] = r.rect  # left, top, width, height
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            sym = {v: k for k, v in self._SUPPORTED.items()}.get(kind) or str(kind).lower()
            x, y, w, h = rect
            out.append(Read(text, sym, (x, y, x + w, y + h)))
        return out
