"""Staff mode as transcripts: intents, scans and answers in; views and effects out.

No host, no threads, no sleeps: the answers are what the test says the server and the
printer said. The security rules are checked here: a lockout is never lifted by a success,
the PIN and the token never show in an effect's repr, a late answer cannot revive a session.
"""

from __future__ import annotations

from datetime import timedelta

from kiosk.api import errors
from kiosk.api.models import CardSummary, StaffSession
from kiosk.flows.runtime import Answered, CloseMode, OpenMode
from kiosk.flows.staff import StaffConfig, StaffFlow
from kiosk.flows.staff import form_intents as f
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.effects import (
    FetchShop,
    IssueVoucher,
    LoadTools,
    PrintCoupon,
    RecordDay,
    RenderPreview,
    RetryJob,
    SearchCards,
    ShopFacts,
    StaffLogin,
    StaffLogout,
)
from kiosk.flows.staff.gate import Gate, GateRules
from kiosk.flows.staff.printing import JobOutcome, ToolFacts
from kiosk.flows.staff.typing_state import new_composer
from kiosk.flows.staff_states import (
    StaffClosed,
    StaffIssued,
    StaffIssueForm,
    StaffLocked,
    StaffMenu,
    StaffPin,
    StaffTools,
)
from kiosk.flows.technician.intents import OpenScreen
from kiosk.input_methods.pinyin_user import UserWords
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.fakes import BADGE, PIN, TOKEN, MemoryApi
from tests.support.transcript import Transcript

RULES = GateRules(max_failures=5, lockout_s=300, min_gap_s=1.0)


def keys() -> object:
    n = iter(range(1, 1000))
    return lambda: f"key-{next(n)}"


def flow(**more: object) -> StaffFlow:
    config = StaffConfig(
        gate=RULES, shop_name="Kohvik", images=("cake.png",), new_key=keys(), **more
    )  # type: ignore[arg-type]
    return StaffFlow(config)


def session(perms: tuple[str, ...] = ("*",), expires_in: float | None = None) -> StaffSession:
    t = Transcript(flow())
    expires = t.wall + timedelta(seconds=expires_in) if expires_in is not None else None
    return StaffSession(TOKEN, "7", "Anna", perms, expires)


def type_pin(t: Transcript, pin: str) -> tuple:
    for d in pin:
        t.send(i.PinDigit(d))
    return t.send(i.PinOk())


def logged_in(t: Transcript, s: StaffSession | None = None) -> None:
    t.start()
    t.send(i.OpenStaff("en"))
    [login] = type_pin(t, PIN)
    t.answer(login, s or session())
    assert isinstance(t.view, StaffMenu)


# -- unlock ---------------------------------------------------------------------------------


def test_pin_login_journey_sends_one_login_and_shows_the_menu():
    t = Transcript(flow())
    t.start()
    assert t.view == StaffClosed() and not t.model.active
    t.send(i.OpenStaff("et"))
    assert t.view == StaffPin(lang="et")
    assert t.view is t.view  # one object per step: the app checks what it rendered by identity
    effects = type_pin(t, PIN)
    assert effects == (StaffLogin(pin=PIN),) and t.view.busy and t.model.pin == ()
    t.answer(effects[0], session())
    assert t.view.screen == "staff_menu" and t.view.staff_name == "Anna"
    assert "diagnostics" not in t.view.tools  # no technician screen installed


def test_the_shop_name_is_asked_for_once_when_not_configured():
    t = Transcript(StaffFlow(StaffConfig(gate=RULES)))
    t.start()
    t.send(i.OpenStaff())
    [login] = type_pin(t, PIN)
    [fetch] = t.answer(login, session())
    assert fetch == FetchShop() and isinstance(t.view, StaffPin)
    t.answer(fetch, ShopFacts("Kohvik", ("a.png",)))
    assert isinstance(t.view, StaffMenu) and t.model.shop == ShopFacts("Kohvik", ("a.png",))


