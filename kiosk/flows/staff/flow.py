"""Staff mode as a pure flow: unlock (PIN or badge), the menu, the issue-voucher form (its
own sub-flow, issue_form.py), printing what was issued, and the counter tools.

Why pure: every network and printer call is an effect carried out by the host (off the UI
thread); while one runs the model is `busy` and touches wait (Exit still works), and an
answer that arrives after staff mode ended is dropped by the host (the epoch moved on).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.flows.base import ViewState
from kiosk.flows.runtime import Answered, Entered, Event, Intent, Now, Scanned, Step, Ticked
from kiosk.flows.staff import barista
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.barista import StaffCheck, StaffStamp
from kiosk.flows.staff.counter import load_tools, tool_answered, tools_loaded, tools_page
from kiosk.flows.staff.effects import (
    CardByToken,
    FetchShop,
    IssueVoucher,
    LoadTools,
    PrintCoupon,
    PrintSummary,
    RenderPreview,
    Reprint,
    RetryJob,
    SearchCards,
    StaffLogin,
)
from kiosk.flows.staff.form_intents import FormIntent
from kiosk.flows.staff.issue_form import (
    FormContext,
    FormStep,
    Issued,
    Leave,
    SessionEnded,
    step_form,
)
from kiosk.flows.staff.issued import issued, issued_page, preview_answered, print_answered
from kiosk.flows.staff.model import StaffConfig, StaffModel
from kiosk.flows.staff.printing import local_day
from kiosk.flows.staff.session import allowed, close, diagnostics, menu, open_issue
from kiosk.flows.staff.unlock import login, login_answered, open_staff, pin_page, shop_answered
from kiosk.flows.staff_states import (
    Message,
    StaffIssued,
    StaffIssueForm,
    StaffLocked,
    StaffMenu,
    StaffPin,
    StaffTools,
)
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)


class StaffFlow:
    """The staff flow: `step(model, event, now)`; its constants come from `StaffConfig`."""

    name = "staff"

    def __init__(self, config: StaffConfig) -> None:
        self.config = config

    # -- the Flow protocol ---------------------------------------------------------------

    def start(
        self, reason: Event | None, now: Now, last: StaffModel | None = None
    ) -> Step[StaffModel]:
        """Closed until Entered(OpenStaff) says why it opened; what outlives a visit (the
        PIN lockout, the shop's facts, the last coupon for a reprint) comes from `last`."""
        model = StaffModel(lang=self.config.default_lang, last_activity=now.mono)
        if last is not None:
            model = replace(
                model,
                gate=last.gate,
                shop=last.shop,
                last_coupon=last.last_coupon,
                last_job=last.last_job,
            )
        return _in_lang(Step(model))

    def view(self, model: StaffModel) -> ViewState:
        """The page in the model, already in its language (the same object until a step:
        the app compares what it rendered with `state` by identity)."""
        return model.view

    def epoch(self, model: StaffModel) -> int:
        return model.epoch

    def step(self, model: StaffModel, event: Event, now: Now) -> Step[StaffModel]:
        return _in_lang(self._route(model, event, now))

    def _route(self, model: StaffModel, event: Event, now: Now) -> Step[StaffModel]:
        match event:
            case Answered():
                return _busy_after(self._answered(replace(model, busy=False), event, now))
            case Ticked():
                return self._tick(model, now)
            case Scanned(scan=scan):
                return _busy_after(self._scan(model, scan, now), keep=model.busy)
            case Entered(reason=i.OpenStaff() as why) if not model.active:
                return self._opened(model, why, now)
            case i.OpenStaff() if not model.active:
                return open_staff(self.config, model, event.lang, now, event.timeout_factor)
            case Intent() if model.active:
                return _busy_after(self._intent(model, event, now), keep=model.busy)
            case _:
                return Step(model)

    # -- opening, closing, the clock -------------------------------------------------------

    def _opened(self, model: StaffModel, why: i.OpenStaff, now: Now) -> Step[StaffModel]:
        """The customer mode opened us: the PIN pad, or a badge's login at once."""
        opened = open_staff(self.config, model, why.lang, now, why.timeout_factor)
        if why.badge is None:
            return opened
        return _busy_after(
            self._scan(opened.model, ClassifiedScan(ScanKind.STAFF_BADGE, why.badge), now)
        )

    def _tick(self, model: StaffModel, now: Now) -> Step[StaffModel]:
        """Inactivity timeout, session expiry, lockout countdown."""
        if not model.active or model.busy:
            return Step(model)
        idle = now.mono - model.last_activity
        if idle >= model.session_timeout_s(self.config):
            log.info("staff mode closed after %.0f s without a touch", idle)
            return close(model)
        if model.deadline is not None and now.mono >= model.deadline:
            log.info("staff session expired")
            return close(model)
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
                model = open_staff(self.config, model, model.lang, now).model
            return login(self.config, replace(model, last_activity=now.mono), now, badge=scan.value)
        if not model.active:
            return Step(model)
        model = replace(model, last_activity=now.mono)
        if model.form is not None and isinstance(model.view, StaffIssueForm):
            return self._form(model, Scanned(scan, now.wall), now)
        if isinstance(model.view, (StaffCheck, StaffStamp)):
            return barista.scanned(self.config, model, scan)
        return Step(model)

    # -- intents -------------------------------------------------------------------------

    def _intent(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        model = replace(model, last_activity=now.mono)
        if isinstance(intent, i.Exit):
            return close(model)
        if model.busy or isinstance(intent, i.Wake):
            return Step(model)  # busy: the answer of the running call decides the next page
        match model.view:
            case StaffPin():
                return pin_page(self.config, model, intent, now)
            case StaffLocked():
                return close(model) if isinstance(intent, i.Cancel) else Step(model)
            case StaffMenu():
                return self._menu_page(model, intent, now)
            case StaffIssueForm():
                return self._form_page(model, intent, now)
            case StaffIssued():
                return issued_page(self.config, model, model.view, intent, now)
            case StaffTools():
                return tools_page(self.config, model, intent, now)
            case StaffCheck() as view:
                return barista.check_page(self.config, model, view, intent, now)
            case StaffStamp() as view:
                return barista.stamp_page(self.config, model, view, intent, now)
            case _:
                return Step(model)

    # -- PIN pad and login -----------------------------------------------------------------

    # -- menu ----------------------------------------------------------------------------

    def _menu_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        match intent:
            case i.OpenIssue() if allowed(self.config, model, "issue_voucher"):
                return open_issue(self.config, model, now)
            case i.OpenTools():
                return load_tools(self.config, model, now)
            case barista.OpenCheck() if allowed(self.config, model, "check_voucher"):
                return barista.open_check(model)
            case barista.OpenStamps() if allowed(self.config, model, "add_stamps"):
                return barista.open_stamps(model)
            case i.Diagnostics() if allowed(self.config, model, "diagnostics"):
                return diagnostics(self.config, model)
            case _:
                return Step(model)

    # -- the issue-voucher form (issue_form.py) -------------------------------------------------

    def _form_page(self, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
        if isinstance(intent, i.Back) and not (model.form and model.form.view.busy):
            return Step(menu(self.config, model))
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
                return Step(menu(self.config, model), done.effects)
            case SessionEnded():
                return close(model)
            case Issued(voucher=voucher, form=vform):
                return issued(self.config, model, voucher, vform, now)

    # -- after issuing: the preview, the print, retry ----------------------------------------------

    # -- counter tools -------------------------------------------------------------------------

    # -- answers -------------------------------------------------------------------------------

    def _answered(self, model: StaffModel, answer: Answered, now: Now) -> Step[StaffModel]:
        model = replace(model, last_activity=now.mono)
        match answer.effect:
            case StaffLogin():
                return login_answered(self.config, model, answer, now)
            case FetchShop():
                return shop_answered(self.config, model, answer)
            case RenderPreview():
                return preview_answered(self.config, model, answer)
            case PrintCoupon(purpose="issued") | RetryJob():
                return print_answered(self.config, model, answer, now)
            case PrintCoupon() | Reprint() | PrintSummary():
                return tool_answered(self.config, model, answer, now)
            case LoadTools():
                return tools_loaded(self.config, model, answer)
            case SearchCards() | CardByToken() | IssueVoucher():
                return self._form(model, answer, now)
            case effect if isinstance(effect, barista.BARISTA_EFFECTS):
                return barista.answered(self.config, model, answer)
            case _:
                return Step(model)


def _in_lang(step: Step[StaffModel]) -> Step[StaffModel]:
    """Every staff page speaks the language the customer screen had when staff came."""
    model = step.model
    if model.view.lang == model.lang:
        return step
    return Step(replace(model, view=replace(model.view, lang=model.lang)), step.effects)


def _busy_after(step: Step[StaffModel], keep: bool = False) -> Step[StaffModel]:
    """Busy while an answered effect is out: touches wait for it (Exit still works)."""
    waiting = any(e.answered for e in step.effects)
    busy = (waiting or keep) and step.model.active
    if busy == step.model.busy:
        return step
    return Step(replace(step.model, busy=busy), step.effects)
