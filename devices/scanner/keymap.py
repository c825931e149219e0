"""Key events of a keyboard-wedge scanner -> text (US layout, as scanners ship).

Why our own decoder: the scanner's device is grabbed exclusively (its keystrokes must not
reach the UI), so nobody else turns its key codes into characters. Pure logic: fed
(code, value) pairs exactly as the kernel reports them (value 1 = down, 0 = up,
2 = autorepeat), it returns a finished line on Enter.
"""

from __future__ import annotations

from devices.scanner import keycodes as e
from devices.scanner.text import clean_line

_PLAIN: dict[int, tuple[str, str]] = {}


def _build() -> None:
    for ch in "abcdefghijklmnopqrstuvwxyz":
        _PLAIN[e.code(ch.upper())] = (ch, ch.upper())
    for d, shifted in zip("1234567890", "!@#$%^&*()", strict=True):
        _PLAIN[e.code(d)] = (d, shifted)
    pairs = {
        "MINUS": ("-", "_"),
        "EQUAL": ("=", "+"),
        "LEFTBRACE": ("[", "{"),
        "RIGHTBRACE": ("]", "}"),
        "SEMICOLON": (";", ":"),
        "APOSTROPHE": ("'", '"'),
        "GRAVE": ("`", "~"),
        "BACKSLASH": ("\\", "|"),
        "COMMA": (",", "<"),
        "DOT": (".", ">"),
        "SLASH": ("/", "?"),
        "SPACE": (" ", " "),
        "KPMINUS": ("-", "-"),
        "KPPLUS": ("+", "+"),
        "KPASTERISK": ("*", "*"),
        "KPSLASH": ("/", "/"),
        "KPDOT": (".", "."),
    }
    for name, chars in pairs.items():
        _PLAIN[e.code(name)] = chars
    for d in "0123456789":
        _PLAIN[e.code(f"KP{d}")] = (d, d)


_build()
SHIFTS = {e.KEY_LEFTSHIFT, e.KEY_RIGHTSHIFT}
ENTERS = {e.KEY_ENTER, e.KEY_KPENTER}


class KeyDecoder:
    def __init__(self, max_length: int = 512) -> None:
        self.max_length = max_length
        self._chars: list[str] = []
        self._shift = 0
        self._caps = False
        self._overflow = False
        self.dropped = 0

    def feed(self, code: int, value: int) -> str | None:
        """One EV_KEY event; returns the scanned line when Enter is pressed."""
        if code in SHIFTS:
            self._shift += 1 if value == 1 else (-1 if value == 0 else 0)
            self._shift = max(0, self._shift)
            return None
        if value != 1:  # key up and autorepeat carry no new character
            return None
        if code == e.KEY_CAPSLOCK:
            self._caps = not self._caps
            return None
        if code in ENTERS:
            return self._finish()
        chars = _PLAIN.get(code)
        if chars is None:
            return None  # function keys, Ctrl, Alt...: never part of a payload
        lower, upper = chars
        shifted = bool(self._shift) ^ (self._caps and lower.isalpha())
        if len(self._chars) >= self.max_length:
            self._overflow = True
        else:
            self._chars.append(upper if shifted else lower)
        return None

    def _finish(self) -> str | None:
        text, over = "".join(self._chars), self._overflow
        self._chars, self._overflow = [], False
        if over:
            self.dropped += 1
            return None
        return clean_line(text, self.max_length)
