"""What each customer screen says, as plain data: its title, its state, its controls.

Why one pure function for it: speech reads it (title, state, focused control), the large-text
screen draws it (kiosk/ui/screens/access_large.py) and the keypad walks its controls, so what
a blind customer hears, what a low-vision customer reads and what the touch screen shows are
the same words from the same catalog (kiosk/i18n/<lang>/{customer,access}.json).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.flows.customer.access import (
    Access,
    AskRedeem,
    CancelRedeem,
    ChangeVolume,
    ConfirmRedeem,
    OpenAccessibility,
    ToggleContrast,
    ToggleLargeText,
    ToggleLowReach,
)
from kiosk.flows.customer.intents import (
    ChooseLanguage,
    GoBack,
    GoHome,
    OpenVoucher,
    PrintCoupon,
    ShowVouchers,
)
from kiosk.flows.customer.model import (
    AccessOptionsState,
    AttractState,
    CardState,
    CustomerState,
    MessageState,
    OutOfServiceState,
    RedeemedState,
    RewardState,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)
from kiosk.flows.runtime import Intent
from kiosk.i18n import LANGUAGE_NAMES, tr


@dataclass(frozen=True)
class Control:
    """One control of a screen: its words, and the intent it sends."""

    label: str
    intent: Intent
    primary: bool = False  # the screen's main action (drawn in the accent colour)


@dataclass(frozen=True)
class Presentation:
    title: str
    lines: tuple[str, ...] = ()
    controls: tuple[Control, ...] = ()

    def speech(self) -> str:
        """The screen's speech: title, then state (the focused control is spoken apart)."""
        return ". ".join(p.rstrip(".!。…") for p in (self.title, *self.lines) if p) + "."


def present(view: CustomerState) -> Presentation:
    """The words of `view` in its language."""
    lang = view.lang
    match view:
        case AttractState():
            return _attract(view)
        case AccessOptionsState():
            return _options(view.access, lang)
        case WorkingState():
            return Presentation(tr("working.title", lang))
        case CardState():
            return _card(view)
        case RewardState():
            return _reward(view)
        case VouchersState():
            return _vouchers(view)
        case VoucherOpenState():
            return _voucher(view)
        case RedeemedState():
            return _redeemed(view)
        case MessageState():
            return _message(view)
        case OutOfServiceState():
            return Presentation(tr("oos.title", lang), (tr("oos.body", lang),))
        case _:
            return Presentation("")


def help_text(lang: str) -> str:
    return tr("access.help", lang)


def _attract(view: AttractState) -> Presentation:
    lang = view.lang
    langs = view.languages if len(view.languages) > 1 else ()
    controls = tuple(Control(LANGUAGE_NAMES.get(c, c), ChooseLanguage(c)) for c in langs)
    button = Control(tr("access.button", lang), OpenAccessibility())
    return Presentation(tr("attract.title", lang), (tr("attract.hint", lang),), (*controls, button))


def _on_off(key: str, on: bool, lang: str) -> str:
    return tr(key, lang, state=tr("access.on" if on else "access.off", lang))


def _options(access: Access, lang: str) -> Presentation:
    controls = (
        Control(tr("access.start", lang), GoBack(), primary=True),  # first: never scrolled away
        Control(_on_off("access.large", access.large, lang), ToggleLargeText()),
        Control(_on_off("access.contrast", access.contrast, lang), ToggleContrast()),
        Control(_on_off("access.low_reach", access.low_reach, lang), ToggleLowReach()),
        Control(tr("access.volume_down", lang), ChangeVolume(-1)),
        Control(tr("access.volume_up", lang), ChangeVolume(1)),
    )
    lines = (tr("access.intro", lang), tr("access.volume", lang, volume=access.volume))
    return Presentation(tr("access.title", lang), lines, controls)