def test_while_a_call_runs_touches_wait_but_exit_works():
    t = Transcript(flow())
    t.start()
    t.send(i.OpenStaff())
    [login] = type_pin(t, PIN)
    assert t.send(i.PinDigit("1")) == () and t.view == StaffPin(busy=True)
    t.send(i.Cancel())
    assert t.model.active
    epoch = t.model.epoch
    t.send(i.Exit())
    assert t.view == StaffClosed() and t.model.epoch == epoch + 1  # the late login is stale


def test_wrong_pins_lock_and_even_the_right_badge_cannot_get_in():
    t = Transcript(flow())
    t.start()
    t.send(i.OpenStaff())
    for _ in range(5):
        [login] = type_pin(t, "9999")
        t.answer(login, error=errors.Unauthorized("wrong pin", status=401))
        t.advance(1.0)
    assert t.view == StaffLocked(seconds_left=300)  # as the fifth answer came
    t.tick()
    assert t.view == StaffLocked(seconds_left=299)  # the countdown moves on a tick
    assert t.scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE)) == ()  # no login is tried
    assert isinstance(t.view, StaffLocked)
    for _ in range(6):  # staff watch the countdown (a touch now and then)
        t.advance(50)
        t.send(i.Wake())
        t.tick()
    assert t.view.screen == "staff_pin" and t.view.message.key == "staff.pin.try_again"


def test_a_success_never_lifts_a_lockout():
    gate = Gate().lock_for(300, now=10.0).succeeded()
    assert gate.seconds_locked(11.0) == 299
    # the server locks this kiosk while a badge login is answered: the lock stays after
    t = Transcript(flow())
    t.start()
    t.send(i.OpenStaff())
    [login] = type_pin(t, "9999")
    t.answer(login, error=errors.StaffLockedOut("locked", status=429, problem={"retry_after": 120}))
    assert t.view == StaffLocked(seconds_left=120)
    t.advance(130)
    [login] = t.scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE))
    t.answer(login, session())
    t.send(i.Exit())
    t.advance(2)
    t.send(i.OpenStaff())
    [login] = type_pin(t, "1111")
    failed = errors.Unauthorized("no", status=401, problem={"attempts_left": 0})
    t.answer(login, error=failed)
    assert isinstance(t.view, StaffLocked)
    t.advance(2)
    [login] = t.scan(ClassifiedScan(ScanKind.STAFF_BADGE, BADGE)) or (None,)
    assert login is None  # the server's 0 attempts left locked the kiosk too


def test_the_pin_and_the_token_never_show_in_a_repr():
    t = Transcript(flow())
    logged_in(t)
    shown = repr(t.effects) + repr(t.model) + repr(i.PinDigit("7"))
    shown += repr(StaffLogin(badge=BADGE)) + repr(StaffLogout(session=session()))
    assert repr(StaffLogin(pin=PIN)) == "StaffLogin(pin=****)"
    assert repr(i.PinDigit("7")) == "PinDigit(digit='*')"
    for secret in (PIN, BADGE, TOKEN):
        assert secret not in shown


def test_a_credential_goes_only_to_this_kiosks_login_and_leaves_with_the_session():
    """The PIN goes in one StaffLogin (to this kiosk's own client, bound to its shop); the
    token only in this session's calls, and a logout when staff mode ends."""
    t = Transcript(flow())
    logged_in(t)
    t.send(i.OpenIssue())
    t.send(f.Focus("search"))
    for ch in "mari":
        t.send(f.Key(ch))
    [search] = t.send(f.Search())
    assert isinstance(search, SearchCards) and search.session.token == TOKEN
    t.answer(search, MemoryApi().search_cards("mari", staff=None))
    assert [r.id for r in t.view.results] == ["card-1"]
    logout, closed = t.send(i.Exit())
    assert closed == CloseMode()  # the mode ends: the customer screen shows again
    assert logout == StaffLogout(session=session()) and t.model.session is None
    logins = [e for e in t.effects if isinstance(e, StaffLogin)]
    assert logins == [StaffLogin(pin=PIN)]


