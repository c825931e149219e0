"""PrinterSettings: the [printer] keys, declared once, where the driver that reads them lives.

Why here and not in kiosk.config: devices import nothing from kiosk (the layer contract),
and the keys were declared twice, once in kiosk.config and once as a Protocol here that
the driver was typed against; a key added to one and not the other passed every check.
kiosk.config's [printer] section is this model (it only adds the config file's rules).
Pydantic checks each key's range and says which key is wrong, in the kiosk's own messages.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from devices.printer.uri import parse_uri


class PrinterSettings(BaseModel):
    """How to reach the receipt printer and what it can print."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    uri: str = Field(
        default="preview:/var/lib/kiosk/prints",
        description="usb:VID:PID, serial:/dev/ttyUSB0?baudrate=19200, tcp://host:9100, file:/path, preview:/dir",
    )
    profile: str = Field(default="TM-T20II", description="a python-escpos printer profile name")
    paper_width_mm: Literal[58, 80] = Field(default=80, description="58 or 80")
    native_qr: bool | None = Field(
        default=None, description="true/false; default: what the profile says"
    )
    native_barcode: bool | None = Field(
        default=None, description="true/false; default: what the profile says"
    )
    timeout_s: float = Field(default=5.0, gt=0, le=60, description="seconds for connect and write")
    footer: str = Field(default="", max_length=200, description="a line printed under every coupon")
    codepage: str = Field(
        default="",
        description='code page for native text, e.g. "CP1252"; "" = best the profile has',
    )
    retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="connect retries on transient errors (never after bytes went out)",
    )
    code128_with_qr: bool = Field(
        default=True, description="also print a Code128 under a QR code, for 1D till scanners"
    )

    @field_validator("uri")
    @classmethod
    def _uri(cls, v: str) -> str:
        """Parsed as the printer service will parse it: a bad URI fails at load time."""
        parse_uri(v)  # raises ValueError saying which shape was expected
        return v
