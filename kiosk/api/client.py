"""The loyalty API client: the only place in the kiosk that speaks HTTP.

Small public surface in the spirit of `requests`: one `LoyaltyClient` with one method per
call of the contract, typed models in, typed models or typed errors out. Timeouts are
always explicit. Only safe requests are retried here: reads, and writes that carry an
Idempotency-Key (the server returns the first answer to a replay, so a retry cannot add a
second stamp). Longer-term retries of stamps belong to the outbox, not to this client.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, cast
from urllib.parse import quote

import requests

from kiosk import __version__
from kiosk.api import errors
from kiosk.api.models import (
    ActivityEntry,
    Card,
    CardSummary,
    CheckedVoucher,
    DeviceSettingsFromCloud,
    Pairing,
    PhoneHint,
    StaffSession,
    StampResult,
    Voucher,
)

log = logging.getLogger(__name__)

TokenSource = Callable[[], str | None]
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
_SECRET_SEGMENTS = re.compile(r"/(by-token|by-code)/[^/?]+")


def _redact(path: str) -> str:
    """A path fit for a log line: the card token or redeem code in it replaced by ***."""
    return _SECRET_SEGMENTS.sub(r"/\1/***", path)


def _seg(value: str) -> str:
    """Quote one untrusted value as a single URL path segment (no '/', no '..' tricks)."""
    return quote(value, safe="")


class LoyaltyClient:
    """HTTP client of the loyalty API v1 (`{server}/api/v1`)."""

    def __init__(
        self,
        server_url: str,
        token: str | TokenSource | None = None,
        *,
        connect_timeout: float = 3.0,
        read_timeout: float = 5.0,
        retries: int = 1,
        backoff: float = 0.2,
        verify_tls: bool | str = True,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = server_url.rstrip("/") + "/api/v1"
        self._token: TokenSource = token if callable(token) else (lambda: token)  # type: ignore[assignment]
        self.timeout = (connect_timeout, read_timeout)
        self.retries = retries
        self.backoff = backoff
        self._http = session or requests.Session()
        self._http.verify = verify_tls
        # Proxy settings are read from the environment once, here, instead of on every
        # request: requests' trust_env also stats ~/.netrc and scans os.environ per call,
        # a measurable share of the outbox drain's CPU on a Pi. The bearer token is ours;
        # netrc credentials must never apply anyway.
        self._http.trust_env = False
        self._http.proxies.update(requests.utils.get_environ_proxies(self.base_url))
        self._http.headers["User-Agent"] = f"stamp-kiosk/{__version__}"

    # -- plumbing ---------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        bearer: str | None = None,
        auth: bool = True,
    ) -> Any:
        headers: dict[str, str] = {"Accept": "application/json"}
        token = bearer or (self._token() if auth else None)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        safe_to_retry = method == "GET" or idempotency_key is not None
        attempts = 1 + (self.retries if safe_to_retry else 0)
        for attempt in range(attempts):
            try:
                return self._send_once(method, path, headers, json, params)
            except (errors.Offline, errors.ServerError, errors.BadResponse) as exc:
                if attempt + 1 >= attempts:
                    raise
                log.info("api %s %s: %s; retry %d", method, _redact(path), exc.code, attempt + 1)
                time.sleep(self.backoff * (2**attempt))
        raise AssertionError("unreachable")

    def _send_once(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        json: Mapping[str, Any] | None,
        params: Mapping[str, Any] | None,
    ) -> Any:
        url = self.base_url + path
        failure: errors.ApiError | None = None
        resp: requests.Response | None = None
        try:
            resp = self._http.request(
                method,
                url,
                headers=headers,
                json=json,
                params=params,
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            failure = self._network_error(exc)
        # Raised outside the except block: the requests exception (whose text holds the
        # full URL, with a card token in it) is neither __cause__ nor __context__.
        if failure is not None or resp is None:
            raise failure or errors.Offline(f"no answer from {self.base_url}")
        with resp:
            resp._content = self._read_body(resp)  # pyright: ignore[reportPrivateUsage] - bounded read, see below
        return self._decode(resp)

    def _network_error(self, exc: Exception) -> errors.ApiError:
        if isinstance(exc, requests.exceptions.SSLError):
            return errors.Offline(f"TLS failed for {self.base_url} (is the clock right?)")
        if isinstance(exc, requests.exceptions.Timeout):
            return errors.Offline(f"no answer from {self.base_url} within {self.timeout}s")
        return errors.Offline(f"cannot reach {self.base_url}: {type(exc).__name__}")

    def _read_body(self, resp: requests.Response) -> bytes:
        """Read the body within one overall deadline and a size cap.

        Why: requests' read timeout is per socket read, so a server trickling a byte every
        few seconds would hold a kiosk forever; and a broken proxy could send gigabytes.
        """
        deadline = time.monotonic() + self.timeout[1]
        chunks: list[bytes] = []
        size, failure = 0, None
        try:
            while chunk := resp.raw.read1(65536, decode_content=True):  # returns early
                size += len(chunk)
                chunks.append(chunk)
                if size > MAX_RESPONSE_BYTES:
                    failure = errors.BadResponse(f"answer larger than {MAX_RESPONSE_BYTES} bytes")
                    break
                if time.monotonic() > deadline:
                    failure = errors.Offline(
                        f"answer from {self.base_url} not complete within {self.timeout[1]}s"
                    )
                    break
        except Exception as exc:  # urllib3 protocol errors, read timeouts, resets
            log.debug("reading the answer broke off", exc_info=True)
            failure = errors.Offline(f"answer from {self.base_url} broke off: {type(exc).__name__}")
        if failure is not None:
            raise failure
        return b"".join(chunks)

    @staticmethod
    def _decode(resp: requests.Response) -> Any:
        if 300 <= resp.status_code < 400:
            raise errors.BadResponse(f"unexpected redirect (HTTP {resp.status_code})")
        try:
            body = resp.json() if resp.content else None
        except ValueError:
            body = None
        if resp.status_code >= 400:
            problem = cast(dict[str, Any], body) if isinstance(body, dict) else {}
            raise errors.error_from_problem(resp.status_code, problem)
        if body is None and resp.status_code != 204:
            raise errors.BadResponse(f"HTTP {resp.status_code} with no JSON body")
        return body

    @staticmethod
    def _parse(builder: Callable[[Any], Any], body: Any) -> Any:
        """Build a model; a wrong shape becomes BadResponse, never a KeyError in a flow."""
        try:
            return builder(body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise errors.BadResponse(f"unexpected answer shape: {type(exc).__name__}") from exc

    # -- device ------------------------------------------------------------------------

    def pair(self, pairing_code: str, device_name: str, hardware: Mapping[str, Any]) -> Pairing:
        body = self._request(
            "POST",
            "/devices/pair",
            json={
                "pairing_code": pairing_code,
                "device_name": device_name,
                "hardware": dict(hardware),
            },
            auth=False,
        )
        return self._parse(Pairing.from_json, body)

    def device(self) -> DeviceSettingsFromCloud:
        return self._parse(DeviceSettingsFromCloud.from_json, self._request("GET", "/device"))

    def device_if_changed(
        self, etag: str | None
    ) -> tuple[DeviceSettingsFromCloud | None, str | None]:
        """GET /device with If-None-Match: (None, etag) on 304 Not Modified, else the
        settings and their new ETag. Why: a kiosk polls every few minutes; unchanged
        settings then cost a header, not a body."""
        headers = {"Accept": "application/json"}
        token = self._token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if etag:
            headers["If-None-Match"] = etag
        try:
            resp = self._http.get(
                self.base_url + "/device",
                headers=headers,
                timeout=self.timeout,
                stream=True,
                allow_redirects=False,
            )
        except requests.exceptions.RequestException as exc:
            raise self._network_error(exc) from None
        with resp:
            resp._content = self._read_body(resp)  # pyright: ignore[reportPrivateUsage] - bounded read
        new_tag = resp.headers.get("ETag") or None
        if resp.status_code == 304:
            return None, new_tag or etag
        return self._parse(DeviceSettingsFromCloud.from_json, self._decode(resp)), new_tag

    def download(self, url: str, max_bytes: int, timeout_s: float = 20.0) -> bytes:
        """A media file (logo, slide, voucher image) by its full URL, at most `max_bytes`.

        Why here: only kiosk.api speaks HTTP. No bearer token goes along (the URL may be
        another host's), no redirects are followed, and the body is read within one
        deadline and the cap, so a huge or trickling file is refused, never buffered.
        """
        if not url.startswith(("http://", "https://")):
            raise errors.BadResponse("media URL must be http(s)")
        try:
            resp = self._http.get(
                url, timeout=(self.timeout[0], timeout_s), stream=True, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            raise errors.Offline(f"media not reachable: {type(exc).__name__}") from None
        with resp:
            if resp.status_code != 200:
                raise errors.BadResponse(f"media: HTTP {resp.status_code}")
            declared = int(resp.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise errors.BadResponse(f"media larger than {max_bytes} bytes")
            return self._read_capped(resp, max_bytes, timeout_s)

    @staticmethod
    def _read_capped(resp: requests.Response, max_bytes: int, timeout_s: float) -> bytes:
        deadline = time.monotonic() + timeout_s
        chunks: list[bytes] = []
        size = 0
        try:
            while chunk := resp.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > max_bytes:
                    raise errors.BadResponse(f"media larger than {max_bytes} bytes")
                if time.monotonic() > deadline:
                    raise errors.Offline("media not complete in time")
                chunks.append(chunk)
        except errors.ApiError:
            raise
        except Exception as exc:  # noqa: BLE001 - urllib3 protocol errors, resets
            raise errors.Offline(f"media broke off: {type(exc).__name__}") from None
        return b"".join(chunks)

    def heartbeat(self, status: Mapping[str, Any]) -> None:
        self._request("POST", "/device/heartbeat", json=dict(status))

    # -- cards and stamps --------------------------------------------------------------

    def card_by_token(self, token: str) -> Card:
        return self._parse(Card.from_json, self._request("GET", f"/cards/by-token/{_seg(token)}"))

    def add_stamp(
        self, card_id: str, *, idempotency_key: str, occurred_at: datetime, count: int = 1
    ) -> StampResult:
        body = self._request(
            "POST",
            f"/cards/{_seg(card_id)}/stamps",
            json={"count": count, "occurred_at": occurred_at.isoformat(), "channel": "kiosk"},
            idempotency_key=idempotency_key,
        )
        return self._parse(StampResult.from_json, body)

    # -- stamp by phone number (the number itself never leaves the kiosk: its keyed hash) --

    def phone_lookup(self, phone_hash: str) -> PhoneHint:
        body = self._request("POST", "/phone/lookup", json={"phone_hash": phone_hash})
        return self._parse(PhoneHint.from_json, body)

    def phone_stamp(
        self, phone_hash: str, *, idempotency_key: str, occurred_at: datetime
    ) -> StampResult:
        body = self._request(
            "POST",
            "/phone/stamps",
            json={"phone_hash": phone_hash, "occurred_at": occurred_at.isoformat()},
            idempotency_key=idempotency_key,
        )
        return self._parse(StampResult.from_json, body)

    def card_vouchers(self, card_id: str) -> list[Voucher]:
        body = self._request("GET", f"/cards/{_seg(card_id)}/vouchers")
        return self._parse(lambda b: [Voucher.from_json(v) for v in b["vouchers"]], body)

    def search_cards(self, query: str, *, staff: StaffSession) -> list[CardSummary]:
        body = self._request("GET", "/cards/search", params={"q": query}, bearer=staff.token)
        return self._parse(lambda b: [CardSummary.from_json(c) for c in b["cards"]], body)

    # -- vouchers ----------------------------------------------------------------------

    def voucher_by_code(self, code: str) -> Voucher:
        return self._parse(
            Voucher.from_json, self._request("GET", f"/vouchers/by-code/{_seg(code)}")
        )

    def voucher(self, voucher_id: str) -> Voucher:
        return self._parse(Voucher.from_json, self._request("GET", f"/vouchers/{_seg(voucher_id)}"))

    def redeem(
        self,
        voucher_id: str,
        *,
        idempotency_key: str,
        occurred_at: datetime,
        staff: StaffSession | None = None,
    ) -> Voucher:
        """Self-redeem with the device token, or (given `staff`) redeem any kind as staff."""
        body = self._request(
            "POST",
            f"/vouchers/{_seg(voucher_id)}/redeem",
            json={
                "occurred_at": occurred_at.isoformat(),
                "channel": "staff" if staff else "kiosk",
            },
            idempotency_key=idempotency_key,
            bearer=staff.token if staff else None,
        )
        return self._parse(Voucher.from_json, body)

    # -- staff ---------------------------------------------------------------------------

    def staff_login(self, *, pin: str | None = None, badge: str | None = None) -> StaffSession:
        payload = {"pin": pin} if pin is not None else {"badge": badge}
        return self._parse(
            StaffSession.from_json, self._request("POST", "/staff/sessions", json=payload)
        )

    def staff_check_voucher(
        self, staff: StaffSession, *, code: str = "", voucher_id: str = ""
    ) -> CheckedVoucher:
        """The barista's check: a voucher by its redeem code or id, with its card's name."""
        params = {"id": voucher_id} if voucher_id else {"code": code}
        body = self._request("GET", "/staff/vouchers/check", params=params, bearer=staff.token)
        return self._parse(CheckedVoucher.from_json, body)

    def staff_add_stamps(
        self,
        staff: StaffSession,
        card_id: str,
        *,
        count: int,
        reason: str,
        idempotency_key: str,
        occurred_at: datetime,
    ) -> StampResult:
        """Stamps by hand: the server records the staff member, the reason and the kiosk."""
        body = self._request(
            "POST",
            f"/cards/{_seg(card_id)}/stamps",
            json={
                "count": count,
                "occurred_at": occurred_at.isoformat(),
                "channel": "staff",
                "reason": reason,
            },
            idempotency_key=idempotency_key,
            bearer=staff.token,
        )
        return self._parse(StampResult.from_json, body)

    def staff_activity(
        self, staff: StaffSession, *, since: datetime, until: datetime
    ) -> list[ActivityEntry]:
        body = self._request(
            "GET",
            "/staff/activity",
            params={"since": since.isoformat(), "until": until.isoformat()},
            bearer=staff.token,
        )
        return self._parse(lambda b: [ActivityEntry.from_json(e) for e in b["entries"]], body)

    def staff_logout(self, staff: StaffSession) -> None:
        """End the staff session on the server now (the kiosk's Exit button)."""
        self._request("DELETE", "/staff/sessions/current", bearer=staff.token)

    def issue_voucher(
        self, staff: StaffSession, voucher: Mapping[str, Any], *, idempotency_key: str
    ) -> Voucher:
        """POST /vouchers with the staff token; `voucher` holds title, validity, ... as in the contract."""
        body = self._request(
            "POST",
            "/vouchers",
            json=dict(voucher),
            bearer=staff.token,
            idempotency_key=idempotency_key,
        )
        return self._parse(Voucher.from_json, body)
