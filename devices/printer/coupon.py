"""Coupon: what goes on paper, independent of any printer.

Laid out once per printer profile (see layout.py); every text field may come from the
network or a staff form and is sanitised before it reaches ESC/POS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Coupon:
    title: str
    shop_name: str = ""
    description: str = ""
    redeem_code: str | None = None
    symbology: str = "qr"  # qr | code128 | pdf417 | aztec | ean13
    valid_until: str | None = None  # ISO date (YYYY-MM-DD) or None = no expiry
    voucher_id: str | None = None
    issued_at: datetime | None = None
    footer: str = ""
    logo_path: str | None = None
    staff_copy: bool = False
    reprint: bool = False
    language: str = "en"

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Coupon:
        """The `kiosk print-test --coupon FILE.json` shape (unknown keys ignored)."""
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("issued_at"), str):
            values["issued_at"] = datetime.fromisoformat(values["issued_at"])
        if "title" not in values:
            raise ValueError("a coupon needs a 'title'")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """The inverse of from_json (issued_at as ISO text): how print jobs are stored."""
        data = {k: getattr(self, k) for k in self.__dataclass_fields__}
        if self.issued_at is not None:
            data["issued_at"] = self.issued_at.isoformat()
        return data
