"""The staff session's pages in common: the menu, which tools it shows, opening the form, closing."""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.flows.runtime import CloseMode, Effect, Now, OpenMode, Step
from kiosk.flows.staff.effects import PreloadPinyin, StaffLogout
from kiosk.flows.staff.issue_form import open_form
from kiosk.flows.staff.model import StaffConfig, StaffModel
from kiosk.flows.staff.printing import local_day
from kiosk.flows.staff.tools import ALL_PERMISSIONS, TOOL_PERMISSIONS
from kiosk.flows.staff_states import Message, StaffClosed, StaffMenu
from kiosk.flows.technician.intents import OpenScreen

log = logging.getLogger(__name__)


def close(model: StaffModel) -> Step[StaffModel]:
    """End staff mode: forget the token, the PIN, the form; the customer screen returns.

    The server is told too (best effort), so the token dies there and not only here."""
    effects: tuple[Effect, ...] = (CloseMode(),)
    if model.session is not None:
        effects = (StaffLogout(session=model.session), *effects)
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


def tools(config: StaffConfig, model: StaffModel) -> tuple[str, ...]:
    """The tools this session's permissions show (a forged touch cannot open others)."""
    if model.session is None:
        return ()
    perms = set(model.session.permissions)
    shown = [
        tool
        for tool, names in TOOL_PERMISSIONS.items()
        if ALL_PERMISSIONS in perms or perms.intersection(names)
    ]
    if not config.diagnostics and "diagnostics" in shown:
        shown.remove("diagnostics")  # the technician screen is not installed
    return tuple(shown)


def allowed(config: StaffConfig, model: StaffModel, tool: str) -> bool:
    return tool in tools(config, model)


def menu(config: StaffConfig, model: StaffModel, message: Message | None = None) -> StaffModel:
    view = StaffMenu(
        staff_name=model.session.staff_name if model.session else "",
        tools=tools(config, model),
        message=message,
        timeout_s=int(model.session_timeout_s(config)),
    )
    return replace(model, view=view, form=None)


def diagnostics(config: StaffConfig, model: StaffModel) -> Step[StaffModel]:
    """Staff mode ends (as today: the staff token is not left lying under the technician);
    the technician mode opens on the customer's, and asks for its own PIN."""
    closed = close(model)
    opened = OpenMode(
        "technician", OpenScreen(lang=model.lang, timeout_factor=model.timeout_factor)
    )
    return Step(closed.model, (*closed.effects, opened))


def open_issue(config: StaffConfig, model: StaffModel, now: Now) -> Step[StaffModel]:
    images = config.images or model.shop.images
    form = open_form(images, local_day(now.wall), config.new_key(), config.composer)
    model = replace(model, form=form, view=form.view)
    if model.lang == "zh" and config.composer is not None:
        return Step(model, (PreloadPinyin(),))  # Chinese screens open on the pinyin layer
    return Step(model)
