"""Speech for the accessibility mode: espeak-ng out of process, cached WAVs, one player.

Why out of process with a timeout: a speech engine that hangs or crashes must never take
the kiosk with it. Why a cache per text, language and volume: a kiosk speaks the same few
dozen sentences all day; synthesis (~50-300 ms on a Pi) is paid once per sentence, later
ones start playing at once. Why its own thread: `say` only hands the text over (the flow's
Speak effect runs right after the step), so neither the UI thread nor a scan ever waits for
speech; a new screen's speech interrupts the old one (`interrupt`), a focused control's
speech queues after it.

If espeak-ng or the player is missing, or there is no audio device, `say` does nothing but
log once: the mode still works with large text and contrast, and `kiosk doctor` reports it
(kiosk/appliance/doctor/checks/speech.py).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# espeak-ng's voice for each of the kiosk's languages (zh is Mandarin: cmn).
VOICES = {"en": "en", "ko": "ko", "zh": "cmn", "et": "et"}
ENGINE = "espeak-ng"
PLAYER = ("aplay", "-q")
SYNTH_TIMEOUT_S = 5.0
PLAY_TIMEOUT_S = 60.0
CACHE_MAX_FILES = 400


@dataclass(frozen=True)
class Utterance:
    text: str
    lang: str
    volume: int  # percent, 0..100


def amplitude(volume: int) -> int:
    """espeak-ng's -a (0..200, 100 normal) for a volume in percent: 100 % is 150."""
    return max(0, min(200, round(volume * 1.5)))


def speech_fault(engine: str = ENGINE, player: str = PLAYER[0], dev: Path = Path("/dev")) -> str:
    """Why speech cannot start here, or "" when it can (doctor and the demo ask this)."""
    if shutil.which(engine) is None:
        return f"{engine} is not installed (sudo apt-get install {engine})"
    if shutil.which(player) is None:
        return f"{player} is not installed (sudo apt-get install alsa-utils)"
    if not any((dev / "snd").glob("pcmC*D*p")):
        return f"no audio output device ({dev}/snd/pcmC*D*p)"
    return ""


class Synth:
    """Text -> a cached WAV file, by espeak-ng with a timeout. No playing, no threads."""

    def __init__(
        self, cache_dir: Path, *, engine: str = ENGINE, timeout_s: float = SYNTH_TIMEOUT_S
    ):
        self.cache_dir = cache_dir
        self.engine = engine
        self.timeout_s = timeout_s
        self.made = 0  # how many WAVs were synthesised (the rest came from the cache)

    def path_for(self, u: Utterance) -> Path:
        key = hashlib.sha256(f"{u.lang}\0{u.volume}\0{u.text}".encode()).hexdigest()[:32]
        return self.cache_dir / f"{u.lang}-{key}.wav"

    def wav(self, u: Utterance) -> Path | None:
        """The WAV of `u` (from the cache when it was made before); None if it failed."""
        path = self.path_for(u)
        if path.exists():
            return path
        if shutil.which(self.engine) is None:
            return None
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        voice = VOICES.get(u.lang, "en")
        cmd = [self.engine, "-v", voice, "-a", str(amplitude(u.volume)), "-w", str(tmp), "--stdin"]
        try:
            subprocess.run(
                cmd, input=u.text.encode(), capture_output=True, timeout=self.timeout_s, check=True
            )
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("speech synthesis failed (%s): %s", voice, type(exc).__name__)
            tmp.unlink(missing_ok=True)
            return None
        tmp.replace(path)
        self.made += 1
        self._prune()
        return path

    def _prune(self) -> None:
        files = sorted(self.cache_dir.glob("*.wav"), key=lambda p: p.stat().st_mtime)
        for old in files[:-CACHE_MAX_FILES]:
            old.unlink(missing_ok=True)


class Speaker:
    """The Speak effect's handler: `say` queues, one daemon thread synthesises and plays."""

    def __init__(self, synth: Synth, *, player: tuple[str, ...] = PLAYER, fault: str | None = None):
        self.synth = synth
        self.player = player
        self.fault = speech_fault() if fault is None else fault
        self._queue: deque[Utterance] = deque(maxlen=8)
        self._cv = threading.Condition()
        self._playing: subprocess.Popen[bytes] | None = None
        self._thread: threading.Thread | None = None
        self._warned = False

    def say(self, text: str, lang: str, volume: int, interrupt: bool = True) -> None:
        """Hand `text` over and return at once; `interrupt` stops what is being spoken."""
        if self.fault:
            if not self._warned:
                log.warning("speech is off: %s", self.fault)
                self._warned = True
            return
        with self._cv:
            if interrupt:
                self._queue.clear()
                self._stop_playing()
            self._queue.append(Utterance(text, lang, volume))
            self._cv.notify()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
                self._thread.start()

    def _stop_playing(self) -> None:
        if self._playing is not None and self._playing.poll() is None:
            self._playing.terminate()

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._queue:
                    self._cv.wait()
                u = self._queue.popleft()
            wav = self.synth.wav(u)
            if wav is not None:
                self._play(wav)

    def _play(self, wav: Path) -> None:
        try:
            with self._cv:
                self._playing = subprocess.Popen(
                    [*self.player, str(wav)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                proc = self._playing
            proc.wait(timeout=PLAY_TIMEOUT_S)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("speech playback failed: %s", type(exc).__name__)
            self._stop_playing()
