"""kiosk.periodic: the one background loop of the heartbeat and the metrics textfile."""

from __future__ import annotations

import threading

from kiosk.periodic import Periodic


class Ticks:
    def __init__(self, until: int) -> None:
        self.count = 0
        self.until = until
        self.reached = threading.Event()

    def __call__(self) -> None:
        self.count += 1
        if self.count >= self.until:
            self.reached.set()


def test_it_ticks_at_once_then_again_and_stops_for_good() -> None:
    ticks = Ticks(until=3)
    loop = Periodic("test", 0.01, ticks)
    loop.start()
    assert ticks.reached.wait(5), f"only {ticks.count} ticks in 5 s"
    loop.stop()
    assert not loop.running
    after = ticks.count
    assert not threading.Event().wait(0.1)  # a tick would come every 0.01 s if it still ran
    assert ticks.count == after


def test_a_second_start_while_running_starts_no_second_thread() -> None:
    ticks = Ticks(until=1)
    loop = Periodic("test-once", 3600, ticks)
    loop.start()
    loop.start()
    assert ticks.reached.wait(5)
    assert [t.name for t in threading.enumerate()].count("test-once") == 1
    loop.stop()
    assert ticks.count == 1


def test_it_starts_again_after_a_stop() -> None:
    first, second = Ticks(until=1), Ticks(until=1)
    loop = Periodic("test-restart", 3600, first)
    loop.start()
    assert first.reached.wait(5)
    loop.stop()
    loop.tick = second
    loop.start()
    assert second.reached.wait(5)
    loop.stop()
