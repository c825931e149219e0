"""Unlock: the PIN pad, a badge, the login answer and the lockout (gate.py)."""

from __future__ import annotations

import logging
from dataclasses import replace

from kiosk.api import errors
from kiosk.api.models import StaffSession
from kiosk.config import LANGUAGES
from kiosk.flows.runtime import Answered, Intent, Now, Step
from kiosk.flows.staff import intents as i
from kiosk.flows.staff.effects import FetchShop, ShopFacts, StaffLogin
from kiosk.flows.staff.model import PIN_MAX, PIN_MIN, StaffConfig, StaffModel
from kiosk.flows.staff.session import close, menu
from kiosk.flows.staff_states import Message, StaffLocked, StaffPin, StaffView

log = logging.getLogger(__name__)


def open_staff(
    config: StaffConfig, model: StaffModel, lang: str, now: Now, timeout_factor: float = 1.0
) -> Step[StaffModel]:
    """The hidden gesture: the PIN pad, or the lockout countdown. `timeout_factor` comes
    from the customer's visit (the accessibility mode doubles every timeout)."""
    lang = lang if lang in LANGUAGES else config.default_lang
    factor = max(1.0, timeout_factor)
    model = replace(model, lang=lang, pin=(), last_activity=now.mono, timeout_factor=factor)
    locked = model.gate.seconds_locked(now.mono)
    view: StaffView = StaffLocked(seconds_left=locked) if locked else StaffPin()
    return Step(replace(model, view=view))


def pin_page(config: StaffConfig, model: StaffModel, intent: Intent, now: Now) -> Step[StaffModel]:
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
            return login(config, replace(model, pin=()), now, pin="".join(pin))
        case i.Cancel():
            return close(model)
        case _:
            return Step(model)


def login(
    config: StaffConfig,
    model: StaffModel,
    now: Now,
    *,
    pin: str | None = None,
    badge: str | None = None,
) -> Step[StaffModel]:
    rules = config.gate
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


def login_answered(
    config: StaffConfig, model: StaffModel, answer: Answered, now: Now
) -> Step[StaffModel]:
    exc, session = answer.error, answer.result
    if exc is None and isinstance(session, StaffSession):
        return logged_in(config, model, session, now)
    match exc:
        case errors.StaffLockedOut(retry_after=seconds):
            log.warning("staff login locked out by the server for %s s", seconds)
            gate = model.gate.lock_for(max(seconds, 1), now.mono)
            view = StaffLocked(seconds_left=gate.seconds_locked(now.mono))
            return Step(replace(model, gate=gate, view=view))
        case (
            errors.Unauthorized() | errors.Forbidden() | errors.InvalidRequest() | errors.NotFound()
        ):
            return login_failed(config, model, exc.problem.get("attempts_left"), now)
        case errors.Offline():
            msg = Message.of("staff.pin.offline", error=True)
        case errors.ApiError():
            log.warning("staff login failed: %s", exc.code)
            msg = Message.of("staff.pin.server_error", error=True)
        case _:  # a bug below must not leave the pad busy
            log.warning("staff login failed: %s", type(exc).__name__)
            msg = Message.of("staff.pin.server_error", error=True)
    return Step(replace(model, view=StaffPin(message=msg)))


def logged_in(
    config: StaffConfig, model: StaffModel, session: StaffSession, now: Now
) -> Step[StaffModel]:
    log.info("staff session started (staff %s)", session.staff_id)
    model = replace(
        model,
        gate=model.gate.succeeded(),
        session=session,
        deadline=session_deadline(session, now),
    )
    if model.shop.name and model.shop.images or config.shop_name and config.images:
        return Step(menu(config, model))
    return Step(model, (FetchShop(),))  # the menu shows when the shop's facts are in


def login_failed(
    config: StaffConfig, model: StaffModel, server_left: object, now: Now
) -> Step[StaffModel]:
    rules = config.gate
    gate = model.gate.failed(rules, now.mono)
    if server_left == 0:  # the server has locked this kiosk: so do we
        gate = gate.lock_for(rules.lockout_s, now.mono)
    log.warning("staff login refused (%s)", "badge" if model.by_badge else "PIN")
    model = replace(model, gate=gate)
    if gate.seconds_locked(now.mono):
        return Step(replace(model, view=StaffLocked(seconds_left=gate.seconds_locked(now.mono))))
    key = "staff.pin.badge_wrong" if model.by_badge else "staff.pin.wrong"
    left = gate.tries_left(rules)
    if isinstance(server_left, int) and 0 < server_left < left:
        left = server_left
    return Step(replace(model, view=StaffPin(message=Message.of(key, error=True, left=left))))


def shop_answered(config: StaffConfig, model: StaffModel, answer: Answered) -> Step[StaffModel]:
    facts = answer.result
    if answer.error is not None or not isinstance(facts, ShopFacts):
        log.info("shop name not fetched: %s", type(answer.error).__name__)
    else:
        name = model.shop.name or config.shop_name or facts.name
        model = replace(model, shop=ShopFacts(name=name, images=facts.images))
    return Step(menu(config, model) if model.session is not None else model)


def session_deadline(session: StaffSession, now: Now) -> float | None:
    """The server's expiry on our monotonic clock; a kiosk clock that is off (ttl <= 0)
    cannot end the session early: the server's 401 does that."""
    if session.expires_at is None:
        return None
    ttl = (session.expires_at - now.wall).total_seconds()
    return now.mono + ttl if ttl > 0 else None
