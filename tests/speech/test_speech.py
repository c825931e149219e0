"""kiosk.speech: espeak-ng out of process, a timeout, a cache per text and language, and
`say` that never waits. The real engine runs when it is installed (CI installs espeak-ng);
the timeout and the hand-over are checked with a stand-in engine that hangs."""

from __future__ import annotations

import shutil
import time
import wave
from pathlib import Path

import pytest

from kiosk.speech import Speaker, Synth, Utterance, amplitude

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng not installed (CI installs it)"
)


def hanging_engine(tmp_path: Path) -> str:
    """An 'engine' that never finishes: the synth must give up after its timeout."""
    exe = tmp_path / "slow-engine"
    exe.write_text("#!/bin/sh\nsleep 30\n")
    exe.chmod(0o755)
    return str(exe)


@needs_espeak
@pytest.mark.parametrize("lang", ["en", "ko", "zh", "et"])
def test_espeak_makes_a_wav_once_per_text_and_language(tmp_path, lang):
    synth = Synth(tmp_path)
    u = Utterance("3 / 9", lang, 80)
    wav = synth.wav(u)
    assert wav is not None and wav.exists()
    with wave.open(str(wav)) as w:
        assert w.getnframes() / w.getframerate() > 0.2  # it says something
    assert synth.wav(u) == wav and synth.made == 1  # the second time: from the cache
    assert synth.path_for(Utterance("3 / 9", "en" if lang != "en" else "et", 80)) != wav


def test_a_hanging_engine_is_stopped_by_the_timeout(tmp_path):
    synth = Synth(tmp_path / "cache", engine=hanging_engine(tmp_path), timeout_s=0.3)
    t0 = time.monotonic()
    assert synth.wav(Utterance("hello", "en", 80)) is None
    assert time.monotonic() - t0 < 3
    assert not list((tmp_path / "cache").glob("*"))  # nothing half-written is cached


def test_say_returns_at_once_even_when_the_engine_hangs(tmp_path):
    synth = Synth(tmp_path / "cache", engine=hanging_engine(tmp_path), timeout_s=5)
    speaker = Speaker(synth, player=("true",), fault="")
    t0 = time.monotonic()
    for i in range(20):
        speaker.say(f"line {i}", "en", 80)
    assert time.monotonic() - t0 < 0.05  # the UI thread and a scan never wait for speech


def test_no_engine_means_no_speech_and_no_thread(tmp_path):
    speaker = Speaker(Synth(tmp_path), fault="espeak-ng is not installed")
    speaker.say("hello", "en", 80)
    assert speaker._thread is None


def test_volume_maps_to_espeak_amplitude():
    assert (amplitude(0), amplitude(80), amplitude(100)) == (0, 120, 150)
