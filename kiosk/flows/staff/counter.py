"""The counter tools: reprint, printer status, test print, day summary."""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.flows.runtime import Answered, Effect, Intent, Now, Step
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.effects import LoadTools, PrintCoupon, PrintSummary, Reprint, SummaryPrinted
from kiosk.flows.staff.model import StaffConfig, StaffModel
from kiosk.flows.staff.printing import ToolFacts, job_of, local_day, test_coupon, tool_message
from kiosk.flows.staff.session import allowed, diagnostics, menu, tools
from kiosk.flows.staff_states import Message, StaffTools

log = logging.getLogger(__name__)


def load_tools(
    config: StaffConfig, model: StaffModel, now: Now, message: Message | None = None
) -> Step[StaffModel]:
    """Refresh the tools page (printer status, the day's figures) with a tool's outcome."""
    if isinstance(model.view, StaffTools):
        model = replace(model, view=replace(model.view, message=Message.of("staff.pin.checking")))
    day = local_day(now.wall) if allowed(config, model, "day_summary") else None
    effect = LoadTools(
        printer=allowed(config, model, "printer"),
        summary_day=day,
        session=model.session,
        lang=model.lang,
    )
    return Step(replace(model, tools_message=message), (effect,))


def tools_page(
    config: StaffConfig, model: StaffModel, intent: Intent, now: Now
) -> Step[StaffModel]:
    shop = model.shop.name or config.shop_name
    lang = config.coupon_lang
    match intent:
        case i.Back():
            return Step(menu(config, model))
        case i.ReprintLast() if allowed(config, model, "reprint"):
            if model.last_coupon is None and model.last_job is None:
                msg = Message.of("staff.tools.nothing_to_reprint", error=True)
                return load_tools(config, model, now, msg)
            return tool(config, model, Reprint(job_id=model.last_job, coupon=model.last_coupon))
        case i.PrinterStatus() if allowed(config, model, "printer"):
            return load_tools(config, model, now)
        case i.TestPrint() if allowed(config, model, "printer"):
            coupon = test_coupon(shop, lang, now.wall)
            return tool(config, model, PrintCoupon(coupon=coupon, purpose="test"))
        case i.PrintSummary() if allowed(config, model, "day_summary"):
            effect = PrintSummary(
                day=local_day(now.wall),
                shop_name=shop,
                lang=lang,
                at=now.wall,
                session=model.session,
            )
            return tool(config, model, effect)
        case i.Diagnostics() if allowed(config, model, "diagnostics"):
            return diagnostics(config, model)
        case _:
            return Step(model)


def tool(config: StaffConfig, model: StaffModel, effect: Effect) -> Step[StaffModel]:
    if isinstance(model.view, StaffTools):
        model = replace(model, view=replace(model.view, message=Message.of("staff.pin.checking")))
    return Step(model, (effect,))


def tool_answered(
    config: StaffConfig, model: StaffModel, answer: Answered, now: Now
) -> Step[StaffModel]:
    """A tool ran: its outcome in words, shown with the refreshed tools page."""
    effect = answer.effect
    if answer.error is not None:
        log.warning("staff tool failed: %s", type(answer.error).__name__)
        msg = Message.of("staff.print.failed", error=True, reason=type(answer.error).__name__)
    elif isinstance(effect, Reprint):
        msg = tool_message(job_of(answer), "staff.tools.reprinted")
    elif isinstance(effect, PrintSummary):
        msg = _summary_message(answer.result)
    else:
        msg = tool_message(job_of(answer), "staff.tools.test_printed")
    return load_tools(config, model, now, msg)


def tools_loaded(config: StaffConfig, model: StaffModel, answer: Answered) -> Step[StaffModel]:
    facts = answer.result
    if answer.error is not None or not isinstance(facts, ToolFacts):
        name = type(answer.error).__name__
        log.warning("staff print step failed: %s", name)
        return Step(menu(config, model, Message.of("staff.print.failed", error=True, reason=name)))
    view = StaffTools(
        tools=tools(config, model),
        printer_lines=facts.printer_lines,
        summary=facts.summary,
        has_last_coupon=model.last_job is not None or model.last_coupon is not None,
        message=model.tools_message,
        activity=facts.activity,
    )
    return Step(replace(model, view=view, tools_message=None))


def _summary_message(result: object) -> Message:
    if isinstance(result, SummaryPrinted):
        if not result.had_log:
            return Message.of("staff.tools.no_log", error=True)
        return tool_message(result.job, "staff.tools.summary_printed")
    return Message.of("staff.tools.no_log", error=True)
