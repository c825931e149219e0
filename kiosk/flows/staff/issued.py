"""After issuing: the coupon's preview, its print, retry; the issued page."""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.api.models import Voucher
from kiosk.flows.runtime import Answered, Effect, Intent, Now, Step
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.effects import PrintCoupon, RecordDay, RenderPreview, RetryJob
from kiosk.flows.staff.model import StaffConfig, StaffModel
from kiosk.flows.staff.printing import CouponFacts, coupon_for, issued_state, job_of, with_job
from kiosk.flows.staff.session import menu, open_issue
from kiosk.flows.staff_states import StaffIssued
from kiosk.flows.voucher_form import VoucherForm

log = logging.getLogger(__name__)


def issued(
    config: StaffConfig, model: StaffModel, voucher: Voucher, vform: VoucherForm, now: Now
) -> Step[StaffModel]:
    """Issued: the coupon's preview, and its print when it must print (a free voucher,
    or "print a copy"); the issued page shows when both are done, as one answer."""
    shop = model.shop.name or config.shop_name
    facts = CouponFacts(shop, config.footer, config.coupon_lang)
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


def preview_answered(config: StaffConfig, model: StaffModel, answer: Answered) -> Step[StaffModel]:
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


def issued_page(
    config: StaffConfig, model: StaffModel, view: StaffIssued, intent: Intent, now: Now
) -> Step[StaffModel]:
    match intent:
        case i.PrintIssued() if view.can_print and model.last_coupon is not None:
            return Step(model, (PrintCoupon(coupon=model.last_coupon),))
        case i.RetryPrint() if view.can_retry and model.last_job is not None:
            return Step(model, (RetryJob(job_id=model.last_job),))
        case i.NewVoucher() | i.OpenIssue():
            return open_issue(config, model, now)
        case i.Back():
            return Step(menu(config, model))
        case _:
            return Step(model)


def print_answered(
    config: StaffConfig, model: StaffModel, answer: Answered, now: Now
) -> Step[StaffModel]:
    """An issued coupon printed (or retried): the page says what became of it."""
    base = model.pending or model.view
    model = replace(model, pending=None)
    if not isinstance(base, StaffIssued):
        return Step(model)
    if isinstance(answer.effect, RetryJob) and answer.error is not None:
        name = type(answer.error).__name__
        log.warning("coupon retry failed: %s", name)
        return Step(replace(model, view=replace(base, print_state="failed", print_reason=name)))
    job = job_of(answer)
    effects: tuple[Effect, ...] = ()
    if job is not None:
        model = replace(model, last_job=job.job_id or model.last_job)
        if not job.failed and model.last_coupon is not None:
            ref = model.last_coupon.voucher_id
            effects = (RecordDay(kind="coupon_printed", at=now.wall, ref=ref),)
    return Step(replace(model, view=with_job(base, job)), effects)
