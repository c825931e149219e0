"""The one palette and the one scaling rule: both looks keep the kiosk's promises.

Plain values (no Kivy): text readable from 1 m (>= 7:1), touch targets >= 9 mm on the 7"
800x480 panel, and the staff layouts scaled as they were drawn (1280x800 -> 1, 800x480 -> 0.6).
"""

from __future__ import annotations

import pytest

from kiosk.ui import theme
from kiosk.ui.theme import CUSTOMER, STAFF, TECHNICIAN, THEMES, Theme


def _luminance(rgb) -> float:
    def ch(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("look", THEMES, ids=lambda t: t.name)
def test_text_readable_from_a_metre(look: Theme):
    assert _contrast(look.text, look.bg) >= 7
    assert _contrast(look.muted, look.bg) >= 7
    assert _contrast(look.text, look.panel) >= 7


@pytest.mark.parametrize("look", THEMES, ids=lambda t: t.name)
def test_every_button_label_readable_on_its_fill(look: Theme):
    for name, (fill, text) in look.fills().items():
        assert _contrast(text, fill) >= 7, f"{look.name} {name}: {_contrast(text, fill):.1f}:1"


@pytest.mark.parametrize("look", THEMES, ids=lambda t: t.name)
def test_a_button_is_at_least_9_mm_on_the_7_inch_panel(look: Theme):
    u = theme.unit(800, 480)
    assert u == 1
    assert look.px(look.button_h, u) >= theme.MIN_TARGET_PX_AT_U1
    assert theme.MIN_TARGET_PX_AT_U1 / (800 / 7.0 * 1.165) * 25.4 >= theme.MIN_TOUCH_MM - 0.5


def test_one_unit_for_every_window_and_orientation():
    assert theme.unit(800, 480) == theme.unit(480, 800) == 1
    assert theme.unit(1920, 1080) == pytest.approx(2.25)
    assert theme.unit(200, 100) == 0.5  # a floor: nothing shrinks to nothing


def test_staff_layouts_keep_the_size_they_were_drawn_at():
    """Drawn for 1280x800: 1:1 there, 0.6 on the 7" panel (as the staff kit scaled before)."""
    assert STAFF.px(100, theme.unit(1280, 800)) == pytest.approx(100)
    assert STAFF.px(100, theme.unit(800, 480)) == pytest.approx(60)
    assert CUSTOMER.px(64, theme.unit(800, 480)) == 64


def test_the_technician_is_the_staff_look_in_blue():
    assert TECHNICIAN.accent != STAFF.accent
    assert TECHNICIAN.scale == STAFF.scale and TECHNICIAN.bg == STAFF.bg


def test_high_contrast_is_at_least_7_to_1_everywhere():
    hc = theme.HIGH_CONTRAST
    for colour in (hc.text, hc.muted, hc.good, hc.warn, hc.accent):
        assert _contrast(colour, hc.bg) >= 7
    for colour in (hc.text, hc.muted, hc.good, hc.warn):
        assert _contrast(colour, hc.panel) >= 7
    for name, (fill, text) in hc.fills().items():
        assert _contrast(text, fill) >= 7, name


def test_the_high_contrast_map_goes_there_and_back():
    """Roles that share a colour in one look share it in the other, so the swap is exact."""
    for src, dst in ((CUSTOMER, theme.HIGH_CONTRAST), (theme.HIGH_CONTRAST, CUSTOMER)):
        by_colour: dict = {}
        for role, colour in vars(src).items():
            if isinstance(colour, tuple):
                by_colour.setdefault(colour, set()).add(getattr(dst, role))
        assert all(len(v) == 1 for v in by_colour.values()), src.name
    for colour, hc in theme.HIGH_CONTRAST_MAP.items():
        assert theme.NORMAL_MAP[hc] == colour
