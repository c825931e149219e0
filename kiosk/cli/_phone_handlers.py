"""The phone pad's effects, carried out: hash the number with the shop's key, then ask.

Why here (the composition root): the flow holds the typed number only in its views; this
handler turns it into the keyed hash at once (kiosk.phone_numbers) and only the hash goes
to the cloud or the outbox. The key comes from GET /device (`PhoneKey.set`, called by
KioskParts.load_cloud_settings) and is kept in memory only: a kiosk that starts offline
has no key, and then says "not now" instead of storing anything it could not protect.
Nothing here logs the number or its hash.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Protocol

from kiosk.api import errors
from kiosk.api.models import PhoneHint
from kiosk.flows.customer.phone import PhoneLookUp, PhoneStamp
from kiosk.flows.runtime import Handlers
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.phone_numbers import phone_hash

log = logging.getLogger(__name__)


class PhoneKey:
    """The shop's phone key, in memory only (set from GET /device)."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._lock = threading.Lock()

    def set(self, key_hex: str | None) -> None:
        with self._lock:
            self._key = key_hex

    def hash(self, number: str) -> str | None:
        with self._lock:
            key = self._key
        return phone_hash(key, number) if key else None


class PhoneLookupApi(Protocol):
    def phone_lookup(self, phone_hash: str) -> PhoneHint: ...


class PhoneStampPath(Protocol):
    def stamp_phone(
        self, phone_hash: str, *, scanned_at: datetime, key: str | None = None
    ) -> StampOutcome: ...


class PhoneEffects:
    def __init__(self, key: PhoneKey, api: PhoneLookupApi, stamps: PhoneStampPath) -> None:
        self.key, self.api, self.stamps = key, api, stamps

    def look_up(self, effect: PhoneLookUp) -> PhoneHint:
        hashed = self.key.hash(effect.number)
        if hashed is None:
            raise errors.Offline("no phone key from the cloud yet")
        try:
            return self.api.phone_lookup(hashed)
        except errors.ApiError as exc:
            log.info("phone lookup: %s", exc.code)  # the code only, never the number
            raise

    def stamp(self, effect: PhoneStamp) -> StampOutcome:
        hashed = self.key.hash(effect.number)
        if hashed is None:
            return StampOutcome(StampKind.NOT_SAVED, reason="no_phone_key")
        return self.stamps.stamp_phone(hashed, scanned_at=effect.scanned_at)


def phone_handlers(effects: PhoneEffects) -> Handlers:
    return Handlers().on(PhoneLookUp, effects.look_up).on(PhoneStamp, effects.stamp)
