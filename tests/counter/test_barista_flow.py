"""The barista's tools in staff mode, as transcripts: check a voucher by scan or typed
code, Redeem only for staff-scan / redeem-code vouchers, one key per checked voucher (a
retry reuses it: exactly once), stamps by hand with a required reason, permissions."""

from __future__ import annotations

from dataclasses import replace

from kiosk.api import errors
from kiosk.api.models import CardSummary, CheckedVoucher, StampResult
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.barista import (
    AddStamps,
    CheckVoucher,
    FindCard,
    FindCards,
    OpenCheck,
    OpenStamps,
    PadErase,
    PadGo,
    PadKey,
    PickCard,
    PickReason,
    RedeemChecked,
    StaffCheck,
    StaffRedeem,
    StaffStamp,
    StaffStamps,
    StampCount,
    TypeNote,
)
from kiosk.flows.staff_states import StaffMenu
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.flows.customer_fakes import card, voucher
from tests.flows.test_staff_transcripts import flow, logged_in, session
from tests.support.transcript import Transcript

CAKE = voucher("v2", "staff_scan", code="CAKE-9876", title="Free cake")
MARI = CardSummary("c1", "Mari", 4, 9, "Coffee", "m***@example.com")


def staff(perms: tuple[str, ...] = ("*",)) -> Transcript:
    t = Transcript(flow())
    logged_in(t, session(perms))
    return t


def checked(t: Transcript, v=CAKE, name: str | None = "Mari") -> None:
    t.send(OpenCheck())
    [look] = t.scan(
        ClassifiedScan(ScanKind.VOUCHER, v.redeem_code.value if v.redeem_code else v.id)
    )
    assert isinstance(look, CheckVoucher) and look.session is not None
    t.answer(look, CheckedVoucher(v, name))


def test_the_menu_shows_the_tools_for_the_permissions():
    assert {"check_voucher", "add_stamps"} <= set(staff().view.tools)
    only_redeem = staff(("vouchers:redeem",)).view.tools
    assert "check_voucher" in only_redeem and "add_stamps" not in only_redeem
    t = staff(("vouchers:issue",))
    assert t.send(OpenCheck()) == () and isinstance(t.view, StaffMenu)  # a forged touch
    assert t.send(OpenStamps()) == () and isinstance(t.view, StaffMenu)


def test_scan_a_staff_scan_voucher_see_it_and_redeem_it_once():
    t = staff()
    checked(t)
    view = t.view
    assert isinstance(view, StaffCheck) and view.voucher == CAKE and view.card_name == "Mari"
    assert view.can_redeem
    [redeem] = t.send(RedeemChecked())
    assert isinstance(redeem, StaffRedeem) and redeem.voucher_id == "v2" and redeem.key
    assert t.send(RedeemChecked()) == ()  # a second tap while it runs: nothing
    t.answer(redeem, error=errors.Offline("no answer"))
    assert t.view.message.key == "staff.check.offline"
    [again] = t.send(RedeemChecked())
    assert again.key == redeem.key  # the retry is the same request for the server
    t.answer(again, replace(CAKE, state="redeemed"))
    assert t.view.message.key == "staff.check.redeemed" and not t.view.can_redeem


def test_a_new_check_takes_a_new_key():
    t = staff()
    checked(t)
    first = t.view.key
    [look] = t.scan(ClassifiedScan(ScanKind.VOUCHER, "CAKE-9876"))
    t.answer(look, CheckedVoucher(CAKE, "Mari"))
    assert t.view.key and t.view.key != first


def test_self_redeem_or_used_vouchers_show_no_redeem():
    t = staff()
    checked(t, voucher("v1", "self_redeem"))
    assert not t.view.can_redeem and t.send(RedeemChecked()) == ()
    checked(t, replace(CAKE, state="redeemed"))
    assert not t.view.can_redeem


def test_already_redeemed_elsewhere_is_said_plainly():
    t = staff()
    checked(t)
    [redeem] = t.send(RedeemChecked())
    t.answer(redeem, error=errors.VoucherAlreadyRedeemed("no", status=409))
    assert t.view.message.key == "staff.check.already" and t.view.message.error


def test_type_a_code_on_the_pad():
    t = staff()
    t.send(OpenCheck())
    for ch in "freecoffeex":
        t.send(PadKey(ch))
    t.send(PadErase())
    assert t.view.typed == "FREECOFFEE"
    [look] = t.send(PadGo())
    assert look == CheckVoucher(session=t.model.session, code="FREECOFFEE")
    t.answer(look, error=errors.VoucherNotFound("no", status=404))
    assert t.view.message.key == "staff.check.not_found"


def test_voucher_by_id_from_a_scanned_url():
    t = staff()
    t.send(OpenCheck())
    [look] = t.scan(ClassifiedScan(ScanKind.VOUCHER, "v2", by_id=True))
    assert look.voucher_id == "v2" and look.code == ""


def test_stamps_by_hand_need_a_card_and_a_reason_and_keep_their_key_on_retry():
    t = staff()
    t.send(OpenStamps())
    [find] = t.scan(ClassifiedScan(ScanKind.CARD, "tok_secret_card_token"))
    assert isinstance(find, FindCard) and "tok_secret" not in repr(find)
    t.answer(find, MARI)
    assert t.view.card == MARI and not t.view.ready
    assert t.send(AddStamps()) == ()  # no reason yet
    t.send(StampCount(+1))
    t.send(PickReason("bought_more"))
    t.send(TypeNote())
    for ch in "2 COFFEES":
        t.send(PadKey(ch))
    t.send(PadGo())
    assert t.view.reason_text == "bought_more: 2 COFFEES" and t.view.ready
    [add] = t.send(AddStamps())
    assert isinstance(add, StaffStamps) and (add.card_id, add.count) == ("c1", 2)
    assert add.reason == "bought_more: 2 COFFEES" and add.session is not None
    t.answer(add, error=errors.Offline("no"))
    [retry] = t.send(AddStamps())
    assert retry.key == add.key
    done = StampResult("s1", replace(card(stamps=6), display_name="Mari"))
    t.answer(retry, done)
    view = t.view
    assert isinstance(view, StaffStamp) and view.message.key == "staff.stamps.added"
    assert view.card.stamps == 6 and view.reason == "" and view.key == ""  # a fresh page


def test_search_a_name_and_pick_the_card():
    t = staff()
    t.send(OpenStamps())
    for ch in "MARI":
        t.send(PadKey(ch))
    [search] = t.send(PadGo())
    assert isinstance(search, FindCards) and search.query == "MARI"
    t.answer(search, [MARI, CardSummary("c9", "Maria", 1, 9)])
    assert len(t.view.results) == 2
    t.send(PickCard("c1"))
    assert t.view.card == MARI and t.view.results == ()


def test_count_stays_between_1_and_10_and_back_goes_to_the_menu():
    t = staff()
    t.send(OpenStamps())
    t.send(StampCount(-5))
    assert t.view.count == 1
    for _ in range(15):
        t.send(StampCount(1))
    assert t.view.count == 10
    t.send(i.Back())
    assert isinstance(t.view, StaffMenu)


def test_a_401_ends_staff_mode():
    t = staff()
    checked(t)
    [redeem] = t.send(RedeemChecked())
    t.answer(redeem, error=errors.Unauthorized("gone", status=401))
    assert not t.model.active
