"""Staff mode against the real reference server (HTTP on 127.0.0.1) and a TCP printer
emulator whose ESC/POS bytes are decoded: unlock, lockout, issuing, errors, paper out."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from kiosk.api import errors
from kiosk.flows.runtime import Wake
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import (
    StaffClosed,
    StaffIssued,
    StaffIssueForm,
    StaffLocked,
    StaffMenu,
    StaffPin,
)
from kiosk.i18n import tr
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.printer.escpos_decoder import decode, qr_payloads, text_lines
from tests.staff.conftest import add_staff, build_server_env


def words(msg) -> str:
    return tr(msg.key, "en", **msg.kwargs())


def open_form(env) -> None:
    env.login(env.staff_pin)
    assert isinstance(env.flow.state, StaffMenu), env.flow.state
    env.send(si.OpenIssue())
    assert isinstance(env.flow.state, StaffIssueForm)


def printed_texts(tcp) -> list[str]:
    return [" ".join(text_lines(decode(job))) for job in tcp.jobs()]


def test_pin_login_gets_permissions_from_the_server(server_env):
    env = server_env
    env.login(env.staff_pin)
    assert isinstance(env.flow.state, StaffMenu)
    assert env.flow.state.staff_name == "Anna"
    assert env.flow.state.tools == (
        "issue_voucher",
        "reprint",
        "printer",
        "day_summary",
        "check_voucher",  # the barista tools (issue 15)
        "add_stamps",
    )


def test_limited_staff_sees_only_their_tools(shared_refserver, tmp_path, tcp_printer):
    env = build_server_env(shared_refserver, tmp_path, tcp_printer, permissions=("printer",))
    env.login(env.staff_pin)
    assert env.flow.state.tools == ("printer",)
    env.send(si.OpenIssue())  # a forged touch cannot open the form
    assert isinstance(env.flow.state, StaffMenu)


def test_badge_scan_logs_in(server_env):
    env = server_env
    assert env.flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, env.badge))
    assert isinstance(env.flow.state, StaffMenu)


def test_brute_force_is_locked_here_and_on_the_server(refserver, tmp_path, tcp_printer):
    """A server of its own: its clock moves past the server's slow-down between tries."""
    env = build_server_env(refserver, tmp_path, tcp_printer)
    flow = env.flow
    flow.begin_unlock()
    for i in range(5):
        env.pin("111111")
        env.clock.advance(1.5)
        refserver.advance_clock(10)  # the server makes a kiosk wait 2, 4, 8 s after failures
        if i < 4:
            assert words(flow.state.message).startswith("Wrong PIN.")
    assert isinstance(flow.state, StaffLocked)
    # our own lock ends, but the server still refuses: its retry_after drives the countdown
    env.clock.advance(300)
    flow.send(Wake())
    flow.tick()
    assert isinstance(flow.state, StaffPin)
    env.pin(env.staff_pin)
    assert isinstance(flow.state, StaffLocked)
    assert 200 < flow.state.seconds_left <= 300


def test_free_voucher_is_issued_and_printed_as_a_coupon(server_env):
    env = server_env
    open_form(env)
    env.type("title", "Sorry it was cold")
    env.type("description", "One hot drink on us")
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued), state
    assert state.print_state == "printed", state
    assert state.preview_png.startswith(b"\x89PNG")
    code = state.redeem_code
    assert code
    voucher = env.api.voucher_by_code(code)  # the server knows it
    assert voucher.card_id is None and voucher.title == "Sorry it was cold"
    [job] = env.tcp.jobs()
    cmds = decode(job)
    assert qr_payloads(cmds) == [code.encode()]
    assert "Sorry it was cold" in " ".join(text_lines(cmds))


def test_customer_found_by_email_gets_it_in_the_wallet_and_nothing_prints(server_env):
    env = server_env
    open_form(env)
    env.type("search", env.card["email"])
    env.send(sf.Search())
    [row] = env.flow.state.results
    assert row.display_name == "Mari" and "@" in row.contact_hint
    assert "mari.tamm" not in row.contact_hint  # masked by the server
    env.send(sf.PickCustomer(card_id=row.id))
    env.type("title", "Happy birthday")
    env.send(sf.SetCodeMode(mode="none"))
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued) and state.customer_name == "Mari"
    assert env.tcp.jobs() == []
    card = env.server.admin("GET", f"/admin/cards/{env.card['id']}")
    assert [v["title"] for v in card["vouchers"]] == ["Happy birthday"]


def test_customer_by_scanning_the_wallet_card(server_env):
    env = server_env
    open_form(env)
    env.flow.on_scan(ClassifiedScan(ScanKind.CARD, env.card["token"]))
    assert env.flow.state.form.customer.card_id == env.card["id"]
    env.type("title", "Partner gift")
    env.send(sf.TogglePrint())
    env.send(sf.Generate())
    assert env.flow.state.print_state == "printed"
    assert len(env.tcp.jobs()) == 1


