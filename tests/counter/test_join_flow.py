"""The join QR in the customer flow, as transcripts: the cloud names the join page, the
attract screen and the "not a card of this shop" screens offer it, in the language on
screen; the host delivers the cloud's settings to the customer even under staff."""

from __future__ import annotations

from datetime import UTC

from kiosk.flows.customer import (
    AttractState,
    CloudSettings,
    CustomerFlow,
    CustomerSettings,
    MessageKind,
    MessageState,
)
from kiosk.flows.customer.intents import ChooseLanguage, GoHome
from kiosk.flows.runtime import FlowHost, Handlers
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

JOIN = "http://cloud.example/join/loc_1"
CARD = ClassifiedScan(ScanKind.CARD, "tok_abcdefghijklmnop")


def journey() -> Transcript:
    t = Transcript(CustomerFlow(CustomerSettings(idle_timeout_s=20.0), tz=UTC))
    t.start()
    return t


def test_attract_shows_no_qr_until_the_cloud_names_the_join_page():
    t = journey()
    assert t.view.join_qr == ""
    t.send(CloudSettings(JOIN))
    assert isinstance(t.view, AttractState) and t.view.join_qr == JOIN + "?lang=en"
    t.send(ChooseLanguage("ko"))
    assert t.view.join_qr == JOIN + "?lang=ko"


def test_the_join_page_outlives_visits_and_reaches_card_not_found():
    t = journey()
    t.send(CloudSettings(JOIN))
    [stamp] = t.scan(CARD)
    t.answer(stamp, StampOutcome(StampKind.CARD_NOT_FOUND, reason="card_not_found"))
    view = t.view
    assert isinstance(view, MessageState) and view.kind == MessageKind.CARD_NOT_FOUND
    assert view.join_qr == JOIN + "?lang=en"
    t.send(GoHome())
    assert t.view.join_qr == JOIN + "?lang=en"
    t.tick(30)
    assert t.view.join_url == JOIN


def test_an_unknown_code_offers_the_join_page_too_and_other_messages_do_not():
    t = journey()
    t.send(CloudSettings(JOIN))
    t.scan(ClassifiedScan(ScanKind.UNKNOWN, "WIFI:S:x;;"))
    assert t.view.kind == MessageKind.UNKNOWN_CODE and t.view.join_url == JOIN
    t.send(GoHome())
    [stamp] = t.scan(CARD)
    t.answer(stamp, StampOutcome(StampKind.SAVED_PENDING, reason="offline"))
    assert t.view.kind == MessageKind.OFFLINE_SAVED and t.view.join_url == ""


def test_the_host_delivers_cloud_settings_to_the_customer_under_another_mode():
    class Other:
        name = "staff"

        def start(self, reason, now, last=None):
            from kiosk.flows.runtime import Step

            return Step(0)

        def step(self, model, event, now):
            from kiosk.flows.runtime import Step

            return Step(model + 1)  # counts what reaches it

        def view(self, model):
            return AttractState(screen="other")

        def epoch(self, model):
            return 0

    customer = CustomerFlow(CustomerSettings())
    host = FlowHost({"customer": customer, "staff": Other()}, "customer", Handlers())
    host._open("staff", None)  # staff on top, as a badge would open it
    assert host.send_to("customer", CloudSettings(JOIN))
    assert host.view_of("customer").join_url == JOIN
    assert host.model_of("staff") == 0  # the top mode got nothing
    assert not host.send_to("technician", CloudSettings(JOIN))
