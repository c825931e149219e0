"""The issue-voucher form as its own pure sub-flow: typing, validation, search, GENERATE.

Why apart from the staff flow: the form is the busiest page of staff mode (two input
methods, a customer search, scans, a server call) and changes most. The staff flow opens it
with `open_form`, hands it every form intent, scan and form answer through `step_form`, and
reads the `outcome` when the form is done: `Leave` (back to the menu), `Issued` (print and
show the voucher) or `SessionEnded` (the server refused the token).

Validation is immediate: a field's error shows as soon as it was touched, every error at
GENERATE. The composed text of Hangul / pinyin shows live in the field (field_composer.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, NamedTuple, cast

from kiosk.api import errors
from kiosk.api.models import CardSummary, StaffSession, Voucher
from kiosk.flows.field_composer import Composed, FieldComposer
from kiosk.flows.runtime import Answered, Effect, Event, Scanned
from kiosk.flows.staff.effects import CardByToken, IssueVoucher, LearnWord, SearchCards
from kiosk.flows.staff.form_intents import (
    Backspace,
    CandidatePage,
    ClearCustomer,
    DateStep,
    DoneTyping,
    EndCompose,
    Focus,
    FormIntent,
    Generate,
    Key,
    NextImage,
    PickCandidate,
    PickCustomer,
    Search,
    SetCodeMode,
    SetSymbology,
    SetText,
    SetValidity,
    TogglePrint,
)
from kiosk.flows.staff.messages import server_message
from kiosk.flows.staff.typing_state import fork
from kiosk.flows.staff_states import Message, StaffIssueForm
from kiosk.flows.voucher_form import (
    CODE_MODES,
    COMPOSE_FIELDS,
    SYMBOLOGIES,
    TEXT_FIELDS,
    VALIDITY_KINDS,
    CodeMode,
    Customer,
    ValidityKind,
    VoucherForm,
    step_date,
)
from kiosk.scan_kinds import ScanKind

log = logging.getLogger(__name__)

COMPOSING_INTENTS = (Key, Backspace, PickCandidate, CandidatePage)


@dataclass(frozen=True)
class IssueForm:
    """The form's model: the page shown, which fields show errors, and the typing state."""

    view: StaffIssueForm
    key: str  # the idempotency key: one voucher per form, however often GENERATE is retried
    shown_errors: frozenset[str] = frozenset()
    typing: FieldComposer | None = field(default=None, compare=False, repr=False)


# -- what the staff flow learns when the form is done -----------------------------------------


@dataclass(frozen=True)
class Leave:
    """Back: the menu shows."""


@dataclass(frozen=True)
class SessionEnded:
    """The server refused the staff token (or there is none): staff mode ends."""


@dataclass(frozen=True)
class Issued:
    voucher: Voucher
    form: VoucherForm


Outcome = Leave | SessionEnded | Issued


class FormStep(NamedTuple):
    form: IssueForm
    effects: tuple[Effect, ...] = ()
    outcome: Outcome | None = None


@dataclass(frozen=True)
class FormContext:
    """What the form needs from staff mode for one step."""

    today: date
    session: StaffSession | None


def open_form(
    images: tuple[str, ...], today: date, key: str, typing: FieldComposer | None
) -> IssueForm:
    view = StaffIssueForm(form=VoucherForm(images=images), min_date=today.isoformat())
    if typing is not None:
        typing, _ = fork(typing)
        typing.commit()
    return IssueForm(view=view, key=key, typing=typing)


def step_form(form: IssueForm, event: Event, ctx: FormContext) -> FormStep:
    """One event for the form; busy (a call running), only its answer is heard."""
    match event:
        case Answered():
            return _answered(form, event, ctx)
        case _ if form.view.busy:
            return FormStep(form)
        case Scanned(scan=scan):
            return _scan(_commit(form), scan.kind, scan.value, scan.by_id, ctx)
        case FormIntent():
            return _intent(form, event, ctx)
        case _:
            return FormStep(form)


# -- showing ------------------------------------------------------------------------------------


