"""A customer's phone on the shop's join page, for the demo's "join, then first scan".

The kiosk never fills the join form itself (a customer does, on their phone); the demo
plays that customer through the real page, as a browser would: GET the form, POST it,
follow the redirect to the web card, read the card's token from it. It lives here
because kiosk/api is the only place in the kiosk that speaks HTTP.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import requests

_FORM_ID = re.compile(r'name="form_id" value="([^"]+)"')
_TOKEN = re.compile(r'data-token="([^"]+)"')


class JoinFailed(RuntimeError):
    """The page did not give a card (the status code says why)."""


def join(url: str, first_name: str, *, phone: str = "", timeout: float = 5.0) -> str:
    """Fill the join page at `url` (with consent) and return the new card's token."""
    with requests.Session() as http:
        page = http.get(url, timeout=timeout)
        found = _FORM_ID.search(page.text)
        if page.status_code != 200 or found is None:
            raise JoinFailed(f"join page: HTTP {page.status_code}")
        fields = {"form_id": found.group(1), "first_name": first_name, "consent": "yes"}
        if phone:
            fields["phone"] = phone
        sent = http.post(url, data=fields, timeout=timeout, allow_redirects=False)
        if sent.status_code != 303:
            raise JoinFailed(f"join form: HTTP {sent.status_code}")
        card = http.get(urljoin(url, sent.headers["location"]), timeout=timeout)
        token = _TOKEN.search(card.text)
        if card.status_code != 200 or token is None:
            raise JoinFailed(f"web card: HTTP {card.status_code}")
        return token.group(1)