def test_inactivity_and_the_servers_expiry_end_the_session():
    t = Transcript(flow())
    logged_in(t)
    t.tick(59)
    assert t.model.active
    logout, closed = t.tick(1)
    assert closed == CloseMode()
    assert isinstance(logout, StaffLogout) and t.view == StaffClosed()
    t = Transcript(flow())
    logged_in(t, session(expires_in=90))
    for _ in range(2):
        t.advance(50)
        t.send(i.Wake())
        t.tick()
    assert t.view == StaffClosed()


# -- issue, print, retry ------------------------------------------------------------------------


def issue(t: Transcript, title: str = "Free coffee") -> IssueVoucher:
    t.send(i.OpenIssue())
    assert isinstance(t.view, StaffIssueForm) and t.view.form.images == ("cake.png",)
    t.send(f.Focus("title"))
    for ch in title:
        t.send(f.Key(ch))
    [call] = t.send(f.Generate())
    assert isinstance(call, IssueVoucher) and t.view.busy
    return call


def test_a_free_voucher_is_previewed_printed_and_counted():
    t = Transcript(flow())
    logged_in(t)
    call = issue(t)
    assert call.body["title"] == "Free coffee" and call.idempotency_key == "key-1"
    voucher = MemoryApi().issue_voucher(None, call.body, idempotency_key="k")
    record, preview = t.answer(call, voucher)
    assert record == RecordDay(kind="voucher_issued", at=t.wall, ref="v1")
    assert isinstance(preview, RenderPreview) and preview.coupon.shop_name == "Kohvik"
    [printing] = t.answer(preview, b"png")
    assert printing == PrintCoupon(coupon=preview.coupon)
    assert isinstance(t.view, StaffIssueForm)  # the issued page comes as one answer
    [counted] = t.answer(printing, JobOutcome("printed", job_id="job-1"))
    assert counted.kind == "coupon_printed" and counted.ref == "v1"
    assert isinstance(t.view, StaffIssued) and t.view.print_state == "printed"
    assert t.view.preview_png == b"png"


def test_paper_out_keeps_the_job_for_a_retry():
    t = Transcript(flow())
    logged_in(t)
    call = issue(t)
    voucher = MemoryApi().issue_voucher(None, call.body, idempotency_key="k")
    [_record, preview] = t.answer(call, voucher)
    [printing] = t.answer(preview, b"")
    t.answer(printing, JobOutcome("failed", reason="paper out", job_id="job-9"))
    assert t.view.print_state == "failed" and t.view.can_retry
    assert t.view.message.key == "staff.print.failed"
    [retry] = t.send(i.RetryPrint())
    assert retry == RetryJob(job_id="job-9")
    t.answer(retry, JobOutcome("printed", job_id="job-9"))
    assert t.view.print_state == "printed" and not t.view.can_retry


def test_the_server_refusing_the_token_ends_staff_mode():
    t = Transcript(flow())
    logged_in(t)
    call = issue(t)
    logout, closed = t.answer(call, error=errors.Unauthorized("expired", status=401))
    assert closed == CloseMode()
    assert isinstance(logout, StaffLogout) and t.view == StaffClosed()


def test_a_refused_voucher_keeps_the_form_as_typed():
    t = Transcript(flow())
    logged_in(t)
    call = issue(t)
    t.answer(call, error=errors.RedeemCodeTaken("taken", status=409))
    assert t.view.form.title == "Free coffee" and not t.view.busy
    assert t.view.message.key == "staff.server.code_taken"
    [again] = t.send(f.Generate())
    assert again.idempotency_key == call.idempotency_key  # the same voucher, not a second


def test_the_form_is_a_value_an_old_model_never_changes():
    t = Transcript(flow(composer=new_composer(UserWords(None))))
    logged_in(t)
    t.send(i.OpenIssue())
    t.send(f.Focus("title"))
    t.send(f.Key("ㅎ"))
    before = t.model
    t.send(f.Key("ㅏ"))
    t.send(f.Key("ㄴ"))
    assert t.view.form.title == "한" and t.view.form.composing == 1
    assert before.form.view.form.title == "ㅎ"
    assert before.form.typing is not t.model.form.typing


