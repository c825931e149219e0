"""Turn a byte stream from a line scanner into scans: by terminator or by idle gap.

Why separate from the serial port: framing is pure logic (bytes + time in, lines out),
so it is tested exactly, and both the serial scanner and NFC readers share it.
Lines longer than `max_length` are dropped whole (never truncated into a different,
valid-looking payload), and control characters are stripped.
"""

from __future__ import annotations

from devices.scanner.text import clean_line


class LineFramer:
    def __init__(self, terminator: bytes, idle_gap_s: float, max_length: int) -> None:
        self.terminator = terminator
        self.idle_gap_s = idle_gap_s
        self.max_length = max_length
        self._buf = bytearray()
        self._last_byte_at: float | None = None
        self._overflow = False
        self.dropped = 0

    def feed(self, data: bytes, now: float) -> list[str]:
        """Bytes that arrived at `now`; returns the complete scans they finish."""
        out = self.flush_idle(now)
        if not data:
            return out
        self._last_byte_at = now
        self._buf.extend(data)
        if self.terminator:
            while True:
                i = self._buf.find(self.terminator)
                if i < 0:
                    break
                line = bytes(self._buf[:i])
                del self._buf[: i + len(self.terminator)]
                out.extend(self._emit(line))
        limit = self.max_length * 4 + 16  # bytes: up to 4 per UTF-8 character
        if len(self._buf) > limit:
            self._overflow = True
            self._buf.clear()
        return out

    def flush_idle(self, now: float) -> list[str]:
        """A silence longer than the idle gap ends the scan (always, with or without terminator)."""
        if self._last_byte_at is None or now - self._last_byte_at < self.idle_gap_s:
            return []
        self._last_byte_at = None
        line = bytes(self._buf)
        self._buf.clear()
        return self._emit(line)

    def _emit(self, raw: bytes) -> list[str]:
        if self._overflow:  # the tail of an over-long line: drop it with its head
            self._overflow = False
            self.dropped += 1
            return []
        text = clean_line(raw.decode("utf-8", errors="replace"), self.max_length)
        if text is None:
            if raw.strip():
                self.dropped += 1
            return []
        return [text]
