"""The accessibility mode's part of the customer flow: pure functions the flow calls.

- `access_intent`: the mode's own intents (open, toggles, volume, repeat, help, focus);
- `two_step`: "Redeem" then "Yes, redeem now", the mode's alternative to holding;
- `after_step`: run on every step's result: stamps the visit's choices onto the view, drops
  them when the visit ends, clears "Need more time?" on any activity, and speaks what changed.

Why after every step and not inside each transition: the journey's transitions build new
views in many places; stamping and speaking in one place means none of them can forget it.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.flows.customer.access import (
    VOLUME_STEP,
    Access,
    AccessIntent,
    AskHelp,
    AskRedeem,
    CancelRedeem,
    ChangeVolume,
    Focused,
    OpenAccessibility,
    RepeatSpeech,
    Speak,
    ToggleContrast,
    ToggleLargeText,
    ToggleLowReach,
)
from kiosk.flows.customer.model import (
    AccessOptionsState,
    AttractState,
    CustomerModel,
    CustomerState,
    OutOfServiceState,
    VoucherOpenState,
)
from kiosk.flows.customer.present import help_text, present
from kiosk.flows.runtime import Effect, Event, Step
from kiosk.i18n import tr

Next = Step[CustomerModel]


def speak(model: CustomerModel, text: str, *, interrupt: bool = True) -> tuple[Effect, ...]:
    """A Speak effect in the view's language, only while the mode is on."""
    access = model.access
    if not access.on or not text:
        return ()
    return (Speak(text=text, lang=model.view.lang, volume=access.volume, interrupt=interrupt),)


def access_intent(model: CustomerModel, intent: AccessIntent) -> Next:
    """The mode's own intents; the view is re-stamped (and spoken) by `after_step`."""
    access = model.access
    match intent:
        case OpenAccessibility():
            model = replace(model, access=replace(access, on=True))
            if isinstance(model.view, AttractState):
                model = model.showing(AccessOptionsState(lang=model.view.lang))
            return Step(model)
        case ToggleLargeText() if access.on:
            return Step(replace(model, access=replace(access, large=not access.large)))
        case ToggleContrast() if access.on:
            return Step(replace(model, access=replace(access, contrast=not access.contrast)))
        case ToggleLowReach() if access.on:
            return Step(replace(model, access=replace(access, low_reach=not access.low_reach)))
        case ChangeVolume(direction) if access.on:
            volume = min(100, max(0, access.volume + VOLUME_STEP * (1 if direction > 0 else -1)))
            return Step(replace(model, access=replace(access, volume=volume)))
        case RepeatSpeech():
            return Step(model, speak(model, present(model.view).speech()))
        case AskHelp():
            return Step(model, speak(model, help_text(model.view.lang)))
        case Focused(label, first):
            text = tr("access.button_word", model.view.lang, label=label)
            return Step(model, speak(model, text, interrupt=not first))
        case _:
            return Step(model)


def two_step(model: CustomerModel, intent: AskRedeem | CancelRedeem) -> Next:
    """Step one ("Redeem") asks; "No" closes the question. Step two is the flow's redeem."""
    view = model.view
    if not model.access.on or not isinstance(view, VoucherOpenState) or view.voucher is None:
        return Step(model)
    match intent:
        case AskRedeem(voucher_id) if voucher_id == view.voucher.id and view.voucher.is_usable:
            return Step(model.showing(replace(view, confirming=True)))
        case CancelRedeem():
            return Step(model.showing(replace(view, confirming=False)))
        case _:
            return Step(model)


def after_step(old: CustomerModel, new: Next, event: Event, start: Access) -> Next:
    """Stamp, reset, clear the warning, and speak what changed (see the module docstring)."""
    model, effects = new
    ended = model.epoch != old.epoch and isinstance(model.view, (AttractState, OutOfServiceState))
    if ended and model.access is not start:
        model = replace(model, access=start)  # the visit ended: as the shop set it up
    view = model.view
    if view.idle_warning and model.active_at != old.active_at:
        view = replace(view, idle_warning=False)  # any touch, key or scan: more time
    if view.access is not model.access and view.access != model.access:
        view = replace(view, access=model.access)
    if view is not model.view:
        model = model.showing(view)
    if not model.access.on and not old.access.on:
        return Step(model, effects)  # an ordinary customer: nothing to speak, nothing more
    return Step(model, (*effects, *_spoken(old, model, event)))


def _spoken(old: CustomerModel, new: CustomerModel, event: Event) -> tuple[Effect, ...]:
    before, after = old.view, new.view
    if not new.access.on or after == before:
        return ()
    if after.idle_warning and not before.idle_warning:
        return speak(new, tr("access.more_time", after.lang))
    if _same_screen(before, after):
        if before.access != after.access:
            return _toggled(new, event)
        if before.idle_warning and not after.idle_warning:
            return ()
    return speak(new, present(after).speech())


def _same_screen(before: CustomerState, after: CustomerState) -> bool:
    """Only the mode's choices or the warning changed: the screen itself is the same."""
    return replace(before, access=after.access, idle_warning=after.idle_warning) == after


def _toggled(model: CustomerModel, event: Event) -> tuple[Effect, ...]:
    """A toggle changed: speak its new words (e.g. "Large text: on"), not the whole screen."""
    if isinstance(event, ChangeVolume):
        return speak(model, tr("access.volume", model.view.lang, volume=model.access.volume))
    for control in present(model.view).controls:
        if control.intent == event:
            return speak(model, control.label)
    return ()
