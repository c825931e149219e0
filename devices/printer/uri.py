"""PrinterUri: where the printer is (`usb:VID:PID`, `serial:/dev/ttyUSB0?baudrate=19200`,
`tcp://host:9100`, `file:/path`, `preview:/dir`, `dummy:`), parsed in one place.

Why a module of its own: the [printer] settings check the URI when the config is loaded
(a bad one is named with its fix before the kiosk starts), and that must not import the
transports (python-escpos and PIL, ~190 ms) into every command that reads the config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class PrinterUri:
    scheme: str  # usb | serial | tcp | file | preview | dummy
    target: str  # host, device path, folder...
    port: int = 0
    vid: int = 0
    pid: int = 0
    baudrate: int = 19200
    options: dict[str, str] = field(default_factory=dict[str, str])

    def __str__(self) -> str:
        if self.scheme == "tcp":
            return f"tcp://{self.target}:{self.port}"
        if self.scheme == "usb":
            return f"usb:{self.vid:04x}:{self.pid:04x}"
        return f"{self.scheme}:{self.target}"


def parse_uri(uri: str) -> PrinterUri:
    """Parse a printer URI or raise ValueError saying what shape was expected."""
    uri = uri.strip()
    if uri.startswith("tcp://"):
        parts = urlsplit(uri)
        if not parts.hostname:
            raise ValueError(f"{uri!r}: expected tcp://host:9100")
        return PrinterUri("tcp", parts.hostname, parts.port or 9100)
    if uri.startswith("usb:"):
        bits = uri[4:].split(":")
        try:
            vid, pid = (int(b, 16) for b in bits[:2])
        except ValueError:
            raise ValueError(f"{uri!r}: expected usb:VID:PID in hex, e.g. usb:04b8:0202") from None
        return PrinterUri("usb", uri[4:], vid=vid, pid=pid)
    if uri.startswith("serial:"):
        path, _, query = uri[7:].partition("?")
        opts = {k: v[-1] for k, v in parse_qs(query).items()}
        if not path:
            raise ValueError(f"{uri!r}: expected serial:/dev/ttyUSB0?baudrate=19200")
        return PrinterUri("serial", path, baudrate=int(opts.get("baudrate", 19200)), options=opts)
    for scheme in ("file", "preview", "dummy"):
        if uri.startswith(scheme + ":"):
            target = uri[len(scheme) + 1 :]
            if scheme != "dummy" and not target:
                raise ValueError(f"{uri!r}: expected {scheme}:/path")
            return PrinterUri(scheme, target)
    raise ValueError(f"{uri!r}: expected usb:, serial:, tcp://, file:, preview: or dummy:")
