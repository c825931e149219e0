"""PrinterSettings: the [printer] keys devices/printer reads.

WHY a Protocol: devices import nothing from kiosk (the layer contract), yet the service
and the profile must be typed against the settings they get; kiosk.config.PrinterSection
has every one of these keys, and read-only properties let it match as it is.
"""

from __future__ import annotations

from typing import Protocol


class PrinterSettings(Protocol):
    @property
    def uri(self) -> str: ...

    @property
    def profile(self) -> str: ...

    @property
    def paper_width_mm(self) -> int: ...

    @property
    def native_qr(self) -> bool | None: ...

    @property
    def native_barcode(self) -> bool | None: ...

    @property
    def codepage(self) -> str: ...

    @property
    def timeout_s(self) -> float: ...

    @property
    def retries(self) -> int: ...

    @property
    def footer(self) -> str: ...

    @property
    def code128_with_qr(self) -> bool: ...
