"""The join page: a new customer scans the kiosk's QR, fills a small form, gets a card.

GET /join/{location_id} serves the form; POST creates the card in the location's program
(else the shop's newest) and redirects to the web card, GET /join/card/{token}, whose QR
the kiosk scans. Plain HTML forms: no script, so it works on any phone.

What the page holds up against (tests/counter/test_join_page.py, in a real browser too):
- HTML or script in a field: escaped on every page, and the page's CSP runs no script;
- huge fields: a field over its limit is refused with a message, never echoed back whole;
- a replayed form: its signed form id is recorded with the card in one transaction, so
  the same form sent again creates no second card (409 page);
- no consent: no card; the form comes back with the values and the reason.
The form id is signed (HMAC with a server secret) and carries its issue time, so serving
the form writes nothing: a crawler hitting the page cannot grow the database.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from refserver import phone
from refserver.clock import iso
from refserver.context import Context, context_of
from refserver.crypto import new_card_token, new_id
from refserver.join_page import HEADERS, card_page, form_page, message_page
from refserver.join_words import WORDS

router = APIRouter(tags=["join"], include_in_schema=False)

FORM_TTL_S = 2 * 3600
LIMITS = {"first_name": 80, "email": 200, "phone": 40, "consent": 8, "form_id": 120}
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LocationId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_]+$")]
Lang = Annotated[str, Query(max_length=5)]

DEFAULT_PRIVACY = (
    "{shop} uses your first name and the contact you give only to run your stamp card. "
    "It is never sold. Ask us at the counter to delete it at any time."
)


def _lang(value: str) -> str:
    return value if value in WORDS else "en"


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


# -- the signed form id ---------------------------------------------------------------


def _secret(c: Context) -> bytes:
    stored = c.db.get_meta("join_secret")
    if stored is None:
        c.db.set_meta("join_secret", secrets.token_hex(32))
        stored = c.db.get_meta("join_secret") or ""
    return bytes.fromhex(stored)


def _sign(c: Context, location_id: str, issued: int, nonce: str) -> str:
    msg = f"{location_id}.{issued}.{nonce}".encode()
    return hmac.new(_secret(c), msg, hashlib.sha256).hexdigest()[:32]


def new_form_id(c: Context, location_id: str) -> str:
    issued, nonce = int(c.clock.now().timestamp()), secrets.token_hex(12)
    return f"{issued}.{nonce}.{_sign(c, location_id, issued, nonce)}"


def form_id_ok(c: Context, location_id: str, form_id: str) -> bool:
    """Signed by this server for this location, and not older than FORM_TTL_S."""
    parts = form_id.split(".")
    if len(parts) != 3 or not parts[0].isdigit():
        return False
    issued, nonce, sig = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(sig, _sign(c, location_id, issued, nonce)):
        return False
    age = c.clock.now().timestamp() - issued
    return -60 <= age <= FORM_TTL_S


# -- lookups --------------------------------------------------------------------------


def _where(conn: sqlite3.Connection, location_id: str) -> tuple[sqlite3.Row, sqlite3.Row] | None:
    """(location joined with its shop, program) or None when there is nothing to join."""
    loc = conn.execute(
        "SELECT l.*, s.name AS shop_name, s.privacy_text FROM locations l "
        "JOIN shops s ON s.id = l.shop_id WHERE l.id=?",
        (location_id,),
    ).fetchone()
    if loc is None:
        return None
    prog = None
    if loc["program_id"]:
        prog = conn.execute(
            "SELECT * FROM programs WHERE id=? AND shop_id=?", (loc["program_id"], loc["shop_id"])
        ).fetchone()
    if prog is None:
        prog = conn.execute(
            "SELECT * FROM programs WHERE shop_id=? ORDER BY created_at DESC, id LIMIT 1",
            (loc["shop_id"],),
        ).fetchone()
    return (loc, prog) if prog is not None else None


def _privacy(loc: sqlite3.Row) -> str:
    shop = loc["shop_name"]
    return loc["privacy_text"] or DEFAULT_PRIVACY.format(shop=shop)


def _not_found(lang: str) -> HTMLResponse:
    return _html(message_page(lang, "not_found", "expired_body", None), 404)


# -- the routes -----------------------------------------------------------------------


@router.get("/join/{location_id}", response_class=HTMLResponse)
def join_form(location_id: LocationId, request: Request, lang: Lang = "en"):
    c, lang = context_of(request), _lang(lang)
    with c.db.tx() as conn:
        found = _where(conn, location_id)
    if found is None:
        return _not_found(lang)
    loc, _ = found
    form_id = new_form_id(c, location_id)
    return _html(form_page(lang, loc["shop_name"], _privacy(loc), form_id))


@router.post("/join/{location_id}", response_class=HTMLResponse)
async def join_submit(location_id: LocationId, request: Request, lang: Lang = "en"):
    c, lang = context_of(request), _lang(lang)
    fields = _parse(await request.body())
    if fields is None:
        return _html(message_page(lang, "err_too_long", "expired_body", str(request.url)), 400)
    form_id = fields.get("form_id", "")
    if not form_id_ok(c, location_id, form_id):
        return _html(message_page(lang, "expired_title", "expired_body", str(request.url)), 400)
    return _join(c, location_id, lang, form_id, fields)


def _parse(raw: bytes) -> dict[str, str] | None:
    """The form's fields (first value of each known one); None when a field is over its
    limit or the body is not a form (nothing of it is echoed back then)."""
    try:
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return None
    fields: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = (parsed.get(name) or [""])[0]
        if len(value) > limit:
            return None
        fields[name] = value.strip()
    return fields


def _problems(fields: dict[str, str]) -> tuple[tuple[str, ...], str | None]:
    """The word keys of what is wrong, and the phone number as E.164 (or None)."""
    errs: list[str] = []
    name = fields["first_name"]
    if not name or _CONTROL.search(name):
        errs.append("err_name")
    email = fields["email"]
    if email and not _EMAIL.match(email):
        errs.append("err_email")
    e164 = phone.normalize(fields["phone"]) if fields["phone"] else None
    if fields["phone"] and e164 is None:
        errs.append("err_phone")
    if fields["consent"] != "yes":
        errs.append("err_consent")
    return tuple(errs), e164


def _join(
    c: Context, location_id: str, lang: str, form_id: str, fields: dict[str, str]
) -> HTMLResponse | RedirectResponse:
    errs, e164 = _problems(fields)
    now = iso(c.clock.now())
    with c.db.tx(write=True) as conn:
        found = _where(conn, location_id)
        if found is None:
            return _not_found(lang)
        loc, prog = found
        if conn.execute("SELECT 1 FROM join_forms_used WHERE form_id=?", (form_id,)).fetchone():
            return _html(message_page(lang, "replayed_title", "replayed_body", None), 409)
        if errs:
            page = form_page(
                lang, loc["shop_name"], _privacy(loc), form_id, errors=errs, values=fields
            )
            return _html(page, 422)
        cid, token = new_id("crd"), new_card_token()
        conn.execute(
            "INSERT INTO cards(id, program_id, token, first_name, email, phone, created_at, "
            "phone_e164, consent_at, source, phone_hash) VALUES (?,?,?,?,?,?,?,?,?,'join',?)",
            (
                cid,
                prog["id"],
                token,
                fields["first_name"],
                fields["email"] or None,
                e164,
                now,
                e164,
                now,
                phone.card_phone_hash(conn, prog["id"], e164),
            ),
        )
        conn.execute(
            "INSERT INTO join_forms_used(form_id, card_id, used_at) VALUES (?,?,?)",
            (form_id, cid, now),
        )
    return RedirectResponse(f"/join/card/{token}?lang={lang}", status_code=303, headers=HEADERS)


@router.get("/join/card/{token}", response_class=HTMLResponse)
def web_card(
    token: Annotated[str, Path(min_length=1, max_length=256)], request: Request, lang: Lang = "en"
):
    """The card as a web page: whoever holds the link holds the card, like a wallet pass."""
    c, lang = context_of(request), _lang(lang)
    with c.db.tx() as conn:
        row = conn.execute(
            "SELECT c.first_name, c.stamps, p.name AS program, p.goal FROM cards c "
            "JOIN programs p ON p.id = c.program_id WHERE c.token=?",
            (token,),
        ).fetchone()
    if row is None:
        return _not_found(lang)
    page = card_page(lang, row["first_name"], row["program"], row["stamps"], row["goal"], token)
    return _html(page)
