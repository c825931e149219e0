"""Typed models of the loyalty API contract (v1).

The JSON field names of the wire format are the dataclass field names, so the reference
server, the client and the tests share one vocabulary. Models are frozen: flows publish
them inside immutable UI states.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Symbology = Literal["qr", "code128", "pdf417", "aztec", "ean13"]
Redemption = Literal["self_redeem", "staff_scan", "redeem_code"]
VoucherState = Literal["issued", "active", "redeemed", "expired"]
MilestoneRedemption = Literal["self_redeem", "staff_scan", "redeem_code", "lottery"]
LotteryKind = Literal["award", "voucher", "try_again", "no_prize"]


def parse_time(value: str | None) -> datetime | None:
    """Parse an ISO 8601 timestamp from the wire (always timezone-aware on the server)."""
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class RedeemCode:
    value: str
    symbology: Symbology = "qr"

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> RedeemCode | None:
        if not data:
            return None
        return cls(value=str(data["value"]), symbology=data.get("symbology", "qr"))


@dataclass(frozen=True)
class Voucher:
    id: str
    card_id: str | None
    title: str
    description: str
    image_url: str | None
    redemption: Redemption
    redeem_code: RedeemCode | None
    state: VoucherState
    valid_from: datetime | None
    valid_until: datetime | None
    redeemed_at: datetime | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Voucher:
        return cls(
            id=str(data["id"]),
            card_id=data.get("card_id"),
            title=str(data["title"]),
            description=str(data.get("description") or ""),
            image_url=data.get("image_url"),
            redemption=data["redemption"],
            redeem_code=RedeemCode.from_json(data.get("redeem_code")),
            state=data["state"],
            valid_from=parse_time(data.get("valid_from")),
            valid_until=parse_time(data.get("valid_until")),
            redeemed_at=parse_time(data.get("redeemed_at")),
        )

    @property
    def is_usable(self) -> bool:
        return self.state in ("issued", "active")


@dataclass(frozen=True)
class LotteryOutcome:
    kind: LotteryKind
    title: str

    @property
    def won(self) -> bool:
        return self.kind in ("award", "voucher")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LotteryOutcome:
        return cls(kind=data.get("kind", "no_prize"), title=str(data.get("title") or ""))


@dataclass(frozen=True)
class Milestone:
    stamps: int
    title: str
    redemption: MilestoneRedemption = "self_redeem"
    variants: tuple[LotteryOutcome, ...] = ()  # a lottery's outcomes (the wheel's segments)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Milestone:
        return cls(
            stamps=int(data["stamps"]),
            title=str(data["title"]),
            redemption=data.get("redemption", "self_redeem"),
            variants=tuple(LotteryOutcome.from_json(v) for v in data.get("variants") or ()),
        )


@dataclass(frozen=True)
class Card:
    """A stamp card as the kiosk may show it: first name only, never contact details."""

    id: str
    display_name: str
    program_name: str
    stamps: int
    goal: int
    milestones: tuple[Milestone, ...]
    vouchers: tuple[Voucher, ...]
    next_stamp_at: datetime | None
    # Daily limit (None: none), stamps the cloud counted today, and when its "today" ends:
    # an offline kiosk says "see you tomorrow" from the cached card (kiosk.stamping).
    daily_limit: int | None = None
    today_stamps: int = 0
    day_ends_at: datetime | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        return cls(
            id=str(data["id"]),
            display_name=str(data.get("display_name") or ""),
            program_name=str(data.get("program_name") or ""),
            stamps=int(data["stamps"]),
            goal=int(data["goal"]),
            milestones=tuple(Milestone.from_json(m) for m in data.get("milestones", [])),
            vouchers=tuple(Voucher.from_json(v) for v in data.get("vouchers", [])),
            next_stamp_at=parse_time(data.get("next_stamp_at")),
            daily_limit=_optional_int(data.get("daily_limit")),
            today_stamps=int(data.get("today_stamps") or 0),
            day_ends_at=parse_time(data.get("day_ends_at")),
        )

    def next_milestone(self) -> Milestone | None:
        """The first milestone not reached yet (the one "3 more for ..." talks about)."""
        ahead = [m for m in self.milestones if m.stamps > self.stamps]
        return min(ahead, key=lambda m: m.stamps) if ahead else None


@dataclass(frozen=True)
class LotteryDraw:
    """What the server drew when a stamp reached a lottery milestone (the kiosk only
    shows it): the outcome, and the voucher a win issued."""

    milestone: int
    outcome: LotteryOutcome
    voucher: Voucher | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> LotteryDraw | None:
        if not data:
            return None
        outcome: dict[str, Any] = data.get("outcome") or {}
        voucher = data.get("voucher")
        return cls(
            milestone=int(data.get("milestone", 0)),
            outcome=LotteryOutcome.from_json(outcome),
            voucher=Voucher.from_json(voucher) if voucher else None,
        )


@dataclass(frozen=True)
class StampResult:
    """The answer to POST /cards/{id}/stamps: the updated card and what the stamp unlocked."""

    stamp_id: str
    card: Card
    unlocked_vouchers: tuple[Voucher, ...] = ()
    lottery: LotteryDraw | None = None
    birthday: Voucher | None = None  # this year's birthday gift, in the card's window

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StampResult:
        return cls(
            stamp_id=str(data["stamp_id"]),
            card=Card.from_json(data["card"]),
            unlocked_vouchers=tuple(
                Voucher.from_json(v) for v in data.get("unlocked_vouchers", [])
            ),
            lottery=LotteryDraw.from_json(data.get("lottery")),
            birthday=_birthday(data.get("birthday")),
        )


def _birthday(data: dict[str, Any] | None) -> Voucher | None:
    """`birthday: {voucher}` on the wire; the voucher is what the kiosk needs (the outbox
    keeps the model's own shape, the voucher itself)."""
    if not data:
        return None
    voucher: dict[str, Any] | None = data.get("voucher") if "voucher" in data else data
    return Voucher.from_json(voucher) if voucher else None


@dataclass(frozen=True)
class StaffSession:
    """A short-lived staff token; it lives in memory only, never on disk."""

    token: str = field(repr=False)
    staff_id: str
    staff_name: str
    permissions: tuple[str, ...]
    expires_at: datetime | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StaffSession:
        return cls(
            token=str(data["token"]),
            staff_id=str(data["staff_id"]),
            staff_name=str(data.get("staff_name") or ""),
            permissions=tuple(data.get("permissions", [])),
            expires_at=parse_time(data.get("expires_at")),
        )


@dataclass(frozen=True)
class Location:
    id: str
    name: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        return cls(id=str(data["id"]), name=str(data.get("name") or ""))


@dataclass(frozen=True)
class Slide:
    """An attract slide as the cloud lists it (GET /device `slides`)."""

    image_url: str
    seconds: int = 8
    start: datetime | None = None  # wire name `from`
    until: datetime | None = None
    languages: tuple[str, ...] = ()  # empty: every language

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slide:
        return cls(
            image_url=str(data["image_url"]),
            seconds=int(data.get("seconds", 8)),
            start=parse_time(data.get("from")),
            until=parse_time(data.get("until")),
            languages=tuple(data.get("languages") or ()),
        )


@dataclass(frozen=True)
class ReleaseOffer:
    """GET /device `release`: a signed release the cloud offers (issue 18). Nothing in it is
    trusted: the kiosk checks size and sha256 while downloading, then the signature against
    its own keys (kiosk/appliance/updates/offer.py)."""

    version: str
    url: str
    size: int
    sha256: str
    signature: str = field(repr=False)  # the .minisig text, or its http(s) URL

    @classmethod
    def from_json(cls, data: Any) -> ReleaseOffer | None:
        """None for null, and for an answer too broken to act on (never raises)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                version=str(data["version"]),  # pyright: ignore[reportUnknownArgumentType]
                url=str(data["url"]),  # pyright: ignore[reportUnknownArgumentType]
                size=int(data["size"]),  # pyright: ignore[reportUnknownArgumentType]
                sha256=str(data["sha256"]).lower(),  # pyright: ignore[reportUnknownArgumentType]
                signature=str(data["signature"]),  # pyright: ignore[reportUnknownArgumentType]
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class DeviceSettingsFromCloud:
    """GET /device: what the shop's admin configured for this kiosk."""

    device_id: str
    name: str
    location: Location
    branding: dict[str, Any]
    languages: tuple[str, ...]
    cooldown_seconds: int
    stamp_rule: dict[str, Any]
    join_url: str | None = None  # the shop's join page: the attract screen's QR
    # hex key for hashing typed phone numbers; held in memory only, never logged
    phone_key: str | None = field(default=None, repr=False)
    slides: tuple[Slide, ...] = ()
    # the shop's kiosk settings, sections and keys as in kiosk.toml (kiosk/cloud_settings.py
    # validates them with the file's own models); raw here, on purpose
    settings: dict[str, Any] = field(default_factory=dict[str, Any])
    release: ReleaseOffer | None = None  # an update the cloud offers (issue 18)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DeviceSettingsFromCloud:
        return cls(
            device_id=str(data["device_id"]),
            name=str(data.get("name") or ""),
            location=Location.from_json(data["location"]),
            branding=dict(data.get("branding") or {}),
            languages=tuple(data.get("languages") or ("en",)),
            cooldown_seconds=int(data.get("cooldown_seconds", 0)),
            stamp_rule=dict(data.get("stamp_rule") or {}),
            join_url=str(data["join_url"]) if data.get("join_url") else None,
            phone_key=str(data["phone_key"]) if data.get("phone_key") else None,
            slides=tuple(Slide.from_json(x) for x in data.get("slides") or ()),
            settings=dict(data.get("settings") or {}),
            release=ReleaseOffer.from_json(data.get("release")),
        )


@dataclass(frozen=True)
class PhoneHint:
    """POST /phone/lookup: the masked first name the customer confirms ("M***")."""

    hint: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PhoneHint:
        return cls(hint=str(data["hint"]))


@dataclass(frozen=True)
class Pairing:
    """POST /devices/pair: the one-time code exchanged for a device token."""

    device_id: str
    device_token: str = field(repr=False)
    location: Location | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pairing:
        loc = data.get("location")
        return cls(
            device_id=str(data["device_id"]),
            device_token=str(data["device_token"]),
            location=Location.from_json(loc) if loc else None,
        )


@dataclass(frozen=True)
class CardSummary:
    """One row of GET /cards/search (staff lookup)."""

    id: str
    display_name: str
    stamps: int
    goal: int
    program_name: str = ""
    contact_hint: str = ""  # masked email/phone ("m***@example.com") to tell two Maris apart

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CardSummary:
        return cls(
            id=str(data["id"]),
            display_name=str(data.get("display_name") or ""),
            stamps=int(data.get("stamps", 0)),
            goal=int(data.get("goal", 0)),
            program_name=str(data.get("program_name") or ""),
            contact_hint=str(data.get("contact_hint") or ""),
        )


@dataclass(frozen=True)
class CheckedVoucher:
    """GET /staff/vouchers/check: the voucher and its card's first name (None: free)."""

    voucher: Voucher
    card_name: str | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckedVoucher:
        name = data.get("card_display_name")
        return cls(Voucher.from_json(data["voucher"]), str(name) if name else None)


@dataclass(frozen=True)
class ActivityEntry:
    """One line of GET /staff/activity: who stamped by hand, redeemed or issued."""

    at: datetime
    staff_name: str
    kind: str  # stamp | redeem | issue
    count: int
    detail: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ActivityEntry:
        at = parse_time(data["at"])
        if at is None:
            raise ValueError("activity entry without a time")
        return cls(
            at=at,
            staff_name=str(data.get("staff_name") or ""),
            kind=str(data["kind"]),
            count=int(data.get("count") or 1),
            detail=str(data.get("detail") or ""),
        )
