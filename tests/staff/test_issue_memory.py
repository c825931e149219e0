"""Issuing vouchers through the flow (in-memory API): the form's path to the request,
printing, paper out, reprint, day summary, permissions. The same journeys run against
the real reference server in test_issue_server.py."""

from __future__ import annotations

from datetime import date

from kiosk.cli._staff_parts import build_staff
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.flows.staff_states import StaffIssued, StaffIssueForm, StaffMenu, StaffTools
from kiosk.i18n import tr
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.fakes import PIN


def open_form(env):
    env.login(PIN)
    env.touch("open_issue")
    assert isinstance(env.flow.state, StaffIssueForm)


def words(msg):
    return tr(msg.key, "en", **msg.kwargs())


def test_validation_is_immediate_and_nothing_is_sent_until_valid(memory_env):
    env = memory_env
    open_form(env)
    assert env.flow.state.errors == ()  # a fresh form is not shouting
    env.type("title", "x")
    env.touch("backspace")
    assert env.flow.state.error_for("title").key == "staff.error.title_required"
    env.touch("set_code_mode", mode="given")
    env.type("code_value", "free coffee")
    err = env.flow.state.error_for("code_value")
    assert err is None  # the space was dropped as typed: FREECOFFEE
    assert env.flow.state.form.code_value == "FREECOFFEE"
    env.touch("set_validity", kind="days")
    env.touch("generate")
    state = env.flow.state
    assert isinstance(state, StaffIssueForm)
    assert words(state.message) == "Please fix the 2 marked field(s) first."
    assert {k for k, _ in state.errors} == {"title", "validity"}
    assert env.api.issued == []


def test_free_voucher_is_printed_as_a_coupon_with_preview(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "Sorry it was cold")
    env.type("description", "One coffee on us")
    env.touch("generate")
    state = env.flow.state
    assert isinstance(state, StaffIssued)
    assert state.customer_name == "" and state.redeem_code == "GEN-7Q2K9"
    assert state.print_state == "printed"
    assert state.preview_png.startswith(b"\x89PNG")
    coupon = env.printer.printed[-1]
    assert coupon.title == "Sorry it was cold" and coupon.redeem_code == "GEN-7Q2K9"
    assert coupon.shop_name == "Kohvik" and not coupon.reprint
    assert env.api.issued[-1]["card_id"] is None
    s = env.log.summary(date(2026, 11, 29))
    assert (s.vouchers_issued, s.coupons_printed) == (1, 1)


def test_customer_by_search_goes_to_wallet_and_prints_only_on_request(memory_env):
    env = memory_env
    open_form(env)
    env.type("search", "mar")
    env.touch("search")
    assert [r.display_name for r in env.flow.state.results] == ["Mari"]
    env.touch("pick_customer", card_id="card-1")
    env.type("title", "Happy birthday")
    env.touch("set_code_mode", mode="none")
    env.touch("generate")
    state = env.flow.state
    assert isinstance(state, StaffIssued) and state.customer_name == "Mari"
    assert state.print_state == "" and state.can_print
    assert env.printer.printed == []
    assert env.api.issued[-1]["card_id"] == "card-1"
    assert env.api.issued[-1]["redeem_code"] is None
    env.touch("print")
    assert env.flow.state.print_state == "printed"
    assert len(env.printer.printed) == 1


def test_customer_by_scanning_their_wallet_card(memory_env):
    env = memory_env
    open_form(env)
    assert env.flow.on_scan(ClassifiedScan(ScanKind.CARD, "tok-mari-0000000001"))
    assert env.flow.state.form.customer.display_name == "Mari"
    env.flow.on_scan(ClassifiedScan(ScanKind.CARD, "tok-nobody-000000000"))
    assert words(env.flow.state.message) == "This customer card was not found."
    assert env.flow.state.form.customer.display_name == "Mari"  # nothing lost
    env.flow.on_scan(ClassifiedScan(ScanKind.VOUCHER, "GIFT100"))  # a POS code scanned
    assert env.flow.state.form.code_mode == "given"
    assert env.flow.state.form.code_value == "GIFT100"


def test_no_search_results_said_in_words(memory_env):
    env = memory_env
    open_form(env)
    env.type("search", "zz")
    env.touch("search")
    assert words(env.flow.state.message) == 'No customer found for "zz".'


