"""The barista's tools carried out (kiosk/flows/staff/barista.py): the staff token's calls.

Also the day's staff activity (who stamped by hand, redeemed, issued) as printable lines,
for the tools page and the printed day summary. The staff token stays in the effect's
session (its repr hides it); nothing here logs a card token.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from kiosk.api.models import ActivityEntry, CardSummary, StaffSession
from kiosk.flows.runtime import Handlers
from kiosk.flows.staff.barista import CheckVoucher, FindCard, FindCards, StaffRedeem, StaffStamps
from kiosk.i18n import tr


def barista_handlers(client: Any) -> Handlers:
    return (
        Handlers()
        .on(CheckVoucher, lambda e: _check(client, e))
        .on(StaffRedeem, lambda e: _redeem(client, e))
        .on(FindCard, lambda e: _card(client, e.token))
        .on(FindCards, lambda e: client.search_cards(e.query, staff=_session(e.session)))
        .on(StaffStamps, lambda e: _stamps(client, e))
    )


def _session(session: StaffSession | None) -> StaffSession:
    if session is None:
        raise RuntimeError("no staff session")  # the flow only asks with one
    return session


def _check(client: Any, e: CheckVoucher) -> Any:
    return client.staff_check_voucher(_session(e.session), code=e.code, voucher_id=e.voucher_id)


def _redeem(client: Any, e: StaffRedeem) -> Any:
    assert e.at is not None
    return client.redeem(
        e.voucher_id, idempotency_key=e.key, occurred_at=e.at, staff=_session(e.session)
    )


def _card(client: Any, token: str) -> CardSummary:
    card = client.card_by_token(token)
    return CardSummary(
        id=card.id,
        display_name=card.display_name,
        stamps=card.stamps,
        goal=card.goal,
        program_name=card.program_name,
    )


def _stamps(client: Any, e: StaffStamps) -> Any:
    assert e.at is not None
    return client.staff_add_stamps(
        _session(e.session),
        e.card_id,
        count=e.count,
        reason=e.reason,
        idempotency_key=e.key,
        occurred_at=e.at,
    )


def activity_lines(
    client: Any, session: StaffSession | None, day: date, lang: str
) -> tuple[str, ...]:
    """The day's staff activity in words (empty without a session or a permission for it:
    the summary still prints the kiosk's own figures)."""
    if session is None or not hasattr(client, "staff_activity"):
        return ()
    start = datetime.combine(day, time(0)).astimezone()
    try:
        entries = client.staff_activity(session, since=start, until=start + timedelta(days=1))
    except Exception:  # noqa: BLE001 - offline or not allowed: the summary goes on without
        return (tr("staff.activity.unavailable", lang),)
    if not entries:
        return (tr("staff.activity.none", lang),)
    return tuple(_line(e, lang) for e in entries)


def _line(e: ActivityEntry, lang: str) -> str:
    at = e.at.astimezone().strftime("%H:%M")
    return tr(
        f"staff.activity.{e.kind}", lang, time=at, name=e.staff_name, count=e.count, detail=e.detail
    )
