"""Issuing vouchers through the flow (in-memory API): the form's path to the request,
printing, paper out, reprint, day summary, permissions. The same journeys run against
the real reference server in test_issue_server.py."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from kiosk.cli._staff_parts import staff_mode
from kiosk.cli._technician_parts import TechnicianDeps, technician_mode
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffIssued, StaffIssueForm, StaffMenu, StaffTools
from kiosk.i18n import tr
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.staff.conftest import staff_host
from tests.staff.fakes import PIN


def open_form(env):
    env.login(PIN)
    env.send(si.OpenIssue())
    assert isinstance(env.flow.state, StaffIssueForm)


def words(msg):
    return tr(msg.key, "en", **msg.kwargs())


def test_validation_is_immediate_and_nothing_is_sent_until_valid(memory_env):
    env = memory_env
    open_form(env)
    assert env.flow.state.errors == ()  # a fresh form is not shouting
    env.type("title", "x")
    env.send(sf.Backspace())
    assert env.flow.state.error_for("title").key == "staff.error.title_required"
    env.send(sf.SetCodeMode(mode="given"))
    env.type("code_value", "free coffee")
    err = env.flow.state.error_for("code_value")
    assert err is None  # the space was dropped as typed: FREECOFFEE
    assert env.flow.state.form.code_value == "FREECOFFEE"
    env.send(sf.SetValidity(kind="days"))
    env.send(sf.Generate())
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
    env.send(sf.Generate())
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
    env.send(sf.Search())
    assert [r.display_name for r in env.flow.state.results] == ["Mari"]
    env.send(sf.PickCustomer(card_id="card-1"))
    env.type("title", "Happy birthday")
    env.send(sf.SetCodeMode(mode="none"))
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued) and state.customer_name == "Mari"
    assert state.print_state == "" and state.can_print
    assert env.printer.printed == []
    assert env.api.issued[-1]["card_id"] == "card-1"
    assert env.api.issued[-1]["redeem_code"] is None
    env.send(si.PrintIssued())
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
    env.send(sf.Search())
    assert words(env.flow.state.message) == 'No customer found for "zz".'


def test_each_validity_kind_reaches_the_request(memory_env):
    env = memory_env
    open_form(env)
    env.type("title", "Gift")
    expected = []
    for kind, n in (("unlimited", ""), ("days", "14"), ("months", "3"), ("fixed_date", "")):
        env.send(sf.SetValidity(kind=kind))
        if n:
            env.type("validity_n", n)
        if kind == "fixed_date":
            env.send(sf.DateStep(unit="day", delta=-5))  # cannot go before today
            env.send(sf.DateStep(unit="month", delta=1))
        env.send(sf.Generate())
        assert isinstance(env.flow.state, StaffIssued), env.flow.state
        env.send(si.NewVoucher())
        env.type("title", "Gift")
        env.send(sf.SetValidity(kind=kind))
        env.send(sf.Focus(field="validity_n"))
        expected.append(kind)
    got = [v["validity"] for v in env.api.issued]
    assert got == ["unlimited", "days:14", "months:3", "fixed_date:2026-12-29"]


def test_paper_out_keeps_the_job_and_retry_and_reprint_work(memory_env):
    env = memory_env
    env.printer.paper_out = True
    open_form(env)
    env.type("title", "Event invite")
    env.send(sf.Generate())
    state = env.flow.state
    assert state.print_state == "failed" and state.can_retry
    assert words(state.message).startswith("Printing failed (paper out). The coupon is kept")
    assert len(env.printer.jobs) == 1 and env.printer.printed == []
    env.send(si.RetryPrint())  # still out of paper: still kept, nothing printed
    assert env.flow.state.print_state == "failed" and env.printer.printed == []
    env.printer.paper_out = False
    env.send(si.RetryPrint())
    assert env.flow.state.print_state == "printed"
    assert len(env.printer.printed) == 1 and not env.printer.printed[0].reprint
    assert env.log.summary(date(2026, 11, 29)).coupons_printed == 1
    env.send(si.RetryPrint())  # nothing to retry: no second copy without asking
    assert len(env.printer.printed) == 1
    env.send(si.Back())
    env.send(si.OpenTools())
    assert env.flow.state.has_last_coupon
    env.send(si.ReprintLast())
    assert env.printer.printed[-1].reprint is True
    assert env.printer.printed[-1].title == "Event invite"
    assert words(env.flow.state.message) == "The last coupon was printed again, marked REPRINT."


def test_tools_day_summary_status_and_test_print(memory_env):
    env = memory_env
    now = env.clock.now()
    for kind in ("stamp", "stamp", "stamp", "redemption"):
        env.log.record(kind, now)
    env.login(PIN)
    env.send(si.OpenTools())
    state = env.flow.state
    assert isinstance(state, StaffTools)
    assert (state.summary.stamps, state.summary.redemptions) == (3, 1)
    assert "paper: ok" in state.printer_lines
    env.send(si.TestPrint())
    assert env.printer.printed[-1].title == "TEST PRINT"
    env.send(si.PrintSummary())
    paper = env.printer.printed[-1]
    assert paper.title == "Day summary 2026-11-29"
    assert "Stamps: 3" in paper.description and "Redemptions: 1" in paper.description


def test_permissions_decide_which_tools_show_and_work(memory_env):
    env = memory_env
    env.api.permissions = ("reprint_coupons",)
    env.login(PIN)
    assert env.flow.state.tools == ("reprint",)
    env.send(si.OpenIssue())  # forged touch: not allowed, stays on the menu
    assert isinstance(env.flow.state, StaffMenu)
    env.send(si.OpenTools())
    env.send(si.TestPrint())
    assert env.printer.printed == []


def test_diagnostics_shows_only_when_the_technician_screen_exists(memory_env, tmp_path):
    env = memory_env
    tech = technician_mode("0" * 64, TechnicianDeps(run_doctor=lambda: SimpleNamespace(checks=())))
    staff = staff_mode(env.api, env.printer, env.settings, env.log, diagnostics=True)
    flow = staff_host(env.settings, staff, env.clock, tech)
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    assert "diagnostics" in flow.state.tools
    flow.send(si.Diagnostics())
    assert flow.host.modes == ("customer", "technician") and not flow.active


def test_image_is_chosen_from_the_shops_images_or_none(memory_env):
    env = memory_env
    staff = staff_mode(env.api, env.printer, env.settings, env.log, images=("cake.png", "gift.png"))
    flow = staff_host(env.settings, staff, env.clock)
    flow.begin_unlock()
    for d in PIN:
        flow.send(si.PinDigit(digit=d))
    flow.send(si.PinOk())
    flow.send(si.OpenIssue())
    seen = []
    for _ in range(3):
        flow.send(sf.NextImage())
        seen.append(flow.state.form.image)
    assert seen == ["cake.png", "gift.png", None]
    flow.send(sf.NextImage())
    flow.send(sf.Focus(field="title"))
    flow.send(sf.Key(char="T"))
    flow.send(sf.Generate())
    assert env.api.issued[-1]["image"] == "cake.png"
