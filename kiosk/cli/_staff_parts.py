"""Staff mode wired: the staff flow's effects carried out by the loyalty API, the printer,
the day log and the pinyin word store: the staff mode of the kiosk's one host
(kiosk/cli/_kiosk_parts.py kiosk_host).

Why here: the flow is pure and names these only as effects; the handlers may block (the
host runs them on its pool) and are typed against the Protocols below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from kiosk.api.models import CardSummary, StaffSession, Voucher
from kiosk.cli._barista_parts import activity_lines, barista_handlers
from kiosk.cli._kiosk_parts import Mode
from kiosk.config import Settings
from kiosk.day_summary import DayLog
from kiosk.flows.runtime import Handlers
from kiosk.flows.staff import StaffConfig, StaffFlow
from kiosk.flows.staff import effects as fx
from kiosk.flows.staff.printing import (
    JobOutcome,
    ToolFacts,
    outcome_of,
    status_to_lines,
    summary_coupon,
)
from kiosk.flows.staff.typing_state import new_composer
from kiosk.flows.voucher_form import Customer
from kiosk.i18n import tr
from kiosk.input_methods.pinyin_lexicon import LexiconError, default_lexicon
from kiosk.input_methods.pinyin_user import FILE_NAME as PINYIN_WORDS_FILE
from kiosk.input_methods.pinyin_user import UserWords

log = logging.getLogger(__name__)


class LoyaltyApi(Protocol):
    """What staff mode needs of kiosk.api.client.LoyaltyClient."""

    def staff_login(self, *, pin: str | None = None, badge: str | None = None) -> StaffSession: ...
    def issue_voucher(
        self, staff: StaffSession, voucher: Any, *, idempotency_key: str
    ) -> Voucher: ...
    def search_cards(self, query: str, *, staff: StaffSession) -> list[CardSummary]: ...
    def card_by_token(self, token: str) -> Any: ...


class StaffPrinter(Protocol):
    """What staff mode needs of devices.printer.service.PrinterService (reprint optional)."""

    def submit(self, coupon: Any) -> Any: ...
    def retry(self, job_id: str) -> Any: ...
    def preview_png(self, coupon: Any) -> Any: ...
    def status(self) -> Any: ...


def staff_handlers(
    client: LoyaltyApi,
    printer: StaffPrinter | None,
    device_log: DayLog | None,
    *,
    words: UserWords | None = None,
    lang: str = "en",
) -> Handlers:
    """Every staff effect -> the call that carries it out."""
    h = Handlers()
    h.on(fx.StaffLogin, lambda e: client.staff_login(pin=e.pin, badge=e.badge))
    h.on(fx.StaffLogout, lambda e: _logout(client, e.session))
    h.on(fx.FetchShop, lambda e: _shop_facts(client))
    h.on(fx.SearchCards, lambda e: _search(client, e))
    h.on(fx.CardByToken, lambda e: _customer(client, e.token))
    h.on(fx.IssueVoucher, lambda e: _issue(client, e))
    h.on(fx.RecordDay, lambda e: _record(device_log, e))
    h.on(fx.RenderPreview, lambda e: _preview(printer, e))
    h.on(fx.PrintCoupon, lambda e: _submit(printer, e.coupon))
    h.on(fx.RetryJob, lambda e: outcome_of(printer.retry(e.job_id)) if printer else None)
    h.on(fx.Reprint, lambda e: _reprint(printer, e))
    h.on(fx.PrintSummary, lambda e: _print_summary(printer, device_log, e, client))
    h.on(fx.LoadTools, lambda e: _tool_facts(printer, device_log, e, lang, client))
    h.on(fx.LearnWord, lambda e: words.learn(e.letters, e.word) if words else None)
    h.on(fx.PreloadPinyin, lambda e: _preload())
    h.include(barista_handlers(client))
    return h


def staff_mode(
    client: LoyaltyApi,
    printer: StaffPrinter | None,
    settings: Settings,
    device_log: DayLog | None = None,
    *,
    diagnostics: bool = False,
    shop_name: str = "",
    images: tuple[str, ...] = (),
    new_key: Callable[[], str] | None = None,
) -> Mode:
    """Staff mode: the flow and its handlers (`diagnostics`: a technician mode is installed,
    so the menu shows "Diagnostics")."""
    device_log = device_log if device_log is not None else open_day_log(settings)
    words = UserWords(settings.device.state_dir / PINYIN_WORDS_FILE)
    config = StaffConfig.from_settings(
        settings,
        shop_name=shop_name,
        images=images,
        diagnostics=diagnostics,
        composer=new_composer(words),
    )
    if new_key is not None:
        config = replace(config, new_key=new_key)
    handlers = staff_handlers(client, printer, device_log, words=words, lang=settings.ui.language)
    return Mode(StaffFlow(config), handlers)


def open_day_log(settings: Settings) -> DayLog | None:
    """The kiosk's own day log in state_dir; without it staff mode still works (no summary)."""
    try:
        return DayLog(settings.device.state_dir)
    except Exception as exc:  # noqa: BLE001 - unwritable state_dir, odd file: say it, go on
        log.warning("day log not available: %s", exc)
        return None