def test_each_validity_kind_reaches_the_request(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "Gift")
    expected = []
    for kind, n in (("unlimited", ""), ("days", "14"), ("months", "3"), ("fixed_date", "")):
        env.touch("set_validity", kind=kind)
        if n:
            env.type("validity_n", n)
        if kind == "fixed_date":
            env.touch("date_step", unit="day", delta=-5)  # cannot go before today
            env.touch("date_step", unit="month", delta=1)
        env.touch("generate")
        assert isinstance(env.flow.state, StaffIssued), env.flow.state
        env.touch("new_voucher")
        env.type("title", "Gift")
        env.touch("set_validity", kind=kind)
        env.touch("focus", field="validity_n")
        expected.append(kind)
    got = [v["validity"] for v in env.api.issued]
    assert got == ["unlimited", "days:14", "months:3", "fixed_date:2026-12-29"]


def test_paper_out_keeps_the_job_and_retry_and_reprint_work(memory_env):
    env = memory_env
    env.printer.paper_out = True
    open_form(env)
    env.type("title", "Event invite")
    env.touch("generate")
    state = env.flow.state
    assert state.print_state == "failed" and state.can_retry
    assert words(state.message).startswith("Printing failed (paper out). The coupon is kept")
    assert len(env.printer.jobs) == 1 and env.printer.printed == []
    env.touch("retry_print")  # still out of paper: still kept, nothing printed
    assert env.flow.state.print_state == "failed" and env.printer.printed == []
    env.printer.paper_out = False
    env.touch("retry_print")
    assert env.flow.state.print_state == "printed"
    assert len(env.printer.printed) == 1 and not env.printer.printed[0].reprint
    assert env.log.summary(date(2026, 11, 29)).coupons_printed == 1
    env.touch("retry_print")  # nothing to retry: no second copy without asking
    assert len(env.printer.printed) == 1
    env.touch("back")
    env.touch("open_tools")
    assert env.flow.state.has_last_coupon
    env.touch("reprint_last")
    assert env.printer.printed[-1].reprint is True
    assert env.printer.printed[-1].title == "Event invite"
    assert words(env.flow.state.message) == "The last coupon was printed again, marked REPRINT."


def test_tools_day_summary_status_and_test_print(memory_env):
    env = memory_env
    now = env.clock.now()
    for kind in ("stamp", "stamp", "stamp", "redemption"):
        env.log.record(kind, now)
    env.login(PIN)
    env.touch("open_tools")
    state = env.flow.state
    assert isinstance(state, StaffTools)
    assert (state.summary.stamps, state.summary.redemptions) == (3, 1)
    assert "paper: ok" in state.printer_lines
    env.touch("test_print")
    assert env.printer.printed[-1].title == "TEST PRINT"
    env.touch("print_summary")
    paper = env.printer.printed[-1]
    assert paper.title == "Day summary 2026-11-29"
    assert "Stamps: 3" in paper.description and "Redemptions: 1" in paper.description


def test_permissions_decide_which_tools_show_and_work(memory_env):
    env = memory_env
    env.api.permissions = ("reprint_coupons",)
    env.login(PIN)
    assert env.flow.state.tools == ("reprint",)
    env.touch("open_issue")  # forged touch: not allowed, stays on the menu
    assert isinstance(env.flow.state, StaffMenu)
    env.touch("open_tools")
    env.touch("test_print")
    assert env.printer.printed == []


def test_diagnostics_shows_only_when_the_technician_screen_exists(memory_env, tmp_path):
    opened = []
    env = memory_env
    flow = build_staff(
        env.api,
        env.printer,
        env.settings,
        env.clock,
        env.log,
        open_diagnostics=lambda: opened.append(1),
        executor=InlineExecutor(),
    )
    flow.begin_unlock()
    for d in PIN:
        flow.touch("pin_digit", digit=d)
    flow.touch("pin_ok")
    assert "diagnostics" in flow.state.tools
    flow.touch("diagnostics")
    assert opened == [1] and not flow.active


def test_image_is_chosen_from_the_shops_images_or_none(memory_env):
    env = memory_env
    flow = build_staff(
        env.api,
        env.printer,
        env.settings,
        env.clock,
        env.log,
        images=("cake.png", "gift.png"),
        executor=InlineExecutor(),
    )
    flow.begin_unlock()
    for d in PIN:
        flow.touch("pin_digit", digit=d)
    flow.touch("pin_ok")
    flow.touch("open_issue")
    seen = []
    for _ in range(3):
        flow.touch("next_image")
        seen.append(flow.state.form.image)
    assert seen == ["cake.png", "gift.png", None]
    flow.touch("next_image")
    flow.touch("focus", field="title")
    flow.touch("key", char="T")
    flow.touch("generate")
    assert env.api.issued[-1]["image"] == "cake.png"
