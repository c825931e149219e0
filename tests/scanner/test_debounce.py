"""Debounce: a phone held in front of the camera is one scan, however long it is held."""

from __future__ import annotations

import threading

from devices.scanner.debounce import Debouncer
from devices.scanner.text import clean_line, strip_controls


def test_same_payload_within_window_is_one_event() -> None:
    d = Debouncer(3.0)
    assert d.accept("CARD", at=0.0)
    assert not d.accept("CARD", at=1.0)
    assert d.accept("OTHER", at=1.5)
    assert not d.accept("CARD", at=3.9)  # still held: the window slides with each sighting
    assert not d.accept("CARD", at=6.8)
    assert d.accept("CARD", at=10.0)  # taken away for > 3 s and shown again: a new scan


def test_zero_window_passes_everything_and_memory_is_bounded() -> None:
    d = Debouncer(0.0, max_entries=10)
    assert d.accept("A", at=1.0) and d.accept("A", at=1.1)
    for i in range(100):
        d.accept(f"P{i}", at=2.0 + i)
    assert len(d._seen) <= 10


def test_thread_safe_one_winner() -> None:
    d = Debouncer(60.0)
    wins: list[bool] = []
    barrier = threading.Barrier(8)

    def hit() -> None:
        barrier.wait()
        wins.append(d.accept("SAME"))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1


def test_text_cleaning() -> None:
    assert strip_controls("A\x00B\x1b[0mC\u200bD\ue000") == "AB[0mCD"
    assert clean_line("  \x02SCAN-1\x03\r\n", 16) == "SCAN-1"
    assert clean_line("\x00\x01", 16) is None
    assert clean_line("x" * 17, 16) is None
