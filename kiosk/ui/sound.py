"""A short beep on a read: feedback a customer hears even when looking at the phone.

The sound is generated once (a 90 ms 1.2 kHz tone with soft edges, 16-bit mono WAV) into
Kivy's home folder: nothing to ship, nothing to license. Missing audio is never an error.
"""

from __future__ import annotations

import logging
import math
import os
import struct
import tempfile
import wave
from pathlib import Path

log = logging.getLogger(__name__)

_sound = None
_failed = False


def _wav(path: Path, freq: float = 1200.0, ms: int = 90, rate: int = 22050) -> None:
    n = rate * ms // 1000
    fade = rate // 200
    frames = bytearray()
    for i in range(n):
        env = min(1.0, i / fade, (n - i) / fade)
        frames += struct.pack("<h", int(12000 * env * math.sin(2 * math.pi * freq * i / rate)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(frames))


def beep() -> None:
    global _sound, _failed
    if _failed:
        return
    try:
        if _sound is None:
            from kivy.core.audio import SoundLoader

            folder = Path(os.environ.get("KIVY_HOME") or tempfile.gettempdir())
            path = folder / "kiosk-beep.wav"
            if not path.exists():
                _wav(path)
            _sound = SoundLoader.load(str(path))
            if _sound is None:
                raise RuntimeError("no audio provider")
        _sound.stop()
        _sound.play()
    except Exception as exc:  # noqa: BLE001 - a kiosk without speakers still works
        _failed = True
        log.info("no beep: %s", exc)