def _card(view: CardState) -> Presentation:
    lang, card = view.lang, view.card
    if card is None:
        return Presentation(tr("card.hello_anon", lang))
    name = card.display_name
    title = tr("card.hello", lang, name=name) if name else tr("card.hello_anon", lang)
    lines = [tr("card.stamp_added", lang)] if view.added else []
    lines.append(tr("card.stamps", lang, stamps=card.stamps, goal=card.goal))
    n, reward = view.remaining, view.next_title
    if n <= 0:
        lines.append(tr("card.goal_reached", lang))
    else:
        key = "card.more_one" if n == 1 else "card.more_many"
        lines.append(tr(key, lang, n=n, reward=reward))
    controls = (
        Control(tr("card.vouchers", lang, n=len(view.usable_vouchers)), ShowVouchers()),
        _done(lang, primary=True),
    )
    return Presentation(title, tuple(lines), controls)


def _reward(view: RewardState) -> Presentation:
    lang = view.lang
    lines = tuple(v.title for v in view.vouchers)
    first = view.vouchers[0].id if view.vouchers else ""
    controls = (
        *((Control(tr("reward.open", lang), OpenVoucher(first), primary=True),) if first else ()),
        Control(tr("reward.later", lang), GoBack()),
    )
    return Presentation(tr("reward.title", lang), lines, controls)


def _vouchers(view: VouchersState) -> Presentation:
    lang = view.lang
    lines = () if view.vouchers else (tr("vouchers.none", lang),)
    rows = tuple(
        Control(f"{v.title}: {tr('how.' + v.redemption, lang)}", OpenVoucher(v.id))
        for v in view.vouchers
    )
    controls = (*rows, Control(tr("common.back", lang), GoBack()))
    return Presentation(tr("vouchers.title", lang), lines, (*controls, _done(lang)))


def _voucher(view: VoucherOpenState) -> Presentation:
    lang, v = view.lang, view.voucher
    if v is None:
        return Presentation("")
    lines = [line for line in (v.description, tr(f"how.{v.redemption}", lang)) if line]
    if v.valid_until:
        lines.append(tr("voucher.valid_until", lang, date=v.valid_until.date().isoformat()))
    if v.redemption != "self_redeem" and v.redeem_code:
        lines.append(tr("access.code", lang, code=v.redeem_code.value))
    controls: tuple[Control, ...] = ()
    if v.redemption == "self_redeem" and view.confirming:
        lines.append(tr("access.confirm_question", lang))
        controls = (
            Control(tr("access.confirm_yes", lang), ConfirmRedeem(v.id), primary=True),
            Control(tr("access.confirm_no", lang), CancelRedeem()),
        )
    elif v.redemption == "self_redeem":
        controls = (Control(tr("access.redeem", lang), AskRedeem(v.id), primary=True),)
    back = Control(tr("common.back", lang), GoBack())
    return Presentation(v.title, tuple(lines), (*controls, back, _done(lang)))


def _redeemed(view: RedeemedState) -> Presentation:
    lang = view.lang
    lines = [
        tr("redeemed.at", lang, time=view.redeemed_at_text),
        tr("access.code", lang, code=view.code),
    ]
    if view.print_status:
        lines.append(tr(f"redeemed.{view.print_status}", lang))
    printed = view.print_status in ("printing", "printed", "unconfirmed")
    prints = () if printed else (Control(tr("redeemed.print", lang), PrintCoupon()),)
    done = _done(lang, primary=True)
    return Presentation(tr("redeemed.title", lang), tuple(lines), (*prints, done))


def _message(view: MessageState) -> Presentation:
    lang, kind = view.lang, str(view.kind)
    values = dict(view.values)
    body = tr(f"msg.{kind}.body", lang, **values)
    if kind == "already_redeemed" and values.get("when"):
        body = tr("msg.already_redeemed.body_when", lang, **values)
    controls: tuple[Control, ...] = ()
    if view.back is not None:
        key = "common.see_card" if getattr(view.back, "screen", "") == "card" else "common.back"
        controls = (Control(tr(key, lang), GoBack()),)
    ok = Control(tr("common.ok", lang), GoHome(), primary=True)
    return Presentation(tr(f"msg.{kind}.title", lang, **values), (body,), (*controls, ok))


def _done(lang: str, *, primary: bool = False) -> Control:
    return Control(tr("common.done", lang), GoHome(), primary=primary)
