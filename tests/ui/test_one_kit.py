"""One UI kit: every screen the app can show derives from KioskScreen, reports touches with
its `send` (there is no second way), and draws in one of the themes of kiosk/ui/theme.py."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.ui

pytest.importorskip("tests.staff.uihost")  # the offscreen window, sized once

from kiosk.flows.staff.intents import PinDigit  # noqa: E402
from kiosk.ui.app import discover_screen_classes  # noqa: E402
from kiosk.ui.screens._base import KioskScreen  # noqa: E402
from kiosk.ui.theme import CUSTOMER, STAFF, TECHNICIAN, THEMES  # noqa: E402


def test_every_screen_is_a_kiosk_screen_with_one_way_to_report_a_touch():
    classes = discover_screen_classes()
    assert len(classes) >= 17
    for cls in classes:
        assert issubclass(cls, KioskScreen), cls
        assert not hasattr(cls, "emit"), cls
        assert cls.send is KioskScreen.send, cls
        assert cls.theme in THEMES, cls


def test_each_screen_names_its_look():
    looks = {cls.screen_name: cls.theme for cls in discover_screen_classes()}
    assert looks["attract"] is CUSTOMER and looks["card"] is CUSTOMER
    assert looks["pairing"] is CUSTOMER and looks["out_of_service"] is CUSTOMER
    assert {looks[n] for n in looks if n.startswith("staff_")} == {STAFF}
    assert looks["technician"] is TECHNICIAN


def test_send_goes_to_the_host_when_it_gives_one():
    got = []
    staff = next(c for c in discover_screen_classes() if c.theme is STAFF)
    screen = staff(on_action=got.append)  # customer screens need the App
    screen.send(PinDigit("7"))
    assert got == [PinDigit("7")]