@pytest.mark.parametrize(
    ("kind", "n", "steps", "expect_days"),
    [
        ("unlimited", "", (), None),
        ("days", "10", (), 10),
        ("months", "2", (), None),
        ("fixed_date", "", (("day", 20),), 20),
    ],
)
def test_each_validity_kind_reaches_the_server(server_env, kind, n, steps, expect_days):
    env = server_env
    open_form(env)
    env.type("title", f"Valid {kind}")
    env.send(sf.SetValidity(kind=kind))
    if n:
        env.type("validity_n", n)
    for unit, delta in steps:
        env.send(sf.DateStep(unit=unit, delta=delta))
    env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssued), state
    voucher = env.api.voucher_by_code(state.redeem_code)
    today = env.clock.now().date()
    if kind == "unlimited":
        assert voucher.valid_until is None and state.valid_until == ""
    elif kind == "months":
        assert voucher.valid_until is not None
        assert 55 <= (voucher.valid_until.date() - today).days <= 63
    else:
        assert voucher.valid_until is not None
        assert abs((voucher.valid_until.date() - today).days - expect_days) <= 1
        assert state.valid_until == voucher.valid_until.date().isoformat()


def test_given_pos_code_and_the_server_refusing_a_taken_code(server_env):
    env = server_env
    code = f"FREECOFFEE-{env.staff_pin}"
    for attempt in range(2):
        if attempt:
            env.send(si.NewVoucher())
        else:
            open_form(env)
        env.type("title", "Coffee")
        env.send(sf.SetCodeMode(mode="given"))
        env.type("code_value", code.lower())
        env.send(sf.SetSymbology(value="code128"))
        env.send(sf.Generate())
    state = env.flow.state
    assert isinstance(state, StaffIssueForm)
    assert words(state.message) == (
        "This redeem code is already used by another voucher. Choose another code."
    )
    assert state.form.title == "Coffee"  # nothing typed is lost
    assert env.api.voucher_by_code(code).redeem_code.symbology == "code128"


def test_unknown_card_scanned_is_said_in_words_and_nothing_is_lost(server_env):
    env = server_env
    open_form(env)
    env.type("title", "Gift")
    env.flow.on_scan(ClassifiedScan(ScanKind.CARD, "no-such-card-token-123456"))
    state = env.flow.state
    assert words(state.message) == "This customer card was not found."
    assert state.form.title == "Gift" and state.form.customer is None


def test_area_action_permission_names(shared_refserver, tmp_path, tcp_printer):
    env = build_server_env(
        shared_refserver,
        tmp_path,
        tcp_printer,
        permissions=("vouchers:issue", "coupons:reprint", "printer:manage", "reports:day"),
    )
    open_form(env)  # vouchers:issue also lets the form search customers
    assert env.flow.model.session is not None
    env.type("search", env.card["email"])
    env.send(sf.Search())
    assert [r.id for r in env.flow.state.results] == [env.card["id"]]
    env.send(si.Back())
    assert env.flow.state.tools == ("issue_voucher", "reprint", "printer", "day_summary")


def test_lost_answer_keeps_the_form_and_the_retry_issues_exactly_once(
    shared_refserver, tmp_path, tcp_printer
):
    """The server issues the voucher but the answer is lost: staff see "try again", and the
    retry (same idempotency key) returns that voucher; no second voucher exists."""
    from tests.support.faultproxy import FaultProxy

    proxy = FaultProxy(upstream_port=shared_refserver.port).start()
    try:
        env = build_server_env(shared_refserver, tmp_path, tcp_printer, api_url=proxy.url)
        open_form(env)
        env.flow.on_scan(ClassifiedScan(ScanKind.CARD, env.card["token"]))
        env.type("title", "Opening party")
        proxy.set("drop_answer", only="POST /api/v1/vouchers")
        env.send(sf.Generate())
        state = env.flow.state
        assert isinstance(state, StaffIssueForm)
        assert words(state.message).startswith("Cannot reach the loyalty server. Nothing was lost")
        assert state.form.title == "Opening party"
        proxy.set("pass")
        env.send(sf.Generate())
        assert isinstance(env.flow.state, StaffIssued)
    finally:
        proxy.stop()
    card = shared_refserver.admin("GET", f"/admin/cards/{env.card['id']}")
    assert [v["title"] for v in card["vouchers"]] == ["Opening party"]


