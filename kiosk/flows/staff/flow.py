"""Staff mode as a pure flow: unlock (PIN or badge), the menu, the issue-voucher form (its
own sub-flow, issue_form.py), printing what was issued, and the counter tools.

Why pure: every network and printer call is an effect carried out by the host (off the UI
thread); while one runs the model is `busy` and touches wait (Exit still works), and an
answer that arrives after staff mode ended is dropped by the host (the epoch moved on).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.api import errors
from kiosk.api.models import StaffSession, Voucher
from kiosk.config import LANGUAGES
from kiosk.flows.base import ViewState
from kiosk.flows.runtime import Answered, Effect, Event, Intent, Now, Scanned, Step, Ticked
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.effects import (
    CardByToken,
    FetchShop,
    IssueVoucher,
    LoadTools,
    OpenDiagnostics,
    PreloadPinyin,
    PrintCoupon,
    PrintSummary,
    RecordDay,
    RenderPreview,
    Reprint,
    RetryJob,
    SearchCards,
    ShopFacts,
    StaffLogin,
    StaffLogout,
    SummaryPrinted,
)
from kiosk.flows.staff.form_intents import FormIntent
from kiosk.flows.staff.issue_form import (
    FormContext,
    FormStep,
    Issued,
    Leave,
    SessionEnded,
    open_form,
    step_form,
)
from kiosk.flows.staff.model import PIN_MAX, PIN_MIN, StaffConfig, StaffModel
from kiosk.flows.staff.printing import (
    CouponFacts,
    JobOutcome,
    ToolFacts,
    coupon_for,
    issued_state,
    local_day,
    test_coupon,
    tool_message,
    with_job,
)
from kiosk.flows.staff.tools import ALL_PERMISSIONS, TOOL_PERMISSIONS
from kiosk.flows.staff_states import (
    Message,
    StaffClosed,
    StaffIssued,
    StaffIssueForm,
    StaffLocked,
    StaffMenu,
    StaffPin,
    StaffTools,
    StaffView,
)
from kiosk.flows.voucher_form import VoucherForm
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)


class StaffFlow:
    """The staff flow: `step(model, event, now)`; its constants come from `StaffConfig`."""

    name = "staff"

    def __init__(self, config: StaffConfig) -> None:
        self.config = config

    # -- the Flow protocol ---------------------------------------------------------------

    def start(self, reason: Event | None, now: Now) -> Step[StaffModel]:
        return Step(StaffModel(lang=self.config.default_lang, last_activity=now.mono))

    def view(self, model: StaffModel) -> ViewState:
        """Every staff page speaks the language the customer screen had when staff came."""
        view = model.view
        return view if view.lang == model.lang else replace(view, lang=model.lang)

    def epoch(self, model: StaffModel) -> int:
        return model.epoch

    def step(self, model: StaffModel, event: Event, now: Now) -> Step[StaffModel]:
        match event:
            case Answered():
                return _busy_after(self._answered(replace(model, busy=False), event, now))
            case Ticked():
                return self._tick(model, now)
            case Scanned(scan=scan):
                return _busy_after(self._scan(model, scan, now), keep=model.busy)
            case i.OpenStaff() if not model.active:
                return self._open(model, event.lang, now)
            case Intent() if model.active:
                return _busy_after(self._intent(model, event, now), keep=model.busy)
            case _:
                return Step(model)

    # -- opening, closing, the clock -------------------------------------------------------

    def _open(self, model: StaffModel, lang: str, now: Now) -> Step[StaffModel]:
        """The hidden gesture: the PIN pad, or the lockout countdown."""
        lang = lang if lang in LANGUAGES else self.config.default_lang
        model = replace(model, lang=lang, pin=(), last_activity=now.mono)
        locked = model.gate.seconds_locked(now.mono)
        view: StaffView = StaffLocked(seconds_left=locked) if locked else StaffPin()
        return Step(replace(model, view=view))

    def close(self, model: StaffModel) -> Step[StaffModel]:
        """End staff mode: forget the token, the PIN, the form; the customer screen returns.

        The server is told too (best effort), so the token dies there and not only here."""
        effects: tuple[Effect, ...] = ()
        if model.session is not None:
            effects = (StaffLogout(session=model.session),)
        closed = replace(
            model,
            view=StaffClosed(),
            epoch=model.epoch + 1,
            busy=False,
            pin=(),
            session=None,
            deadline=None,
            form=None,
            print_after_preview=False,
            pending=None,
            tools_message=None,
        )
        return Step(closed, effects)

    def _tick(self, model: StaffModel, now: Now) -> Step[StaffModel]:
        """Inactivity timeout, session expiry, lockout countdown."""
        if not model.active or model.busy:
            return Step(model)
        idle = now.mono - model.last_activity
        if idle >= self.config.session_timeout_s:
            log.info("staff mode closed after %.0f s without a touch", idle)
            return self.close(model)
        if model.deadline is not None and now.mono >= model.deadline:
            log.info("staff session expired")
            return self.close(model)
        if isinstance(model.view, StaffLocked):
            left = model.gate.seconds_locked(now.mono)
            if left == 0:
                return Step(
                    replace(model, view=StaffPin(message=Message.of("staff.pin.try_again")))
                )
            if left != model.view.seconds_left:
                return Step(replace(model, view=StaffLocked(seconds_left=left)))
        return Step(model)

    # -- scans ---------------------------------------------------------------------------

    def _scan(self, model: StaffModel, scan: ClassifiedScan, now: Now) -> Step[StaffModel]:
        if model.busy and model.active:
            return Step(model)  # one call at a time; the scan is not the customer's either
        if scan.kind == ScanKind.STAFF_BADGE and model.session is None:
            if not model.active:
                model = self._open(model, model.lang, now).model
            return self._login(replace(model, last_activity=now.mono), now, badge=scan.value)
        if not model.active:
            return Step(model)
        model = replace(model, last_activity=now.mono)
        if model.form is not None and isinstance(model.view, StaffIssueForm):
            return self._form(model, Scanned(scan, now.wall), now)
        return Step(model)

    # -- intents -------------------------------------------------------------------------

    def _intent(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        model = replace(model, last_activity=now.mono)
        if isinstance(intent, i.Exit):
            return self.close(model)
        if model.busy or isinstance(intent, i.Wake):
            return Step(model)  # busy: the answer of the running call decides the next page
        match model.view:
            case StaffPin():
                return self._pin_page(model, intent, now)
            case StaffLocked():
                return self.close(model) if isinstance(intent, i.Cancel) else Step(model)
            case StaffMenu():
                return self._menu_page(model, intent, now)
            case StaffIssueForm():
                return self._form_page(model, intent, now)
            case StaffIssued():
                return self._issued_page(model, model.view, intent, now)
            case StaffTools():
                return self._tools_page(model, intent, now)
            case _:
                return Step(model)

    # -- PIN pad and login -----------------------------------------------------------------

    def _pin_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        pin = model.pin
        match intent:
            case i.PinDigit(digit=d):
                if len(d) == 1 and d.isdigit() and len(pin) < PIN_MAX:
                    pin = (*pin, d)
                return Step(replace(model, pin=pin, view=StaffPin(pin_length=len(pin))))
            case i.PinBack():
                pin = pin[:-1]
                return Step(replace(model, pin=pin, view=StaffPin(pin_length=len(pin))))
            case i.PinClear():
                return Step(replace(model, pin=(), view=StaffPin()))
            case i.PinOk() if len(pin) < PIN_MIN:
                msg = Message.of("staff.pin.too_short", error=True, min=PIN_MIN)
                return Step(replace(model, view=StaffPin(pin_length=len(pin), message=msg)))
            case i.PinOk():
                return self._login(replace(model, pin=()), now, pin="".join(pin))
            case i.Cancel():
                return self.close(model)
            case _:
                return Step(model)

    def _login(
        self, model: StaffModel, now: Now, *, pin: str | None = None, badge: str | None = None
    ) -> Step[StaffModel]:
        rules = self.config.gate
        locked = model.gate.seconds_locked(now.mono)
        if locked:
            return Step(replace(model, view=StaffLocked(seconds_left=locked)))
        if model.gate.gap_left(rules, now.mono) > 0:
            msg = Message.of("staff.pin.wait", error=True)
            return Step(replace(model, view=StaffPin(message=msg)))
        model = replace(
            model,
            gate=model.gate.attempt(now.mono),
            view=StaffPin(busy=True),
            by_badge=badge is not None,
        )
        return Step(model, (StaffLogin(pin=pin, badge=badge),))

    def _login_answered(self, model: StaffModel, answer: Answered, now: Now) -> Step[StaffModel]:
        exc, session = answer.error, answer.result
        if exc is None and isinstance(session, StaffSession):
            return self._logged_in(model, session, now)
        match exc:
            case errors.StaffLockedOut(retry_after=seconds):
                log.warning("staff login locked out by the server for %s s", seconds)
                gate = model.gate.lock_for(max(seconds, 1), now.mono)
                view = StaffLocked(seconds_left=gate.seconds_locked(now.mono))
                return Step(replace(model, gate=gate, view=view))
            case (
                errors.Unauthorized()
                | errors.Forbidden()
                | errors.InvalidRequest()
                | errors.NotFound()
            ):
                return self._login_failed(model, exc.problem.get("attempts_left"), now)
            case errors.Offline():
                msg = Message.of("staff.pin.offline", error=True)
            case errors.ApiError():
                log.warning("staff login failed: %s", exc.code)
                msg = Message.of("staff.pin.server_error", error=True)
            case _:  # a bug below must not leave the pad busy
                log.warning("staff login failed: %s", type(exc).__name__)
                msg = Message.of("staff.pin.server_error", error=True)
        return Step(replace(model, view=StaffPin(message=msg)))

    def _logged_in(self, model: StaffModel, session: StaffSession, now: Now) -> Step[StaffModel]:
        log.info("staff session started (staff %s)", session.staff_id)
        model = replace(
            model,
            gate=model.gate.succeeded(),
            session=session,
            deadline=_session_deadline(session, now),
        )
        if model.shop.name and model.shop.images or self.config.shop_name and self.config.images:
            return Step(self._menu(model))
        return Step(model, (FetchShop(),))  # the menu shows when the shop's facts are in

    def _login_failed(self, model: StaffModel, server_left: object, now: Now) -> Step[StaffModel]:
        rules = self.config.gate
        gate = model.gate.failed(rules, now.mono)
        if server_left == 0:  # the server has locked this kiosk: so do we
            gate = gate.lock_for(rules.lockout_s, now.mono)
        log.warning("staff login refused (%s)", "badge" if model.by_badge else "PIN")
        model = replace(model, gate=gate)
        if gate.seconds_locked(now.mono):
            return Step(
                replace(model, view=StaffLocked(seconds_left=gate.seconds_locked(now.mono)))
            )
        key = "staff.pin.badge_wrong" if model.by_badge else "staff.pin.wrong"
        left = gate.tries_left(rules)
        if isinstance(server_left, int) and 0 < server_left < left:
            left = server_left
        return Step(replace(model, view=StaffPin(message=Message.of(key, error=True, left=left))))

    def _shop_answered(self, model: StaffModel, answer: Answered) -> Step[StaffModel]:
        facts = answer.result
        if answer.error is not None or not isinstance(facts, ShopFacts):
            log.info("shop name not fetched: %s", type(answer.error).__name__)
        else:
            name = model.shop.name or self.config.shop_name or facts.name
            model = replace(model, shop=ShopFacts(name=name, images=facts.images))
        return Step(self._menu(model) if model.session is not None else model)

    # -- menu ----------------------------------------------------------------------------

    def tools(self, model: StaffModel) -> tuple[str, ...]:
        """The tools this session's permissions show (a forged touch cannot open others)."""
        if model.session is None:
            return ()
        perms = set(model.session.permissions)
        shown = [
            tool
            for tool, names in TOOL_PERMISSIONS.items()
            if ALL_PERMISSIONS in perms or perms.intersection(names)
        ]
        if not self.config.diagnostics and "diagnostics" in shown:
            shown.remove("diagnostics")  # the technician screen is not installed
        return tuple(shown)

    def _allowed(self, model: StaffModel, tool: str) -> bool:
        return tool in self.tools(model)

    def _menu(self, model: StaffModel, message: Message | None = None) -> StaffModel:
        view = StaffMenu(
            staff_name=model.session.staff_name if model.session else "",
            tools=self.tools(model),
            message=message,
            timeout_s=int(self.config.session_timeout_s),
        )
        return replace(model, view=view, form=None)

    def _menu_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        match intent:
            case i.OpenIssue() if self._allowed(model, "issue_voucher"):
                return self._open_form(model, now)
            case i.OpenTools():
                return self._load_tools(model, now)
            case i.Diagnostics() if self._allowed(model, "diagnostics"):
                return self._diagnostics(model)
            case _:
                return Step(model)

    def _diagnostics(self, model: StaffModel) -> Step[StaffModel]:
        """Staff mode ends; the technician screen asks for its own PIN."""
        closed = self.close(model)
        return Step(closed.model, (*closed.effects, OpenDiagnostics()))

    # -- the issue-voucher form (issue_form.py) -------------------------------------------------

    def _open_form(self, model: StaffModel, now: Now) -> Step[StaffModel]:
        images = self.config.images or model.shop.images
        form = open_form(images, local_day(now.wall), self.config.new_key(), self.config.composer)
        model = replace(model, form=form, view=form.view)
        if model.lang == "zh" and self.config.composer is not None:
            return Step(model, (PreloadPinyin(),))  # Chinese screens open on the pinyin layer
        return Step(model)

    def _form_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        if isinstance(intent, i.Back) and not (model.form and model.form.view.busy):
            return Step(self._menu(model))
        if isinstance(intent, FormIntent):
            return self._form(model, intent, now)
        return Step(model)

    def _form(self, model: StaffModel, event: Event, now: Now) -> Step[StaffModel]:
        if model.form is None:
            return Step(model)
        ctx = FormContext(today=local_day(now.wall), session=model.session)
        return self._after_form(model, step_form(model.form, event, ctx), now)

    def _after_form(self, model: StaffModel, done: FormStep, now: Now) -> Step[StaffModel]:
        model = replace(model, form=done.form, view=done.form.view)
        match done.outcome:
            case None:
                return Step(model, done.effects)
            case Leave():
                return Step(self._menu(model), done.effects)
            case SessionEnded():
                return self.close(model)
            case Issued(voucher=voucher, form=vform):
                return self._issued(model, voucher, vform, now)

    # -- after issuing: the preview, the print, retry ----------------------------------------------

    def _issued(
        self, model: StaffModel, voucher: Voucher, vform: VoucherForm, now: Now
    ) -> Step[StaffModel]:
        """Issued: the coupon's preview, and its print when it must print (a free voucher,
        or "print a copy"); the issued page shows when both are done, as one answer."""
        shop = model.shop.name or self.config.shop_name
        facts = CouponFacts(shop, self.config.footer, self.config.coupon_lang)
        coupon = coupon_for(voucher, facts, now.wall)
        model = replace(
            model,
            pending=issued_state(voucher, vform.customer),
            last_coupon=coupon,
            last_job=None,
            print_after_preview=vform.customer is None or vform.print_copy,
        )
        record = RecordDay(kind="voucher_issued", at=now.wall, ref=voucher.id)
        return Step(model, (record, RenderPreview(coupon=coupon)))

    def _preview_answered(self, model: StaffModel, answer: Answered) -> Step[StaffModel]:
        if model.pending is None:
            return Step(model)
        png = answer.result if isinstance(answer.result, bytes) else b""
        if answer.error is not None:  # a missing preview is not a failure
            log.info("coupon preview failed: %s", type(answer.error).__name__)
        model = replace(model, pending=replace(model.pending, preview_png=png))
        if model.print_after_preview and model.last_coupon is not None:
            model = replace(model, print_after_preview=False)
            return Step(model, (PrintCoupon(coupon=model.last_coupon),))
        return Step(replace(model, view=model.pending, pending=None))

    def _issued_page(
        self, model: StaffModel, view: StaffIssued, intent: Intent, now: Now
    ) -> Step[StaffModel]:
        match intent:
            case i.PrintIssued() if view.can_print and model.last_coupon is not None:
                return Step(model, (PrintCoupon(coupon=model.last_coupon),))
            case i.RetryPrint() if view.can_retry and model.last_job is not None:
                return Step(model, (RetryJob(job_id=model.last_job),))
            case i.NewVoucher() | i.OpenIssue():
                return self._open_form(model, now)
            case i.Back():
                return Step(self._menu(model))
            case _:
                return Step(model)

    def _print_answered(self, model: StaffModel, answer: Answered, now: Now) -> Step[StaffModel]:
        """An issued coupon printed (or retried): the page says what became of it."""
        base = model.pending or model.view
        model = replace(model, pending=None)
        if not isinstance(base, StaffIssued):
            return Step(model)
        if isinstance(answer.effect, RetryJob) and answer.error is not None:
            name = type(answer.error).__name__
            log.warning("coupon retry failed: %s", name)
            return Step(replace(model, view=replace(base, print_state="failed", print_reason=name)))
        job = _job_of(answer)
        effects: tuple[Effect, ...] = ()
        if job is not None:
            model = replace(model, last_job=job.job_id or model.last_job)
            if not job.failed and model.last_coupon is not None:
                ref = model.last_coupon.voucher_id
                effects = (RecordDay(kind="coupon_printed", at=now.wall, ref=ref),)
        return Step(replace(model, view=with_job(base, job)), effects)

    # -- counter tools -------------------------------------------------------------------------

    def _load_tools(
        self, model: StaffModel, now: Now, message: Message | None = None
    ) -> Step[StaffModel]:
        """Refresh the tools page (printer status, the day's figures) with a tool's outcome."""
        if isinstance(model.view, StaffTools):
            model = replace(
                model, view=replace(model.view, message=Message.of("staff.pin.checking"))
            )
        day = local_day(now.wall) if self._allowed(model, "day_summary") else None
        effect = LoadTools(printer=self._allowed(model, "printer"), summary_day=day)
        return Step(replace(model, tools_message=message), (effect,))

    def _tools_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        shop = model.shop.name or self.config.shop_name
        lang = self.config.coupon_lang
        match intent:
            case i.Back():
                return Step(self._menu(model))
            case i.ReprintLast() if self._allowed(model, "reprint"):
                if model.last_coupon is None and model.last_job is None:
                    msg = Message.of("staff.tools.nothing_to_reprint", error=True)
                    return self._load_tools(model, now, msg)
                return self._tool(model, Reprint(job_id=model.last_job, coupon=model.last_coupon))
            case i.PrinterStatus() if self._allowed(model, "printer"):
                return self._load_tools(model, now)
            case i.TestPrint() if self._allowed(model, "printer"):
                coupon = test_coupon(shop, lang, now.wall)
                return self._tool(model, PrintCoupon(coupon=coupon, purpose="test"))
            case i.PrintSummary() if self._allowed(model, "day_summary"):
                effect = PrintSummary(
                    day=local_day(now.wall), shop_name=shop, lang=lang, at=now.wall
                )
                return self._tool(model, effect)
            case i.Diagnostics() if self._allowed(model, "diagnostics"):
                return self._diagnostics(model)
            case _:
                return Step(model)

    def _tool(self, model: StaffModel, effect: Effect) -> Step[StaffModel]:
        if isinstance(model.view, StaffTools):
            model = replace(
                model, view=replace(model.view, message=Message.of("staff.pin.checking"))
            )
        return Step(model, (effect,))

    def _tool_answered(self, model: StaffModel, answer: Answered, now: Now) -> Step[StaffModel]:
        """A tool ran: its outcome in words, shown with the refreshed tools page."""
        effect = answer.effect
        if answer.error is not None:
            log.warning("staff tool failed: %s", type(answer.error).__name__)
            msg = Message.of("staff.print.failed", error=True, reason=type(answer.error).__name__)
        elif isinstance(effect, Reprint):
            msg = tool_message(_job_of(answer), "staff.tools.reprinted")
        elif isinstance(effect, PrintSummary):
            msg = _summary_message(answer.result)
        else:
            msg = tool_message(_job_of(answer), "staff.tools.test_printed")
        return self._load_tools(model, now, msg)

    def _tools_loaded(self, model: StaffModel, answer: Answered) -> Step[StaffModel]:
        facts = answer.result
        if answer.error is not None or not isinstance(facts, ToolFacts):
            name = type(answer.error).__name__
            log.warning("staff print step failed: %s", name)
            return Step(
                self._menu(model, Message.of("staff.print.failed", error=True, reason=name))
            )
        view = StaffTools(
            tools=self.tools(model),
            printer_lines=facts.printer_lines,
            summary=facts.summary,
            has_last_coupon=model.last_job is not None or model.last_coupon is not None,
            message=model.tools_message,
        )
        return Step(replace(model, view=view, tools_message=None))

    # -- answers -------------------------------------------------------------------------------

    def _answered(self, model: StaffModel, answer: Answered, now: Now) -> Step[StaffModel]:
        model = replace(model, last_activity=now.mono)
        match answer.effect:
            case StaffLogin():
                return self._login_answered(model, answer, now)
            case FetchShop():
                return self._shop_answered(model, answer)
            case RenderPreview():
                return self._preview_answered(model, answer)
            case PrintCoupon(purpose="issued") | RetryJob():
                return self._print_answered(model, answer, now)
            case PrintCoupon() | Reprint() | PrintSummary():
                return self._tool_answered(model, answer, now)
            case LoadTools():
                return self._tools_loaded(model, answer)
            case SearchCards() | CardByToken() | IssueVoucher():
                return self._form(model, answer, now)
            case _:
                return Step(model)


