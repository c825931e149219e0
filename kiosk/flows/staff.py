"""Staff mode: unlock, issue one-time vouchers, and the counter tools.

Plain Python driven by touches, scans and `tick()`; the UI renders the published states.
Why the PIN lives here and not in the UI: the keypad only reports "a digit was pressed",
the flow keeps the digits in memory for the one login call and forgets them right after,
and states only say how many were typed. The staff token lives in `_session` and is
dropped when the session ends (Exit, inactivity, or the server's expiry); it is never
logged, published or written anywhere.

Why a runner: every network and printer call goes through `runner` (the controller's worker
pool in the app, inline in tests), so the UI thread never waits on Wi-Fi or paper. While a
call runs the screen shows "busy" and other touches wait; Exit still works, and an answer
that arrives after the session ended is dropped (an epoch counter says which is stale).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Protocol

from kiosk.api import errors
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import CardSummary, StaffSession, Voucher
from kiosk.config import LANGUAGES, Settings
from kiosk.day_summary import DayLog
from kiosk.flows.base import Clock, StateMachine, SystemClock, ViewState
from kiosk.flows.customer import Runner
from kiosk.flows.field_composer import Composed, FieldComposer
from kiosk.flows.staff_gate import LoginGate
from kiosk.flows.staff_printing import PrintDesk
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
from kiosk.flows.voucher_form import (
    CODE_MODES,
    COMPOSE_FIELDS,
    SYMBOLOGIES,
    TEXT_FIELDS,
    VALIDITY_KINDS,
    Customer,
    VoucherForm,
    step_date,
)
from kiosk.input_methods.pinyin_user import FILE_NAME as PINYIN_WORDS_FILE
from kiosk.input_methods.pinyin_user import UserWords
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

PIN_MIN, PIN_MAX = 4, 8

# Tool -> the staff permissions (from the server's session) that show it; "*" shows all.
# A session without one never sees the button, and the flow refuses the action too (a
# forged touch cannot open it). vouchers:issue is also enforced by the server itself; the
# counter tools are the kiosk's own, named in the staff member's permission list. The
# canonical names are "area:action" (as the reference server's); the older underscore
# spellings are accepted too.
TOOL_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "issue_voucher": ("vouchers:issue", "issue_vouchers", "issue_voucher"),
    "reprint": ("coupons:reprint", "reprint_coupons", "reprint"),
    "printer": ("printer:manage", "printer"),
    "day_summary": ("reports:day", "day_summary"),
    "diagnostics": ("diagnostics:open", "diagnostics"),
}
ALL_PERMISSIONS = "*"
GESTURE_ACTIONS = ("staff_open", "staff_unlock")  # what the attract screen's hidden gesture sends


class LoyaltyApi(Protocol):
    """What staff mode needs of kiosk.api.client.LoyaltyClient."""

    def staff_login(self, *, pin: str | None = None, badge: str | None = None) -> StaffSession: ...
    def issue_voucher(
        self, staff: StaffSession, voucher: Any, *, idempotency_key: str
    ) -> Voucher: ...
    def search_cards(self, query: str, *, staff: StaffSession) -> list[CardSummary]: ...
    def card_by_token(self, token: str) -> Any: ...
    def staff_logout(self, staff: StaffSession) -> None: ...


class StaffFlow(StateMachine[ViewState]):
    """The staff state machine. `active` is True from the gesture/badge until it closes."""

    def __init__(
        self,
        client: LoyaltyApi,
        printer: Any,
        settings: Settings,
        clock: Clock | None = None,
        device_log: DayLog | None = None,
        *,
        open_diagnostics: Callable[[], None] | None = None,
        shop_name: str = "",
        images: tuple[str, ...] = (),
        lang_source: Callable[[], str] | None = None,
        runner: Runner | None = None,
    ) -> None:
        super().__init__(StaffClosed(), clock or SystemClock())
        self.client = client
        self.settings = settings
        self.device_log = device_log if device_log is not None else _open_day_log(settings)
        self.open_diagnostics = open_diagnostics
        self.images = images
        cfg = settings.staff
        self.gate = LoginGate(
            self.clock,
            max_failures=cfg.max_failures,
            lockout_s=cfg.lockout_s,
            min_gap_s=cfg.min_attempt_gap_s,
        )
        self.desk = PrintDesk(printer, settings, self.clock, self.device_log, shop_name=shop_name)
        self.lang_source = lang_source or (lambda: settings.ui.language)
        self.lang = settings.ui.language
        self.active = False
        self._session: StaffSession | None = None
        self._deadline: float | None = None  # monotonic end of the server's session
        self._pin: list[str] = []
        self._last_activity = self.clock.monotonic()
        self._form_state = StaffIssueForm()
        self._form_key = new_idempotency_key()
        self._shown_errors: set[str] = set()
        words = UserWords(settings.device.state_dir / PINYIN_WORDS_FILE)
        self._typing = FieldComposer(user_words=words)  # Hangul / pinyin not final yet
        self.runner: Runner = runner or StaffRunner()
        self._mutex = threading.RLock()
        self._epoch = 0  # bumped when staff mode ends: answers of older calls are dropped
        self._inflight = False

    # -- entry points ------------------------------------------------------------------------

    def publish(self, state: ViewState) -> None:
        """Every staff state speaks the language the customer screen had when staff came."""
        if isinstance(state, StaffView) and state.lang != self.lang:
            state = replace(state, lang=self.lang)
        super().publish(state)

    def _enter(self) -> None:
        self.active = True
        self._touched()
        try:
            self.lang = self.lang_source() or self.settings.ui.language
        except Exception:  # a language lookup must never block staff login
            log.debug("language source failed", exc_info=True)
            self.lang = self.settings.ui.language

    @property
    def staff_name(self) -> str:
        return self._session.staff_name if self._session else ""

    def begin_unlock(self) -> None:
        """The hidden gesture on the attract screen: the PIN pad (or the lockout countdown)."""
        self._enter()
        self._pin.clear()
        if self.gate.seconds_locked():
            self.publish(StaffLocked(seconds_left=self.gate.seconds_locked()))
        else:
            self.publish(StaffPin())

    def on_scan(self, scan: ClassifiedScan) -> bool:
        """True when staff mode took the scan (then the customer flow must not see it)."""
        with self._mutex:
            return self._on_scan(scan)

    def _on_scan(self, scan: ClassifiedScan) -> bool:
        if self._inflight and self.active:
            return True  # one call at a time; the scan is not the customer's either
        if scan.kind == ScanKind.STAFF_BADGE and self._session is None:
            if not self.active:
                self._enter()
            self._touched()
            self._login(badge=scan.value)
            return True
        if not self.active:
            return False
        self._touched()
        if isinstance(self.state, StaffIssueForm) and not self.state.busy:
            self._form_scan(scan)
        return True

    def touch(self, action: str, **data: Any) -> None:
        """A touch on a staff screen; closed, only the gesture ("staff_open") is heard."""
        with self._mutex:
            self._touch(action, data)

    def _touch(self, action: str, data: dict[str, Any]) -> None:
        if not self.active:
            if action in GESTURE_ACTIONS:
                self.begin_unlock()
                if isinstance(data.get("lang"), str) and data["lang"] in LANGUAGES:
                    self.lang = data["lang"]  # the screen that saw the gesture says its language
                    self.publish(self.state)
            return
        self._touched()
        if action == "wake":
            return  # the app reports every touch as activity; it must not end a composition
        handler = getattr(self, f"_on_{type(self.state).__name__}", None)
        if action == "exit":
            self.close()
        elif self._inflight:
            return  # busy: the answer of the running call decides the next screen
        elif handler is not None:
            handler(action, data)

    def tick(self) -> None:
        """Call about once a second: inactivity timeout, session expiry, lockout countdown."""
        with self._mutex:
            self._tick()

    def _tick(self) -> None:
        if not self.active or self._inflight:
            return
        idle = self.clock.monotonic() - self._last_activity
        if idle >= self.settings.staff.session_timeout_s:
            log.info("staff mode closed after %.0f s without a touch", idle)
            self.close()
            return
        if self._deadline is not None and self.clock.monotonic() >= self._deadline:
            log.info("staff session expired")
            self.close()
            return
        state = self.state
        if isinstance(state, StaffLocked):
            left = self.gate.seconds_locked()
            if left == 0:
                self.publish(StaffPin(message=Message.of("staff.pin.try_again")))
            elif left != state.seconds_left:
                self.publish(StaffLocked(seconds_left=left))

    def close(self) -> None:
        """End staff mode: forget the token, the PIN, the form; the customer screen returns.

        The server is told too (best effort), so the token dies there and not only here.
        """
        with self._mutex:
            self._close()

    def _close(self) -> None:
        session, self._session = self._session, None
        self._epoch += 1
        self._inflight = False
        if session is not None and hasattr(self.client, "staff_logout"):
            self.runner(lambda: self.client.staff_logout(session), _logout_done)
        self._pin.clear()
        self._reset_form()
        self.active = False
        self.publish(StaffClosed())

    # -- helpers -------------------------------------------------------------------------------

    def _touched(self) -> None:
        self._last_activity = self.clock.monotonic()

    def _io(
        self, job: Callable[[], Any], done: Callable[[Any, BaseException | None], None]
    ) -> None:
        """Run blocking I/O through the runner; `done` runs under the flow's lock, unless
        staff mode ended while the call ran (then the answer is dropped)."""
        epoch = self._epoch
        self._inflight = True

        def finish(result: Any, exc: BaseException | None) -> None:
            with self._mutex:
                if epoch != self._epoch:
                    if isinstance(result, StaffSession):  # a login that came too late
                        self.runner(lambda: self.client.staff_logout(result), _logout_done)
                    return
                self._inflight = False
                self._touched()
                done(result, exc)

        self.runner(job, finish)

    def tools(self) -> tuple[str, ...]:
        if self._session is None:
            return ()
        perms = set(self._session.permissions)
        shown = [
            tool
            for tool, names in TOOL_PERMISSIONS.items()
            if ALL_PERMISSIONS in perms or perms.intersection(names)
        ]
        if self.open_diagnostics is None and "diagnostics" in shown:
            shown.remove("diagnostics")  # the technician screen is not installed
        return tuple(shown)

    def _allowed(self, tool: str) -> bool:
        return tool in self.tools()

    def _menu(self, message: Message | None = None) -> None:
        timeout = int(self.settings.staff.session_timeout_s)
        self.publish(
            StaffMenu(
                staff_name=self.staff_name, tools=self.tools(), message=message, timeout_s=timeout
            )
        )

    # -- PIN pad and login ------------------------------------------------------------------------

    def _on_StaffPin(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        if action == "pin_digit":
            digit = str(data.get("digit", ""))
            if len(digit) == 1 and digit.isdigit() and len(self._pin) < PIN_MAX:
                self._pin.append(digit)
            self.publish(StaffPin(pin_length=len(self._pin)))
        elif action == "pin_back":
            if self._pin:
                self._pin.pop()
            self.publish(StaffPin(pin_length=len(self._pin)))
        elif action == "pin_clear":
            self._pin.clear()
            self.publish(StaffPin())
        elif action == "pin_ok":
            if len(self._pin) < PIN_MIN:
                msg = Message.of("staff.pin.too_short", error=True, min=PIN_MIN)
                self.publish(StaffPin(pin_length=len(self._pin), message=msg))
                return
            pin = "".join(self._pin)
            self._pin.clear()
            self._login(pin=pin)
        elif action == "cancel":
            self.close()

    def _on_StaffLocked(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        if action == "cancel":
            self.close()

    def _login(self, *, pin: str | None = None, badge: str | None = None) -> None:
        if self.gate.seconds_locked():
            self.publish(StaffLocked(seconds_left=self.gate.seconds_locked()))
            return
        if self.gate.gap_left() > 0:
            self.publish(StaffPin(message=Message.of("staff.pin.wait", error=True)))
            return
        self.gate.attempt()
        self.publish(StaffPin(busy=True))

        def job() -> StaffSession:
            session = self.client.staff_login(pin=pin, badge=badge)
            self.desk.fetch_shop_name(self.client)
            return session

        self._io(job, lambda session, exc: self._login_done(session, exc, badge is not None))

    def _login_done(self, session: Any, exc: BaseException | None, by_badge: bool) -> None:
        try:
            if exc is not None:
                raise exc
        except errors.StaffLockedOut as exc:
            log.warning("staff login locked out by the server for %s s", exc.retry_after)
            self.gate.lock_for(max(exc.retry_after, 1))
            self.publish(StaffLocked(seconds_left=self.gate.seconds_locked()))
        except (
            errors.Unauthorized,
            errors.Forbidden,
            errors.InvalidRequest,
            errors.NotFound,
        ) as exc:
            self._login_failed(by_badge=by_badge, server_left=exc.problem.get("attempts_left"))
        except errors.Offline:
            self.publish(StaffPin(message=Message.of("staff.pin.offline", error=True)))
        except errors.ApiError as exc:
            log.warning("staff login failed: %s", exc.code)
            self.publish(StaffPin(message=Message.of("staff.pin.server_error", error=True)))
        except Exception as exc:  # noqa: BLE001 - a bug below must not leave the pad busy
            log.warning("staff login failed: %s", type(exc).__name__)
            self.publish(StaffPin(message=Message.of("staff.pin.server_error", error=True)))
        else:
            self.gate.succeeded()
            self._session = session
            self._deadline = self._session_deadline(session)
            log.info("staff session started (staff %s)", session.staff_id)
            self._menu()

    def _session_deadline(self, session: StaffSession) -> float | None:
        """The server's expiry on our monotonic clock; a kiosk clock that is off (ttl <= 0)
        cannot end the session early: the server's 401 does that."""
        if session.expires_at is None:
            return None
        ttl = (session.expires_at - self.clock.now()).total_seconds()
        return self.clock.monotonic() + ttl if ttl > 0 else None

    def _login_failed(self, *, by_badge: bool, server_left: Any = None) -> None:
        self.gate.failed()
        if server_left == 0:  # the server has locked this kiosk: so do we
            self.gate.lock_for(self.gate.lockout_s)
        log.warning("staff login refused (%s)", "badge" if by_badge else "PIN")
        if self.gate.seconds_locked():
            self.publish(StaffLocked(seconds_left=self.gate.seconds_locked()))
            return
        key = "staff.pin.badge_wrong" if by_badge else "staff.pin.wrong"
        left = self.gate.tries_left()
        if isinstance(server_left, int) and 0 < server_left < left:
            left = server_left
        self.publish(StaffPin(message=Message.of(key, error=True, left=left)))

    # -- menu ---------------------------------------------------------------------------------------

    def _on_StaffMenu(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        if action == "open_issue" and self._allowed("issue_voucher"):
            self._reset_form()
            self._publish_form()
        elif action == "open_tools":
            self._show_tools()
        elif action == "diagnostics" and self._allowed("diagnostics"):
            self._open_diagnostics()

    def _open_diagnostics(self) -> None:
        assert self.open_diagnostics is not None
        self.close()  # staff mode ends; the technician screen asks for its own PIN
        self.open_diagnostics()

    # -- issue voucher form ---------------------------------------------------------------------------

    def _reset_form(self) -> None:
        today = self.clock.now().astimezone().date()
        images = self.images or self.desk.images
        self._form_state = StaffIssueForm(
            form=VoucherForm(images=images), min_date=today.isoformat()
        )
        self._form_key = new_idempotency_key()
        self._shown_errors = set()
        self._typing.commit()
        if self.lang == "zh":  # Chinese screens open on the pinyin layer
            self._typing.preload()

    def _today(self):
        return self.clock.now().astimezone().date()

    def _publish_form(self, **changes: Any) -> None:
        state = replace(self._form_state, **changes)
        all_errors = state.form.errors(self._today())
        shown = tuple((k, v) for k, v in all_errors.items() if k in self._shown_errors)
        self._form_state = replace(state, errors=shown)
        self.publish(self._form_state)

    def _edit(self, form: VoucherForm, *fields: str, **changes: Any) -> None:
        """Apply an edit and show the touched fields' errors at once (immediate validation)."""
        self._shown_errors.update(fields)
        self._publish_form(form=form, message=None, **changes)

    def _on_StaffIssueForm(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        state = self._form_state
        if state.busy:
            return
        if action not in ("key", "backspace", "pick_candidate", "candidate_page"):
            self._commit()  # focus moved, a toggle, GENERATE: what is composed is final
            state = self._form_state
        form = state.form
        if action == "back":
            self._menu()
        elif action == "focus" and data.get("field") in TEXT_FIELDS:
            self._publish_form(focus=data["field"])
        elif action in ("key", "backspace", "set_text"):
            self._type(action, data)
        elif action in ("pick_candidate", "candidate_page"):
            self._candidate(action, data)
        elif action == "end_compose":  # the keyboard switched layers: _commit() ran above
            self._publish_form()
        elif action == "set_code_mode" and data.get("mode") in CODE_MODES:
            focus = "code_value" if data["mode"] == "given" else state.focus
            self._edit(
                replace(form, code_mode=data["mode"]), "code_value", "symbology", focus=focus
            )
        elif action == "set_symbology" and data.get("value") in SYMBOLOGIES:
            self._edit(replace(form, symbology=data["value"]), "symbology")
        elif action == "set_validity" and data.get("kind") in VALIDITY_KINDS:
            self._set_validity(form, data["kind"])
        elif action == "date_step":
            base = form.fixed_date or self._today()
            new = step_date(base, str(data.get("unit")), int(data.get("delta", 0)), self._today())
            self._edit(replace(form, fixed_date=new), "validity")
        elif action == "next_image":
            self._edit(replace(form, image=_next_in(form.image, form.images)), "image")
        elif action == "toggle_print":
            self._publish_form(form=replace(form, print_copy=not form.print_copy))
        elif action == "search":
            self._search(form.search)
        elif action == "pick_customer":
            self._pick_result(str(data.get("card_id", "")))
        elif action == "clear_customer":
            self._edit(replace(form, customer=None), "code_value")
        elif action == "generate":
            self._generate()

    def _type(self, action: str, data: dict[str, Any]) -> None:
        state = self._form_state
        name = str(data.get("field") or state.focus)
        if name not in TEXT_FIELDS:
            return
        if name in COMPOSE_FIELDS and action in ("key", "backspace"):
            composed = self._compose(action, name, data)
            if composed is not None:
                self._show_composed(name, composed)
                return
        self._commit()
        state = self._form_state
        text = state.form.text_of(name)
        if action == "key":
            text += str(data.get("char", ""))
        elif action == "backspace":
            text = text[:-1]
        else:
            text = str(data.get("text", ""))
        shown = () if name == "search" else (_error_field(name),)
        self._edit(state.form.with_text(name, text), *shown, focus=name)

    # -- Hangul and pinyin: composed text is shown live in the field (field_composer.py) -------

    def _compose(self, action: str, name: str, data: dict[str, Any]) -> Composed | None:
        """The input method's answer to a key, or None when the key is plain typing."""
        if action == "backspace":
            return self._typing.backspace(name)
        text_now = self._form_state.form.text_of(name)
        char, ime = str(data.get("char", "")), str(data.get("ime", ""))
        return self._typing.key(name, char, ime, text_now, TEXT_FIELDS[name])

    def _candidate(self, action: str, data: dict[str, Any]) -> None:
        """A touch on the pinyin candidate bar: pick a word, or turn its page."""
        name = self._typing.field  # before pick(): a finished pick leaves the field
        if action == "pick_candidate":
            composed = self._typing.pick(_int(data.get("index"), -1))
        else:
            composed = self._typing.turn_page(_int(data.get("delta"), 0))
        self._show_composed(name, composed)

    def _show_composed(self, name: str, composed: Composed | None) -> None:
        if composed is None or not name:
            return
        form = self._form_state.form.with_text(name, composed.text)
        form = replace(form, composing=composed.composing)
        shown = () if name == "search" else (_error_field(name),)
        self._edit(form, *shown, focus=name, candidates=composed.bar)

    def _commit(self) -> None:
        """The composed text stays in the field as shown; only the composing marks end."""
        self._typing.commit()
        state = self._form_state
        if state.form.composing or state.candidates is not None:
            form = replace(state.form, composing=0)
            self._form_state = replace(state, form=form, candidates=None)

    def _set_validity(self, form: VoucherForm, kind: str) -> None:
        changes: dict[str, Any] = {"validity": kind}
        focus = self._form_state.focus
        if kind == "fixed_date" and form.fixed_date is None:
            changes["fixed_date"] = self._today()
        if kind in ("days", "months"):
            focus = "validity_n"
        self._edit(replace(form, **changes), "validity", focus=focus)

    def _search(self, query: str) -> None:
        query = query.strip()
        if len(query) < 2:
            msg = Message.of("staff.search.too_short", error=True)
            self._publish_form(message=msg, results=())
            return
        session = self._session
        assert session is not None
        self._publish_form(busy=True)

        def done(results: Any, exc: BaseException | None) -> None:
            if exc is not None:
                self._server_error(exc)
                return
            msg = None if results else Message.of("staff.search.none", query=query)
            self._publish_form(busy=False, results=tuple(results), message=msg)

        self._io(lambda: self.client.search_cards(query, staff=session), done)

    def _pick_result(self, card_id: str) -> None:
        for row in self._form_state.results:
            if row.id == card_id:
                customer = Customer(card_id=row.id, display_name=row.display_name)
                form = replace(self._form_state.form, customer=customer, search="")
                self._edit(form, "code_value", results=())
                return

    def _form_scan(self, scan: ClassifiedScan) -> None:
        self._commit()  # a scan ends a composition like any other input
        form = self._form_state.form
        if scan.kind == ScanKind.CARD:
            self._publish_form(busy=True)

            def done(card: Any, exc: BaseException | None) -> None:
                if exc is not None:
                    self._server_error(exc)
                    return
                customer = Customer(card_id=card.id, display_name=card.display_name)
                picked = replace(self._form_state.form, customer=customer)
                self._edit(picked, "code_value", results=(), busy=False)

            self._io(lambda: self.client.card_by_token(scan.value), done)
        elif scan.kind == ScanKind.VOUCHER and not scan.by_id:
            # A POS promo barcode scanned at the counter becomes the "given" redeem code.
            form = replace(form, code_mode="given").with_text("code_value", scan.value)
            self._edit(form, "code_value", "symbology")
        else:
            self._publish_form(message=Message.of("staff.scan.not_a_card", error=True))

    def _generate(self) -> None:
        form = self._form_state.form
        problems = form.errors(self._today())
        if problems:
            self._shown_errors.update(problems)
            msg = Message.of("staff.form.fix_errors", error=True, n=len(problems))
            self._publish_form(message=msg)
            log.info("voucher form refused locally: %s", ", ".join(sorted(problems)))
            return
        if self._session is None:
            self.close()
            return
        self._publish_form(busy=True, message=Message.of("staff.form.sending"))
        session, key, body = self._session, self._form_key, form.to_request()

        def done(voucher: Any, exc: BaseException | None) -> None:
            if exc is not None:
                self._server_error(exc)
                return
            log.info("voucher %s issued (customer card: %s)", voucher.id, bool(voucher.card_id))
            self.desk.record("voucher_issued", voucher.id)
            self._after_issue(form, voucher)

        self._io(lambda: self.client.issue_voucher(session, body, idempotency_key=key), done)

    def _server_error(self, exc: BaseException) -> None:
        """The server's refusal in words; the form stays as typed (nothing lost)."""
        if not isinstance(exc, errors.ApiError):
            log.warning("staff request failed: %s", type(exc).__name__)
            exc = errors.ApiError(type(exc).__name__)
        if isinstance(exc, errors.Unauthorized):
            log.info("staff token refused by the server: session ended")
            self.close()
            return
        log.warning("staff request failed: %s", exc.code)
        self._publish_form(busy=False, message=server_message(exc))

    def _after_issue(self, form: VoucherForm, voucher: Voucher) -> None:
        self._form_key = new_idempotency_key()  # the next GENERATE is a new voucher
        self._form_state = replace(self._form_state, busy=False)
        must_print = form.customer is None or form.print_copy

        def job() -> StaffIssued:
            state = self.desk.issued_state(voucher, form.customer)
            return self.desk.print_last(state) if must_print else state

        self._io(job, self._publish_result)

    def _publish_result(self, state: Any, exc: BaseException | None) -> None:
        """The outcome of a printer job (the desk turns every printer fault into words)."""
        if exc is not None:
            log.warning("staff print step failed: %s", type(exc).__name__)
            self._menu(Message.of("staff.print.failed", error=True, reason=type(exc).__name__))
            return
        self.publish(state)

    # -- after issuing ----------------------------------------------------------------------------------

    def _on_StaffIssued(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        state = self.state
        assert isinstance(state, StaffIssued)
        if action == "print" and state.can_print:
            self._io(lambda: self.desk.print_last(state), self._publish_result)
        elif action == "retry_print" and state.can_retry:
            self._io(lambda: self.desk.retry_last(state), self._publish_result)
        elif action == "new_voucher":
            self._reset_form()
            self._publish_form()
        elif action == "back":
            self._menu()

    # -- counter tools -----------------------------------------------------------------------------------

    def _show_tools(self, action: Callable[[], Message] | None = None) -> None:
        """Run a tool (printer I/O, off the UI thread) and show the tools with its outcome."""
        printer = self._allowed("printer")
        summary = self._allowed("day_summary")
        if isinstance(self.state, StaffTools):
            self.publish(replace(self.state, message=Message.of("staff.pin.checking")))

        def job() -> StaffTools:
            message = action() if action is not None else None
            return StaffTools(
                tools=self.tools(),
                printer_lines=self.desk.status_lines() if printer else (),
                summary=self.desk.summary() if summary else None,
                has_last_coupon=self.desk.has_last_coupon(),
                message=message,
            )

        self._io(job, self._publish_result)

    def _on_StaffTools(self, action: str, data: dict[str, Any]) -> None:  # noqa: N802
        if action == "back":
            self._menu()
        elif action == "reprint_last" and self._allowed("reprint"):
            self._show_tools(self.desk.reprint_last)
        elif action == "printer_status" and self._allowed("printer"):
            self._show_tools()
        elif action == "test_print" and self._allowed("printer"):
            self._show_tools(self.desk.test_print)
        elif action == "print_summary" and self._allowed("day_summary"):
            self._show_tools(self.desk.print_summary)
        elif action == "diagnostics" and self._allowed("diagnostics"):
            self._open_diagnostics()


class StaffRunner:
    """The default runner: one worker thread, so staff calls run in order and never on the
    UI thread (tests pass kiosk.flows.customer.run_inline to stay synchronous)."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-staff")

    def __call__(self, job: Callable[[], Any], done: Callable[[Any, BaseException | None], None]):
        def task() -> None:
            try:
                result = job()
            except Exception as exc:  # the flow turns it into words
                log.debug("job failed; handed to the flow", exc_info=True)
                done(None, exc)
                return
            done(result, None)

        self.pool.submit(task)


def _logout_done(_result: Any, exc: BaseException | None) -> None:
    if exc is not None:  # offline: the token expires on the server by itself
        log.info("staff logout not confirmed: %s", type(exc).__name__)


def _open_day_log(settings: Settings) -> DayLog | None:
    """The kiosk's own day log in state_dir; without it staff mode still works (no summary)."""
    try:
        return DayLog(settings.device.state_dir)
    except Exception as exc:  # noqa: BLE001 - unwritable state_dir, odd file: say it, go on
        log.warning("day log not available: %s", exc)
        return None


def _next_in(current: str | None, options: tuple[str, ...]) -> str | None:
    """Cycle none -> first image -> ... -> last -> none (one big button, no tiny dropdown)."""
    choices: list[str | None] = [None, *options]
    return choices[(choices.index(current) + 1) % len(choices)] if current in choices else None


def _error_field(text_field: str) -> str:
    return {"validity_n": "validity"}.get(text_field, text_field)


SERVER_MESSAGES: dict[type[errors.ApiError], str] = {
    errors.RedeemCodeTaken: "staff.server.code_taken",
    errors.Forbidden: "staff.server.forbidden",
    errors.CardNotFound: "staff.server.card_not_found",
    errors.NotFound: "staff.server.not_found",
    errors.InvalidRequest: "staff.server.invalid",
    errors.Offline: "staff.server.offline",
    errors.ServerError: "staff.server.error",
    errors.BadResponse: "staff.server.error",
    errors.IdempotencyKeyReused: "staff.server.error",
}


def server_message(exc: errors.ApiError) -> Message:
    """The server's error in the staff member's language; its own detail as a fallback."""
    for cls in type(exc).__mro__:
        if cls in SERVER_MESSAGES:
            return Message.of(SERVER_MESSAGES[cls], error=True, detail=_safe_detail(exc))
    return Message.of("staff.server.error", error=True, detail=_safe_detail(exc))


def _safe_detail(exc: errors.ApiError) -> str:
    detail = "".join(ch for ch in (exc.detail or "") if ch.isprintable())
    return detail[:160]


def _int(value: Any, default: int) -> int:
    """A number from a touch's data; anything else (a forged or stale touch) is the default."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
