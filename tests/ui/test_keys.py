"""Key repeat (EN 301 549 5.7) and double-strike acceptance (5.8), as the keypad filter
sees them: key-downs and key-ups with the time passed in (a held key arrives as more
key-downs, as SDL sends the OS's repeat). No window, no sleeps."""

from __future__ import annotations

import pytest

from kiosk.config import AccessibilitySection, Settings
from kiosk.ui.keys import KeyFilter, KeyRules

TAB, ENTER = 9, 13


def hold(f: KeyFilter, key: int, start: float, until: float, every: float = 0.05) -> list[float]:
    """The key down at `start`, the OS repeating it every `every` s; when each got through."""
    passed = [start] if f.down(key, start) else []
    t = start + every
    while t <= until + 1e-9:
        if f.down(key, round(t, 3)):
            passed.append(round(t, 3))
        t += every
    f.up(key, until)
    return passed


def test_by_default_a_held_key_is_one_press():
    f = KeyFilter()
    assert hold(f, TAB, 0.0, 10.0) == [0.0]
    assert f.down(TAB, 10.1)  # released and pressed again: a new press


def test_repeat_when_on_waits_the_delay_then_goes_at_the_rate():
    f = KeyFilter(KeyRules(key_repeat=True, repeat_delay_s=2.0, repeat_rate_s=2.0))
    assert hold(f, TAB, 0.0, 7.0) == [0.0, 2.0, 4.0, 6.0]  # 5.7: 2 s delay, one per 2 s


def test_repeat_delay_and_rate_are_separate():
    f = KeyFilter(KeyRules(key_repeat=True, repeat_delay_s=1.0, repeat_rate_s=0.5))
    assert hold(f, TAB, 0.0, 2.0) == [0.0, 1.0, 1.5, 2.0]


def test_double_strike_drops_the_same_key_within_the_window():
    f = KeyFilter(KeyRules(double_strike_s=0.5))
    assert f.down(ENTER, 0.0)
    f.up(ENTER, 0.05)
    assert not f.down(ENTER, 0.3)  # a bounce / a tremor: dropped
    f.up(ENTER, 0.35)
    assert f.down(ENTER, 0.6)  # after the window: a press again
    f.up(ENTER, 0.65)


def test_double_strike_lets_another_key_through_and_then_the_first_again():
    f = KeyFilter(KeyRules(double_strike_s=0.5))
    for key, at, ok in ((ENTER, 0.0, True), (TAB, 0.1, True), (ENTER, 0.2, True)):
        assert f.down(key, at) is ok
        f.up(key, at + 0.01)


def test_a_dropped_strike_held_down_never_repeats_through():
    f = KeyFilter(
        KeyRules(key_repeat=True, repeat_delay_s=0.5, repeat_rate_s=0.2, double_strike_s=1)
    )
    assert f.down(TAB, 0.0)
    f.up(TAB, 0.1)
    assert hold(f, TAB, 0.2, 3.0) == []


def test_the_rules_come_from_the_accessibility_section():
    cfg = Settings.model_validate(
        {"accessibility": {"key_repeat": True, "key_repeat_delay_s": 2.5, "double_strike_s": 0.5}}
    )
    rules = KeyRules.from_settings(cfg.accessibility)
    assert rules == KeyRules(True, 2.5, 0.5, 0.5)
    assert KeyRules.from_settings(Settings().accessibility) == KeyRules()  # off by default


@pytest.mark.parametrize(
    "key,value",
    [("key_repeat_delay_s", 0.0), ("key_repeat_rate_s", 0.0), ("double_strike_s", -1)],
)
def test_nonsense_timings_are_refused(key, value):
    with pytest.raises(ValueError):
        AccessibilitySection.model_validate({key: value})


def test_the_standards_ranges_can_be_set():
    """5.7: delay >= 2 s, rate down to one per 2 s; 5.8: double strike >= 0.5 s."""
    AccessibilitySection.model_validate(
        {"key_repeat_delay_s": 2.0, "key_repeat_rate_s": 2.0, "double_strike_s": 0.5}
    )
