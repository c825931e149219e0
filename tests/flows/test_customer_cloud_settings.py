"""The shop's settings from the cloud reach the customer flow as an event (SettingsChanged):
no restart, the attract screen drawn again, the idle timeout in force at once, and a
visit on screen goes on undisturbed."""

from __future__ import annotations

from datetime import UTC

from kiosk.flows.customer import AttractState, CustomerFlow, CustomerSettings, SettingsChanged
from kiosk.flows.customer.intents import ChooseLanguage
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

CARD = ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop")


def journey() -> Transcript:
    t = Transcript(CustomerFlow(CustomerSettings(idle_timeout_s=20.0, shop_name="Kohvik"), UTC))
    t.start()
    return t


def test_new_languages_and_low_reach_show_on_the_attract_screen_at_once() -> None:
    t = journey()
    assert t.view.languages == ("en", "ko", "zh", "et")
    t.send(SettingsChanged(CustomerSettings(language="et", languages=("et", "en"), low_reach=True)))
    view = t.view
    assert isinstance(view, AttractState)
    assert (view.lang, view.languages) == ("et", ("et", "en"))
    assert view.shop_name == "Kohvik"  # the build's own, not the event's
    assert view.access.low_reach
    t.send(ChooseLanguage("ko"))  # no longer offered
    assert t.view.lang == "et"


def test_a_shorter_idle_timeout_takes_effect_in_the_visit_on_screen() -> None:
    t = journey()
    [stamp] = t.scan(CARD)
    t.answer(stamp, StampOutcome(StampKind.SAVED_PENDING, pending=1, reason="offline"))
    assert t.view.screen != "attract"
    t.send(SettingsChanged(CustomerSettings(idle_timeout_s=5.0)))
    assert t.view.screen != "attract"  # the visit goes on ...
    t.tick(6)
    assert t.view.screen == "attract"  # ... and ends by the new timeout, not after 20 s


def test_the_settings_outlive_visits_and_mode_changes() -> None:
    t = journey()
    t.send(SettingsChanged(CustomerSettings(languages=("en", "et"))))
    t.scan(CARD)
    t.tick(60)
    assert t.view.languages == ("en", "et")
    model, _ = t.flow.start(None, t.now, t.model)  # back from staff mode
    assert t.flow.view(model).languages == ("en", "et")
