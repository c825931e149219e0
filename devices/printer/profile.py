"""What one printer model can do, resolved once from the escpos profile and our settings.

WHY: widths, native QR/barcode and the code page decide the whole layout; getting one of
them wrong prints garbage (FIELD-NOTES: "pass the right profile= or widths go wrong").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from devices.printer._escpos import profile_data
from devices.printer.settings import PrinterSettings

# Code pages tried in order when none is configured: CP1252 holds Western and Baltic
# Latin (Estonian õ ä ö ü š ž), CP858 adds the euro to CP850, CP437 is universal.
PREFERRED_CODEPAGES = ("CP1252", "CP858", "CP437")
FONT_A_DOTS = (12, 24)  # ESC/POS font A cell, width x height in dots
LINE_DOTS = 30  # default line feed (1/6 inch at 180 dpi): used by the preview


@dataclass(frozen=True)
class PrinterProfile:
    name: str
    paper_width_mm: int
    dots: int
    dpi: int
    native_qr: bool
    native_barcode: bool
    codepage: str | None  # python codec name, e.g. "cp1252"; None = ASCII only
    codepage_id: int | None  # the ESC t n number for it
    can_cut: bool
    image_impl: str = "bitImageRaster"  # GS v 0: the most widely supported raster command
    qr_module: int = 6  # dots per QR module

    @property
    def chars_per_line(self) -> int:
        return self.dots // FONT_A_DOTS[0]

    def can_encode(self, text: str) -> bool:
        """True if every character of text exists in the printer's code page."""
        try:
            text.encode(self.codepage or "ascii")
        except UnicodeEncodeError:
            return False
        return True

    def encode(self, text: str) -> bytes:
        return text.encode(self.codepage or "ascii")

    @classmethod
    def resolve(
        cls,
        name: str = "TM-T20II",
        paper_width_mm: int = 80,
        *,
        native_qr: bool | None = None,
        native_barcode: bool | None = None,
        codepage: str = "",
    ) -> PrinterProfile:
        """Build from an escpos profile name; explicit settings win over the profile."""
        data = profile_data(name)
        features = _table(data.get("features"))
        media = _table(data.get("media"))
        pixels = _table(media.get("width")).get("pixels")
        dots = _dots_for(paper_width_mm, pixels)
        dpi = media.get("dpi")
        pages = {str(v).upper(): int(k) for k, v in _table(data.get("codePages")).items()}
        chosen = (
            codepage.upper()
            if codepage
            else next((cp for cp in PREFERRED_CODEPAGES if cp in pages), None)
        )
        cp_id = pages.get(chosen) if chosen else None
        if chosen and cp_id is None:
            raise ValueError(f"code page {chosen} is not in profile {name}")
        return cls(
            name=name,
            paper_width_mm=paper_width_mm,
            dots=dots,
            dpi=dpi if isinstance(dpi, int) else 203,
            native_qr=bool(features.get("qrCode", False)) if native_qr is None else native_qr,
            native_barcode=bool(features.get("barcodeB", False))
            if native_barcode is None
            else native_barcode,
            codepage=chosen.lower() if chosen else None,
            codepage_id=cp_id,
            can_cut=bool(features.get("paperFullCut") or features.get("paperPartCut")),
            qr_module=6 if paper_width_mm == 80 else 4,
        )

    @classmethod
    def from_settings(cls, settings: PrinterSettings) -> PrinterProfile:
        """From the [printer] settings (a kiosk.config.PrinterSection)."""
        return cls.resolve(
            settings.profile,
            settings.paper_width_mm,
            native_qr=settings.native_qr,
            native_barcode=settings.native_barcode,
            codepage=settings.codepage,
        )


def _table(value: object) -> dict[str, object]:
    """A JSON object of the profile database, or {} when it is missing or not an object."""
    return cast(dict[str, object], value) if isinstance(value, dict) else {}


def _dots_for(paper_width_mm: int, pixels: object) -> int:
    """Printable dots: the profile's figure when it fits the paper, else the common one."""
    if isinstance(pixels, int):
        if paper_width_mm == 80 and pixels >= 480:
            return pixels
        if paper_width_mm == 58 and 300 <= pixels <= 432:
            return pixels
    return 576 if paper_width_mm == 80 else 384