# -- the handlers ---------------------------------------------------------------------------


def _logout(client: Any, session: StaffSession | None) -> None:
    if session is not None and hasattr(client, "staff_logout"):
        client.staff_logout(session)  # offline: the token expires on the server by itself


def _shop_facts(client: Any) -> fx.ShopFacts:
    info = client.device()
    images = info.branding.get("voucher_images") or info.branding.get("images") or ()
    return fx.ShopFacts(
        name=str(info.location.name or ""),
        images=tuple(str(i) for i in images if isinstance(i, str)),
    )


def _search(client: LoyaltyApi, e: fx.SearchCards) -> list[CardSummary]:
    assert e.session is not None
    return list(client.search_cards(e.query, staff=e.session))


def _customer(client: LoyaltyApi, token: str) -> Customer:
    card = client.card_by_token(token)
    return Customer(card_id=str(card.id), display_name=str(card.display_name))


def _issue(client: LoyaltyApi, e: fx.IssueVoucher) -> Voucher:
    assert e.session is not None
    return client.issue_voucher(e.session, e.body, idempotency_key=e.idempotency_key)


def _record(device_log: DayLog | None, e: fx.RecordDay) -> None:
    if device_log is not None and e.at is not None:
        device_log.record(e.kind, e.at, e.ref)


def _preview(printer: StaffPrinter | None, e: fx.RenderPreview) -> bytes:
    if printer is None or e.coupon is None:
        return b""
    return bytes(printer.preview_png(e.coupon))


def _submit(printer: StaffPrinter | None, coupon: Any) -> JobOutcome | None:
    """Submit one coupon; the printer service keeps the job even when it fails."""
    if printer is None or coupon is None:
        return None
    return outcome_of(printer.submit(coupon))


def _reprint(printer: StaffPrinter | None, e: fx.Reprint) -> JobOutcome | None:
    """An explicit reprint, marked REPRINT on paper; never done without staff asking."""
    if printer is None:
        return None
    if e.job_id is not None and hasattr(printer, "reprint"):
        return outcome_of(printer.reprint(e.job_id))  # type: ignore[attr-defined]
    if e.coupon is None:
        return None
    return outcome_of(printer.submit(replace(e.coupon, reprint=True)))


def _print_summary(
    printer: StaffPrinter | None, device_log: DayLog | None, e: fx.PrintSummary, client: Any
) -> fx.SummaryPrinted:
    if device_log is None or e.day is None or e.at is None:
        return fx.SummaryPrinted(had_log=False)
    activity = activity_lines(client, e.session, e.day, e.lang)
    coupon = summary_coupon(device_log.summary(e.day), e.shop_name, e.lang, e.at, activity)
    return fx.SummaryPrinted(had_log=True, job=_submit(printer, coupon))


def _tool_facts(
    printer: StaffPrinter | None,
    device_log: DayLog | None,
    e: fx.LoadTools,
    lang: str,
    client: Any = None,
) -> ToolFacts:
    lines: tuple[str, ...] = ()
    if e.printer:
        lines = _status_lines(printer, lang)
    summary = None
    activity: tuple[str, ...] = ()
    if e.summary_day is not None and device_log is not None:
        summary = device_log.summary(e.summary_day)
        activity = activity_lines(client, e.session, e.summary_day, e.lang or lang)
    return ToolFacts(printer_lines=lines, summary=summary, activity=activity)


def _status_lines(printer: StaffPrinter | None, lang: str) -> tuple[str, ...]:
    """The printer's status as short lines (the service's own words, shown to staff)."""
    if printer is None:
        return (tr("staff.print.no_printer", lang),)
    try:
        status = printer.status()
    except Exception as exc:  # a status panel shows the error, never raises
        log.debug("printer status failed", exc_info=True)
        return (f"status: {type(exc).__name__}",)
    return status_to_lines(status)


def _preload() -> None:
    """Read the pinyin dictionary now (~1 s on a Pi), off the UI thread."""
    try:
        default_lexicon()
    except LexiconError as exc:
        log.error("pinyin input is off: %s (reinstall the kiosk package)", exc)
