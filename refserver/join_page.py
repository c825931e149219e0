"""The join page's HTML: a small form, its errors, and the web card it leads to.

Every value that came from a person (names, the shop's texts, the form's own echo) goes
through `html.escape` before it lands in the page, and the page runs no script at all
(its Content-Security-Policy forbids any), so a name like `<script>` is just text.
"""

from __future__ import annotations

import html

import segno

from refserver.join_words import words

# No script, no outside resource, no framing; the card page's URL is the card: no referrer.
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

_STYLE = """
body{font-family:system-ui,sans-serif;max-width:28rem;margin:1.5rem auto;padding:0 1rem;
color:#222;background:#faf7f2}h1{font-size:1.6rem}label{display:block;margin:.9rem 0 .2rem}
input[type=text],input[type=email],input[type=tel]{width:100%;font-size:1.1rem;padding:.5rem;
box-sizing:border-box}.consent{display:flex;gap:.5rem;align-items:flex-start;margin:1rem 0}
button{font-size:1.2rem;padding:.7rem 1.2rem;background:#6b3e26;color:#fff;border:0;
border-radius:.4rem}.err{color:#a00020;font-weight:600}.note{color:#666;font-size:.9rem}
.qr svg{width:100%;height:auto;max-width:18rem;background:#fff}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _page(lang: str, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def form_page(
    lang: str,
    shop: str,
    privacy: str,
    form_id: str,
    *,
    errors: tuple[str, ...] = (),
    values: dict[str, str] | None = None,
) -> str:
    """The join form; `errors` are word keys, `values` what to give back (already short)."""
    w, v = words(lang), values or {}
    errs = "".join(f'<p class="err" role="alert">{_e(w[k])}</p>' for k in errors)
    checked = " checked" if v.get("consent") else ""
    body = (
        f"<h1>{_e(w['title'])}</h1><p>{_e(w['lead'].format(shop=shop))}</p>{errs}"
        '<form method="post" accept-charset="utf-8">'
        f'<input type="hidden" name="form_id" value="{_e(form_id)}">'
        f'<label for="first_name">{_e(w["first_name"])}</label>'
        '<input type="text" id="first_name" name="first_name" maxlength="80" required '
        f'autocomplete="given-name" value="{_e(v.get("first_name", ""))}">'
        f'<label for="email">{_e(w["email"])}</label>'
        '<input type="email" id="email" name="email" maxlength="200" autocomplete="email" '
        f'value="{_e(v.get("email", ""))}">'
        f'<label for="phone">{_e(w["phone"])}</label>'
        '<input type="tel" id="phone" name="phone" maxlength="40" autocomplete="tel" '
        f'value="{_e(v.get("phone", ""))}">'
        f'<div class="consent"><input type="checkbox" id="consent" name="consent" value="yes"'
        f'{checked}><label for="consent">{_e(w["consent"].format(shop=shop))}</label></div>'
        f'<p class="note" id="privacy">{_e(privacy)}</p>'
        f'<button type="submit" id="submit">{_e(w["submit"])}</button></form>'
    )
    return _page(lang, w["title"], body)


def message_page(lang: str, title_key: str, body_key: str, again_url: str | None) -> str:
    w = words(lang)
    again = f'<p><a href="{_e(again_url)}">{_e(w["again"])}</a></p>' if again_url else ""
    body = f'<h1 id="message">{_e(w[title_key])}</h1><p>{_e(w[body_key])}</p>{again}'
    return _page(lang, w[title_key], body)


def card_page(lang: str, name: str, program: str, stamps: int, goal: int, token: str) -> str:
    """The web card (7stamp's "web, no Wallet save" platform): the QR the kiosk scans."""
    w = words(lang)
    qr = segno.make_qr(token, error="m").svg_inline(scale=8, border=4)
    body = (
        f'<h1 id="welcome">{_e(w["card_title"].format(name=name))}</h1>'
        f"<p>{_e(w['card_lead'].format(program=program))}</p>"
        f'<div class="qr" id="card-qr" data-token="{_e(token)}">{qr}</div>'
        f'<p id="stamps">{_e(w["stamps"].format(stamps=stamps, goal=goal))}</p>'
        f'<p class="note">{_e(w["keep"])}</p><p class="note" id="wallet">{_e(w["wallet"])}</p>'
    )
    return _page(lang, w["card_title"].format(name=name), body)