def _show(form: IssueForm, today: date, /, **changes: Any) -> IssueForm:
    """The page with `changes`, showing the errors of the fields touched so far."""
    view = replace(form.view, **changes)
    all_errors = view.form.errors(today)
    shown = tuple((k, v) for k, v in all_errors.items() if k in form.shown_errors)
    return replace(form, view=replace(view, errors=shown))


def _edit(
    form: IssueForm, vform: VoucherForm, today: date, /, *fields: str, **changes: Any
) -> IssueForm:
    """Apply an edit and show the touched fields' errors at once (immediate validation)."""
    form = replace(form, shown_errors=form.shown_errors | set(fields))
    return _show(form, today, form=vform, message=None, **changes)


def error_field(text_field: str) -> str:
    """The field whose errors a text field's typing shows (validity_n -> validity)."""
    return {"validity_n": "validity"}.get(text_field, text_field)


# -- intents ------------------------------------------------------------------------------------


def _intent(form: IssueForm, intent: FormIntent, ctx: FormContext) -> FormStep:
    if not isinstance(intent, COMPOSING_INTENTS):
        form = _commit(form)  # focus moved, a toggle, GENERATE: what is composed is final
    match intent:
        case Key() | Backspace() | SetText():
            return _type(form, intent, ctx.today)
        case PickCandidate() | CandidatePage():
            return _candidate(form, intent, ctx.today)
        case Search():
            return _search(form, ctx)
        case Generate():
            return _generate(form, ctx)
        case PickCustomer(card_id=card_id):
            return FormStep(_pick_result(form, str(card_id), ctx.today))
        case _:
            return FormStep(_edit_intent(form, intent, ctx.today))


def _edit_intent(form: IssueForm, intent: FormIntent, today: date) -> IssueForm:
    vform = form.view.form
    match intent:
        case Focus(field=name) if name in TEXT_FIELDS:
            return _show(form, today, focus=name)
        case EndCompose():
            return _show(form, today)
        case DoneTyping():
            return _show(form, today, focus="", candidates=None)
        case SetCodeMode(mode=mode) if mode in CODE_MODES:
            focus = "code_value" if mode == "given" else form.view.focus
            code_mode: CodeMode = _code_mode(mode)
            edited = replace(vform, code_mode=code_mode)
            return _edit(form, edited, today, "code_value", "symbology", focus=focus)
        case SetSymbology(value=value) if value in SYMBOLOGIES:
            return _edit(form, replace(vform, symbology=value), today, "symbology")
        case SetValidity(kind=kind) if kind in VALIDITY_KINDS:
            return _set_validity(form, _validity(kind), today)
        case DateStep(unit=unit, delta=delta):
            base = vform.fixed_date or today
            new = step_date(base, str(unit), _int(delta, 0), today)
            return _edit(form, replace(vform, fixed_date=new), today, "validity")
        case NextImage():
            return _edit(
                form, replace(vform, image=_next_in(vform.image, vform.images)), today, "image"
            )
        case TogglePrint():
            return _show(form, today, form=replace(vform, print_copy=not vform.print_copy))
        case ClearCustomer():
            return _edit(form, replace(vform, customer=None), today, "code_value")
        case _:
            return form


def _code_mode(mode: str) -> CodeMode:
    return next(m for m in CODE_MODES if m == mode)


def _validity(kind: str) -> ValidityKind:
    return next(k for k in VALIDITY_KINDS if k == kind)


def _set_validity(form: IssueForm, kind: ValidityKind, today: date) -> IssueForm:
    vform = form.view.form
    focus = form.view.focus
    edited = replace(vform, validity=kind)
    if kind == "fixed_date" and vform.fixed_date is None:
        edited = replace(edited, fixed_date=today)
    if kind in ("days", "months"):
        focus = "validity_n"
    return _edit(form, edited, today, "validity", focus=focus)


# -- typing -------------------------------------------------------------------------------------