def test_paper_runs_out_during_the_coupon_job_kept_retry_and_reprint(server_env):
    env = server_env
    env.tcp.state.paper_out_after = 120
    open_form(env)
    env.type("title", "Tasting invite")
    env.send(sf.Generate())
    state = env.flow.state
    assert state.print_state == "failed" and state.can_retry
    assert "paper out" in state.print_reason
    jobs = env.printer.jobs()
    assert [j.state for j in jobs] == ["failed"]  # the job is kept for staff
    env.tcp.state.paper_out = False
    env.tcp.state.paper_out_after = None
    env.send(si.RetryPrint())
    assert env.flow.state.print_state == "printed"
    env.send(si.Back())
    env.send(si.OpenTools())
    env.send(si.ReprintLast())
    assert words(env.flow.state.message) == "The last coupon was printed again, marked REPRINT."
    texts = printed_texts(env.tcp)
    assert "REPRINT" in texts[-1] and "Tasting invite" in texts[-1]
    assert sum("REPRINT" in t for t in texts) == 1


def test_tools_status_test_print_and_day_summary_on_paper(server_env):
    env = server_env
    env.log.record("stamp", env.clock.now())
    env.log.record("stamp", env.clock.now())
    env.log.record("redemption", env.clock.now())
    env.login(env.staff_pin)
    env.send(si.OpenTools())
    state = env.flow.state
    assert (state.summary.stamps, state.summary.redemptions) == (2, 1)
    assert "online: True" in state.printer_lines
    env.send(si.TestPrint())
    assert words(env.flow.state.message) == "Test page printed."
    env.send(si.PrintSummary())
    text = printed_texts(env.tcp)[-1]
    assert "Stamps: 2" in text and "Redemptions: 1" in text


def test_exit_kills_the_token_on_the_server_too(server_env):
    env = server_env
    env.login(env.staff_pin)
    session = env.flow.model.session
    env.api.search_cards("Mari", staff=session)  # works while the session lives
    env.send(si.Exit())
    assert (
        env.flow.model.view == StaffClosed()
        and not env.flow.active
        and env.flow.model.session is None
    )
    with pytest.raises(errors.Unauthorized):
        env.api.search_cards("Mari", staff=session)


def test_server_session_expiry_ends_staff_mode(server_env):
    env = server_env
    env.login(env.staff_pin)
    deadline = env.flow.model.deadline
    assert deadline is not None
    for _ in range(20):  # keep touching: inactivity is not what ends it
        env.clock.advance(50)
        env.flow.send(Wake())
        env.flow.tick()
        if not env.flow.active:
            break
    assert not env.flow.active
    assert env.clock.monotonic() >= deadline
    assert env.clock.now() <= env.clock.now() + timedelta(seconds=1)


def test_no_secret_in_logs_or_the_state_directory(server_env, caplog):
    caplog.set_level(logging.DEBUG)
    env = server_env
    env.flow.begin_unlock()
    env.pin("999999")
    env.clock.advance(2)
    env.pin(env.staff_pin)
    token = env.flow.model.session.token
    env.send(si.OpenIssue())
    env.type("title", "Gift")
    env.send(sf.Generate())
    env.send(si.Exit())
    env.clock.advance(2)
    env.flow.on_scan(ClassifiedScan(ScanKind.STAFF_BADGE, env.badge))
    env.send(si.Exit())
    logged = caplog.text + "".join(repr(r.args) for r in caplog.records)
    assert "staff session started" in logged
    secrets = [env.staff_pin, "999999", env.badge, env.badge.split(":")[-1], token]
    for secret in secrets:
        assert secret not in logged
    files = [p for p in env.state_dir.rglob("*") if p.is_file()]
    assert any(p.name == "daylog.sqlite" for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, (path, secret)


def test_two_staff_members_do_not_share_a_session(server_env):
    env = server_env
    other_pin, _ = add_staff(env.server, ["printer"], name="Ben", shop_id=env.shop_id)
    env.login(env.staff_pin)
    env.send(si.Exit())
    env.clock.advance(2)
    env.login(other_pin)
    assert env.flow.state.staff_name == "Ben" and env.flow.state.tools == ("printer",)


def test_black_hole_printer_is_shown_as_not_confirmed_and_may_be_retried(
    shared_refserver, tmp_path
):
    from tests.printer.emulator import BlackHolePrinter

    hole = BlackHolePrinter()
    try:
        env = build_server_env(shared_refserver, tmp_path, hole)
        env.printer.timeout_s = 0.3
        open_form(env)
        env.type("title", "Quiet printer")
        env.send(sf.Generate())
        state = env.flow.state
        assert state.print_state == "unconfirmed" and state.can_retry
        assert words(state.message).startswith("The coupon was sent, but the printer never")
        assert env.log.summary(env.clock.now().astimezone().date()).coupons_printed == 0
        assert len(hole.connections) == 1  # nothing resent by itself
        env.send(si.RetryPrint())  # the barista asked
        assert len(hole.connections) == 2
        assert env.flow.state.print_state == "unconfirmed"
    finally:
        hole.close()
