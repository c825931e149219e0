"""The birthday greeting, as a transcript: a stamp answer with this year's gift shows the
card with "Happy birthday" and the gift; without one, the plain card."""

from __future__ import annotations

from kiosk.api.models import StampResult
from kiosk.flows.customer import CardState
from kiosk.outcomes import StampKind, StampOutcome
from tests.flows.customer_fakes import card, voucher
from tests.flows.test_customer import journey, stamped


def test_a_stamp_in_the_birthday_window_greets_with_the_gift():
    gift = voucher("vb", title="Birthday cake")
    result = StampResult("stp_1", card(4, (gift,)), (), None, gift)
    t = journey()
    stamped(t, StampOutcome(StampKind.ADDED, result=result, card=result.card))
    assert isinstance(t.view, CardState) and t.view.birthday == gift
    assert t.view.added == 1 and gift in t.view.usable_vouchers


def test_an_ordinary_stamp_shows_no_greeting():
    t = journey()
    result = StampResult("stp_2", card(4), ())
    stamped(t, StampOutcome(StampKind.ADDED, result=result, card=result.card))
    assert isinstance(t.view, CardState) and t.view.birthday is None


def test_the_gift_survives_the_outbox_record():
    """The outbox keeps the answer in the model's own shape; it reads back the same."""
    from kiosk.card_cache import to_jsonable

    gift = voucher("vb", title="Birthday cake")
    result = StampResult("stp_3", card(4), (), None, gift)
    assert StampResult.from_json(to_jsonable(result)).birthday == gift
