"""ScannerSettings: the [scanner] keys the readers use, declared where they are read.

Why here and not in kiosk.config: devices import nothing from kiosk (the layer contract),
and the keys were declared twice, once in kiosk.config and once as a Protocol here; a key
added to one and not the other passed every check. kiosk.config's [scanner] section is
this model plus the kiosk's own keys (the patterns that sort a scan into its kind).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Symbology = Literal["qr", "pdf417", "aztec", "code128", "ean13", "datamatrix"]
WALLET_FORMATS: list[Symbology] = ["qr", "pdf417", "aztec", "code128"]  # what wallets show


class ScannerSettings(BaseModel):
    """Where scans come from (camera, video, images, serial, HID) and how they are decoded."""

    model_config = ConfigDict(extra="forbid", validate_default=True)

    camera: int | str | None = Field(
        default=0, description='camera index (0), a /dev/video path (V4L2 only), or "" for none'
    )
    camera_width: int = Field(default=1280, ge=160, le=3840, description="pixels")
    camera_height: int = Field(default=720, ge=120, le=2160, description="pixels")
    camera_fps: int = Field(default=30, ge=1, le=120, description="frames per second")
    video_file: Path | None = Field(
        default=None, description="read frames from a video file instead of a camera"
    )
    image_dir: Path | None = Field(
        default=None, description="read frames from a folder of images (bench/test)"
    )
    serial_port: str = Field(
        default="", description='serial scanner or NFC reader, e.g. /dev/ttyACM0; "" for none'
    )
    serial_baudrate: int = Field(default=9600, description="9600, 19200, 38400, 57600 or 115200")
    serial_terminator: str = Field(
        default="\r", description='the byte(s) ending a scan; "" to frame by idle gap'
    )
    serial_idle_gap_ms: int = Field(
        default=80, ge=5, le=5000, description="milliseconds of silence that end a scan"
    )
    hid_device: str = Field(
        default="", description='keyboard-wedge scanner as VID:PID, e.g. 05e0:1200; "" for none'
    )
    formats: list[Symbology] = Field(
        default_factory=lambda: list(WALLET_FORMATS), description="symbologies to decode"
    )
    debounce_s: float = Field(
        default=3.0, ge=0, le=60, description="the same payload within this window is one scan"
    )
    max_payload_length: int = Field(
        default=512, ge=16, le=4096, description="longer payloads are rejected"
    )
    camera_autofocus: bool = Field(
        default=True, description="true to let the camera autofocus (where the driver supports it)"
    )
    retry_budget_ms: float = Field(
        default=60.0,
        ge=0,
        le=1000,
        description="milliseconds per frame the decoder may spend on retries",
    )
    pyzbar_fallback: bool = Field(
        default=True, description="true to try pyzbar on 1D codes zxing-cpp missed (needs libzbar0)"
    )
