"""ScannerSettings: the [scanner] keys devices/scanner reads.

Why a Protocol: devices import nothing from kiosk (the layer contract), yet the manager and
the pipeline must be typed against the settings they get; kiosk.config.ScannerSection has
every one of these keys, and read-only properties let it match as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol


class ScannerSettings(Protocol):
    @property
    def camera(self) -> int | str | None:
        """A camera index, a /dev/video path, or None / "" for no camera."""
        ...

    @property
    def camera_width(self) -> int: ...

    @property
    def camera_height(self) -> int: ...

    @property
    def camera_fps(self) -> int: ...

    @property
    def camera_autofocus(self) -> bool: ...

    @property
    def video_file(self) -> Path | None: ...

    @property
    def image_dir(self) -> Path | None: ...

    @property
    def serial_port(self) -> str: ...

    @property
    def serial_baudrate(self) -> int: ...

    @property
    def serial_terminator(self) -> str: ...

    @property
    def serial_idle_gap_ms(self) -> int: ...

    @property
    def hid_device(self) -> str: ...

    @property
    def formats(self) -> Sequence[str]: ...

    @property
    def debounce_s(self) -> float: ...

    @property
    def max_payload_length(self) -> int: ...

    @property
    def retry_budget_ms(self) -> float: ...

    @property
    def pyzbar_fallback(self) -> bool: ...
