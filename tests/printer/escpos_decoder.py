"""A small ESC/POS decoder for tests: walks bytes into commands, so tests assert structure
(init, text lines, QR payload, barcode, cut) and catch any stray control byte.

Unknown control bytes become Cmd("UNKNOWN") instead of being skipped: a test that sees one
knows something other than our renderer's commands reached the printer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Cmd:
    name: str
    arg: bytes = b""  # parameters
    data: bytes = b""  # payload (text line, QR data, image bits)

    def __repr__(self) -> str:
        d = self.data if len(self.data) < 40 else self.data[:40] + b"..."
        return f"Cmd({self.name}, {self.arg!r}, {d!r})"


class Incomplete(Exception):
    pass


# fixed-length ESC commands: byte after ESC -> (name, number of parameter bytes)
ESC_FIXED = {
    b"@": ("INIT", 0),
    b"t": ("CODEPAGE", 1),
    b"a": ("ALIGN", 1),
    b"E": ("BOLD", 1),
    b"d": ("FEED_LINES", 1),
    b"J": ("FEED_DOTS", 1),
    b"2": ("LINESPACE_DEFAULT", 0),
    b"3": ("LINESPACE", 1),
    b"-": ("UNDERLINE", 1),
    b"!": ("PRINT_MODE", 1),
    b"M": ("FONT", 1),
    b"G": ("DOUBLE_STRIKE", 1),
    b"V": ("ROTATE", 1),
    b"{": ("UPSIDE_DOWN", 1),
    b"p": ("CASH_DRAWER", 3),
    b"R": ("CHARSET", 1),
}
GS_FIXED = {
    b"!": ("SIZE", 1),
    b"h": ("BARCODE_HEIGHT", 1),
    b"w": ("BARCODE_WIDTH", 1),
    b"f": ("BARCODE_FONT", 1),
    b"H": ("BARCODE_HRI", 1),
    b"B": ("INVERT", 1),
    b"L": ("LEFT_MARGIN", 2),
    b"W": ("AREA_WIDTH", 2),
}


def _need(buf: bytes, end: int) -> None:
    if end > len(buf):
        raise Incomplete


def _one(buf: bytes, i: int) -> tuple[Cmd, int]:
    b = buf[i]
    if b == 0x0A:
        return Cmd("LF"), i + 1
    if b >= 0x20:
        j = i
        while j < len(buf) and buf[j] >= 0x20:
            j += 1
        return Cmd("TEXT", data=bytes(buf[i:j])), j
    if b == 0x1B:
        _need(buf, i + 2)
        op = bytes(buf[i + 1 : i + 2])
        if op in ESC_FIXED:
            name, n = ESC_FIXED[op]
            _need(buf, i + 2 + n)
            return Cmd(name, bytes(buf[i + 2 : i + 2 + n])), i + 2 + n
        if op == b"*":  # column image: m nL nH data
            _need(buf, i + 5)
            m, nl, nh = buf[i + 2], buf[i + 3], buf[i + 4]
            size = (nl + nh * 256) * (3 if m >= 32 else 1)
            _need(buf, i + 5 + size)
            return Cmd("IMAGE_COLUMN", bytes([m]), bytes(buf[i + 5 : i + 5 + size])), i + 5 + size
        return Cmd("UNKNOWN", bytes(buf[i : i + 2])), i + 2
    if b == 0x1D:
        _need(buf, i + 2)
        op = bytes(buf[i + 1 : i + 2])
        if op in GS_FIXED:
            name, n = GS_FIXED[op]
            _need(buf, i + 2 + n)
            return Cmd(name, bytes(buf[i + 2 : i + 2 + n])), i + 2 + n
        if op == b"V":  # cut: m, plus n for m in 65/66
            _need(buf, i + 3)
            m = buf[i + 2]
            n = 1 if m in (65, 66, 97, 98, 103, 104) else 0
            _need(buf, i + 3 + n)
            return Cmd("CUT", bytes(buf[i + 2 : i + 3 + n])), i + 3 + n
        if op == b"v":  # GS v 0 m xL xH yL yH data
            _need(buf, i + 8)
            x = buf[i + 4] + buf[i + 5] * 256
            y = buf[i + 6] + buf[i + 7] * 256
            end = i + 8 + x * y
            _need(buf, end)
            return Cmd("IMAGE_RASTER", bytes(buf[i + 4 : i + 8]), bytes(buf[i + 8 : end])), end
        if op == b"(":  # GS ( k / GS ( L: pL pH then that many bytes
            _need(buf, i + 5)
            fn = bytes(buf[i + 2 : i + 3])
            size = buf[i + 3] + buf[i + 4] * 256
            _need(buf, i + 5 + size)
            body = bytes(buf[i + 5 : i + 5 + size])
            name = {b"k": "2D", b"L": "GRAPHICS"}.get(fn, "UNKNOWN")
            return Cmd(name, body[:2], body[2:]), i + 5 + size
        if op == b"k":  # barcode: m <= 6 NUL-terminated, m >= 65: n then n bytes
            _need(buf, i + 3)
            m = buf[i + 2]
            if m <= 6:
                end = buf.find(b"\x00", i + 3)
                if end < 0:
                    raise Incomplete
                return Cmd("BARCODE", bytes([m]), bytes(buf[i + 3 : end])), end + 1
            _need(buf, i + 4)
            n = buf[i + 3]
            _need(buf, i + 4 + n)
            return Cmd("BARCODE", bytes([m]), bytes(buf[i + 4 : i + 4 + n])), i + 4 + n
        return Cmd("UNKNOWN", bytes(buf[i : i + 2])), i + 2
    if b == 0x10:  # DLE: real-time commands
        _need(buf, i + 2)
        op = buf[i + 1]
        if op == 0x04:
            _need(buf, i + 3)
            return Cmd("STATUS", bytes([buf[i + 2]])), i + 3
        if op == 0x14:
            _need(buf, i + 5)
            return Cmd("REALTIME_PULSE", bytes(buf[i + 2 : i + 5])), i + 5
        return Cmd("UNKNOWN", bytes(buf[i : i + 2])), i + 2
    return Cmd("UNKNOWN", bytes([b])), i + 1


def parse(buf: bytes) -> tuple[list[Cmd], int]:
    """Complete commands at the start of buf, and how many bytes they used."""
    cmds: list[Cmd] = []
    i = 0
    while i < len(buf):
        try:
            cmd, j = _one(buf, i)
        except Incomplete:
            break
        cmds.append(cmd)
        i = j
    return cmds, i


def decode(buf: bytes) -> list[Cmd]:
    """All commands; trailing bytes that do not form a command are an INCOMPLETE command."""
    cmds, used = parse(buf)
    if used < len(buf):
        cmds.append(Cmd("INCOMPLETE", data=bytes(buf[used:])))
    return cmds


def text_lines(cmds: list[Cmd], encoding: str = "cp1252") -> list[str]:
    """The printed text, one string per line feed."""
    lines, cur = [], ""
    for c in cmds:
        if c.name == "TEXT":
            cur += c.data.decode(encoding)
        elif c.name == "LF":
            lines.append(cur)
            cur = ""
    if cur:
        lines.append(cur)
    return lines


def qr_payloads(cmds: list[Cmd]) -> list[bytes]:
    """Data stored with GS ( k cn=49 fn=80 (QR store), in order."""
    return [c.data[1:] for c in cmds if c.name == "2D" and c.arg == b"1P"]


def qr_prints(cmds: list[Cmd]) -> int:
    return sum(1 for c in cmds if c.name == "2D" and c.arg == b"1Q")


def barcodes(cmds: list[Cmd]) -> list[tuple[int, bytes]]:
    return [(c.arg[0], c.data) for c in cmds if c.name == "BARCODE"]