def _type(form: IssueForm, intent: Key | Backspace | SetText, today: date) -> FormStep:
    name = str(intent.field or form.view.focus)
    if name not in TEXT_FIELDS:
        return FormStep(form)
    if name in COMPOSE_FIELDS and isinstance(intent, Key | Backspace) and form.typing is not None:
        typing, learned = fork(form.typing)
        composed = _compose(typing, intent, name, form.view.form.text_of(name))
        form = replace(form, typing=typing)
        if composed is not None:
            return _with_learned(_show_composed(form, name, composed, today), learned.learned)
    form = _commit(form)
    text = form.view.form.text_of(name)
    match intent:
        case Key(char=char):
            text += str(char)
        case Backspace():
            text = text[:-1]
        case SetText(text=new):
            text = str(new)
    shown = () if name == "search" else (error_field(name),)
    return FormStep(_edit(form, form.view.form.with_text(name, text), today, *shown, focus=name))


def _compose(
    typing: FieldComposer, intent: Key | Backspace, name: str, text_now: str
) -> Composed | None:
    """The input method's answer to a key, or None when the key is plain typing."""
    if isinstance(intent, Backspace):
        return typing.backspace(name)
    return typing.key(name, str(intent.char), str(intent.ime), text_now, TEXT_FIELDS[name])


def _candidate(form: IssueForm, intent: PickCandidate | CandidatePage, today: date) -> FormStep:
    """A touch on the pinyin candidate bar: pick a word, or turn its page."""
    if form.typing is None:
        return FormStep(form)
    typing, learned = fork(form.typing)
    name = typing.field  # before pick(): a finished pick leaves the field
    if isinstance(intent, PickCandidate):
        composed = typing.pick(_int(intent.index, -1))
    else:
        composed = typing.turn_page(_int(intent.delta, 0))
    form = replace(form, typing=typing)
    return _with_learned(_show_composed(form, name, composed, today), learned.learned)


def _with_learned(form: IssueForm, learned: list[tuple[str, str]]) -> FormStep:
    return FormStep(form, tuple(LearnWord(letters=a, word=w) for a, w in learned))


def _show_composed(form: IssueForm, name: str, composed: Composed | None, today: date) -> IssueForm:
    if composed is None or not name:
        return form
    vform = replace(form.view.form.with_text(name, composed.text), composing=composed.composing)
    shown = () if name == "search" else (error_field(name),)
    return _edit(form, vform, today, *shown, focus=name, candidates=composed.bar)


def _commit(form: IssueForm) -> IssueForm:
    """The composed text stays in the field as shown; only the composing marks end."""
    if form.typing is not None and (form.typing.field or form.typing.active):
        typing, _ = fork(form.typing)
        typing.commit()
        form = replace(form, typing=typing)
    view = form.view
    if view.form.composing or view.candidates is not None:
        view = replace(view, form=replace(view.form, composing=0), candidates=None)
        form = replace(form, view=view)
    return form


# -- customer: search, pick, scan -----------------------------------------------------------------


def _search(form: IssueForm, ctx: FormContext) -> FormStep:
    query = form.view.form.search.strip()
    if len(query) < 2:
        msg = Message.of("staff.search.too_short", error=True)
        return FormStep(_show(form, ctx.today, message=msg, results=()))
    if ctx.session is None:
        return FormStep(form, outcome=SessionEnded())
    effect = SearchCards(query=query, session=ctx.session)
    return FormStep(_show(form, ctx.today, busy=True), (effect,))


def _pick_result(form: IssueForm, card_id: str, today: date) -> IssueForm:
    for row in form.view.results:
        if row.id == card_id:
            customer = Customer(card_id=row.id, display_name=row.display_name)
            return _with_customer(form, customer, today)
    return form


def _with_customer(form: IssueForm, customer: Customer, today: date) -> IssueForm:
    """The voucher is for this card now: the search field and its results are gone (and
    the keyboard stops typing into the search field, if it did)."""
    vform = replace(form.view.form, customer=customer, search="")
    focus = "" if form.view.focus == "search" else form.view.focus
    return _edit(form, vform, today, "code_value", results=(), focus=focus)


