"""ScanEvent: one payload read by any scanner, the only thing scanners hand upward."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ScanEvent:
    """A decoded payload.

    text: the payload, already stripped of control characters and bounded in length.
    symbology: qr | pdf417 | aztec | code128 | ean13 | datamatrix | keyboard | serial | ...
    source: where it came from (camera:0, video:/path, image:/path, serial:/dev/ttyACM0, hid:05e0:1200)
    at: time.monotonic() of the read (for debounce and latency figures)
    """

    text: str
    symbology: str
    source: str
    at: float = field(default_factory=time.monotonic)