def _busy_after(step: Step[StaffModel], keep: bool = False) -> Step[StaffModel]:
    """Busy while an answered effect is out: touches wait for it (Exit still works)."""
    waiting = any(e.answered for e in step.effects)
    busy = (waiting or keep) and step.model.active
    if busy == step.model.busy:
        return step
    return Step(replace(step.model, busy=busy), step.effects)


def _session_deadline(session: StaffSession, now: Now) -> float | None:
    """The server's expiry on our monotonic clock; a kiosk clock that is off (ttl <= 0)
    cannot end the session early: the server's 401 does that."""
    if session.expires_at is None:
        return None
    ttl = (session.expires_at - now.wall).total_seconds()
    return now.mono + ttl if ttl > 0 else None


def _job_of(answer: Answered) -> JobOutcome | None:
    """A print answer as a JobOutcome; a printer that raised is a failed job (kept)."""
    if answer.error is not None:
        log.warning("coupon print failed: %s", type(answer.error).__name__)
        return JobOutcome(state="failed", reason=type(answer.error).__name__)
    result = answer.result
    if isinstance(result, JobOutcome):
        return result
    return None


def _summary_message(result: object) -> Message:
    if isinstance(result, SummaryPrinted):
        if not result.had_log:
            return Message.of("staff.tools.no_log", error=True)
        return tool_message(result.job, "staff.tools.summary_printed")
    return Message.of("staff.tools.no_log", error=True)