def _scan(form: IssueForm, kind: ScanKind, value: str, by_id: bool, ctx: FormContext) -> FormStep:
    """A scan ends a composition like any other input; a card picks the customer."""
    if kind == ScanKind.CARD:
        return FormStep(_show(form, ctx.today, busy=True), (CardByToken(token=value),))
    if kind == ScanKind.VOUCHER and not by_id:
        # A POS promo barcode scanned at the counter becomes the "given" redeem code.
        vform = replace(form.view.form, code_mode="given").with_text("code_value", value)
        return FormStep(_edit(form, vform, ctx.today, "code_value", "symbology"))
    msg = Message.of("staff.scan.not_a_card", error=True)
    return FormStep(_show(form, ctx.today, message=msg))


# -- GENERATE -----------------------------------------------------------------------------------


def _generate(form: IssueForm, ctx: FormContext) -> FormStep:
    vform = form.view.form
    problems = vform.errors(ctx.today)
    if problems:
        form = replace(form, shown_errors=form.shown_errors | set(problems))
        msg = Message.of("staff.form.fix_errors", error=True, n=len(problems))
        log.info("voucher form refused locally: %s", ", ".join(sorted(problems)))
        return FormStep(_show(form, ctx.today, message=msg))
    if ctx.session is None:
        return FormStep(form, outcome=SessionEnded())
    effect = IssueVoucher(session=ctx.session, body=vform.to_request(), idempotency_key=form.key)
    msg = Message.of("staff.form.sending")
    return FormStep(_show(form, ctx.today, busy=True, message=msg), (effect,))


# -- answers -------------------------------------------------------------------------------------


def _answered(form: IssueForm, answer: Answered, ctx: FormContext) -> FormStep:
    if answer.error is not None:
        return _server_error(form, answer.error, ctx.today)
    match answer:
        case Answered(effect=SearchCards(query=query), result=rows):
            results = _cards(rows)
            msg = None if results else Message.of("staff.search.none", query=query)
            # cards found: typing ends, the staff picks one (on a small panel the results
            # show on the form, where the keyboard was); none: the search text stays focused
            focus = "" if results else form.view.focus
            shown = _show(form, ctx.today, busy=False, results=results, message=msg, focus=focus)
            return FormStep(shown)
        case Answered(effect=CardByToken(), result=Customer() as customer):
            done = replace(form, view=replace(form.view, busy=False))
            return FormStep(_with_customer(done, customer, ctx.today))
        case Answered(effect=IssueVoucher(), result=Voucher() as voucher):
            log.info("voucher %s issued (customer card: %s)", voucher.id, bool(voucher.card_id))
            done = replace(form, view=replace(form.view, busy=False))
            return FormStep(done, outcome=Issued(voucher, form.view.form))
        case _:
            return FormStep(_show(form, ctx.today, busy=False))


def _cards(rows: object) -> tuple[CardSummary, ...]:
    """SearchCards' answer (a list of CardSummary) as the page's results."""
    if not isinstance(rows, list | tuple):
        return ()
    return tuple(r for r in cast(list[object], rows) if isinstance(r, CardSummary))


def _server_error(form: IssueForm, exc: BaseException, today: date) -> FormStep:
    """The server's refusal in words; the form stays as typed (nothing lost)."""
    if not isinstance(exc, errors.ApiError):
        log.warning("staff request failed: %s", type(exc).__name__)
        exc = errors.ApiError(type(exc).__name__)
    if isinstance(exc, errors.Unauthorized):
        log.info("staff token refused by the server: session ended")
        return FormStep(form, outcome=SessionEnded())
    log.warning("staff request failed: %s", exc.code)
    return FormStep(_show(form, today, busy=False, message=server_message(exc)))


# -- small helpers ---------------------------------------------------------------------------------


def _next_in(current: str | None, options: tuple[str, ...]) -> str | None:
    """Cycle none -> first image -> ... -> last -> none (one big button, no tiny dropdown)."""
    choices: list[str | None] = [None, *options]
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else None


def _int(value: object, default: int) -> int:
    """A number from a touch's data; anything else (a forged or stale touch) is the default."""
    if isinstance(value, int | str):
        try:
            return int(value)
        except ValueError:
            return default
    return default