def test_done_typing_leaves_no_field_focused_and_keys_then_type_nothing():
    """The small panel's typing page: Done shows the whole form; keys pressed after it
    (a stray touch on a keyboard being hidden) change no field."""
    t = Transcript(flow())
    logged_in(t)
    t.send(i.OpenIssue())
    assert t.view.focus == "title"  # the form opens typing its first field
    t.send(f.Key("A"))
    t.send(f.DoneTyping())
    assert t.view.focus == "" and t.view.form.title == "A"
    t.send(f.Key("B"))
    assert t.view.form.title == "A" and t.view.form.description == ""
    t.send(f.Focus("description"))
    t.send(f.Key("C"))
    assert t.view.form.description == "C"


def test_a_search_that_finds_cards_ends_typing_and_a_pick_leaves_the_gone_field():
    t = Transcript(flow())
    logged_in(t)
    t.send(i.OpenIssue())
    t.send(f.Focus("search"))
    for ch in "zz":
        t.send(f.Key(ch))
    [none] = t.send(f.Search())
    assert isinstance(none, SearchCards)
    t.answer(none, [])
    assert t.view.focus == "search" and t.view.message.key == "staff.search.none"
    t.send(f.Backspace())
    t.send(f.Backspace())
    for ch in "mari":
        t.send(f.Key(ch))
    [found] = t.send(f.Search())
    t.answer(found, [CardSummary("card-1", "Mari", 4, 9)])
    assert t.view.focus == "" and [r.id for r in t.view.results] == ["card-1"]
    t.send(f.Focus("search"))  # typing again, then picking: the search field goes away
    t.send(f.PickCustomer("card-1"))
    assert t.view.form.customer is not None and t.view.focus == ""
    t.send(f.Key("X"))
    assert t.view.form.search == "" and t.view.form.title == ""


# -- menu, tools, diagnostics -----------------------------------------------------------------------


def test_tools_follow_permissions_and_report_in_words():
    t = Transcript(flow())
    logged_in(t, session(("printer:manage",)))
    assert t.view.tools == ("printer",)
    assert t.send(i.OpenIssue()) == ()  # a forged touch cannot open the form
    [load] = t.send(i.OpenTools())
    # the session and the staff screens' language come along for the day's staff activity
    assert load == LoadTools(printer=True, summary_day=None, session=t.model.session, lang="en")
    t.answer(load, ToolFacts(printer_lines=("paper: ok",)))
    assert t.view == StaffTools(tools=("printer",), printer_lines=("paper: ok",))
    [test_print] = t.send(i.TestPrint())
    assert test_print.purpose == "test" and t.view.message.key == "staff.pin.checking"
    [load] = t.answer(test_print, JobOutcome("printed"))
    t.answer(load, ToolFacts(printer_lines=("paper: ok",)))
    assert t.view.message.key == "staff.tools.test_printed"
    assert t.send(i.PrintSummary()) == ()  # not this staff member's tool


def test_diagnostics_ends_staff_mode_and_opens_the_technician_screen():
    t = Transcript(flow(diagnostics=True))
    logged_in(t)
    assert "diagnostics" in t.view.tools
    logout, closed, opened = t.send(i.Diagnostics())
    assert isinstance(logout, StaffLogout) and closed == CloseMode()
    assert opened == OpenMode("technician", OpenScreen(lang="en"))  # it speaks staff's language
    assert t.view == StaffClosed()


def test_unknown_events_change_nothing():
    t = Transcript(flow())
    t.start()
    model = t.model
    assert t.send(i.PinOk()) == () and t.model is model  # closed: only the gesture is heard
    assert t.send(Answered(RenderPreview(), b"")) == ()


def test_a_login_answered_after_exit_is_logged_out_by_the_host():
    """StaffLogin names its undo: the host logs a late token out instead of leaving it live."""
    from kiosk.flows.staff.effects import StaffLogin, StaffLogout

    late = session()
    assert StaffLogin(pin="1234").undo(late) == StaffLogout(session=late)
    assert StaffLogin(pin="1234").undo(None) is None  # a refused login leaves nothing open
