"""Request and response shapes (pydantic): the OpenAPI document is generated from these.

Requests forbid unknown fields and use strict scalar types: a typo or a number sent as a
string is a 422 naming the field, never silently ignored. Response models mirror the
client's dataclasses in kiosk/api/models.py field by field (the wire names are the
dataclass names); tests check recorded responses against the published schema.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)
from pydantic.config import JsonDict
from pydantic_core import PydanticCustomError

Redemption = Literal["self_redeem", "staff_scan", "redeem_code"]
# a milestone may also be a lottery: a pool of variants the server draws from
MilestoneRedemption = Literal["self_redeem", "staff_scan", "redeem_code", "lottery"]
VariantKind = Literal["award", "voucher", "try_again", "no_prize"]
Symbology = Literal["qr", "code128", "pdf417", "aztec", "ean13"]
VoucherState = Literal["issued", "active", "redeemed", "expired"]
Channel = Literal["kiosk", "staff", "app", "web"]
VALIDITY_PATTERN = (
    r"^(unlimited|days:[1-9][0-9]{0,3}|months:[1-9][0-9]{0,2}|fixed_date:\d{4}-\d{2}-\d{2})$"
)
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{3,31}$"  # the kiosk router and staff form use the same rule


def _whole_number(value: object) -> object:
    """JSON Schema calls 108309.0 an integer, so the server must too (but never `true`)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _refuse_null(value: object) -> object:
    """Absent, not null: a field left out is None, but an explicit null is refused like any
    other non-string (same error as before the field was optional)."""
    if value is None:
        raise PydanticCustomError("string_type", "Input should be a valid string")
    return value


def _string_only(schema: JsonDict) -> None:
    """Publish only the string branch of `X | None`: null is not a value the server takes."""
    branches = schema.pop("anyOf")
    if isinstance(branches, list) and isinstance(branches[0], dict):
        schema.update(branches[0])


# A strict integer that also takes a whole float: what the schema promises. Used as
# Annotated[StrictInt, Field(ge=..., le=...), WHOLE].
WHOLE = BeforeValidator(_whole_number)
Name = Annotated[StrictStr, Field(min_length=1, max_length=80)]
Pin = Annotated[StrictStr, Field(pattern=r"^[0-9]{4,12}$")]
Badge = Annotated[StrictStr, Field(min_length=4, max_length=256)]
# "absent, not null": None when left out, while validation and the schema say string
REFUSE_NULL, STRING_ONLY = BeforeValidator(_refuse_null), Field(json_schema_extra=_string_only)
OptionalPin = Annotated[Pin | None, REFUSE_NULL, STRING_ONLY]
OptionalBadge = Annotated[Badge | None, REFUSE_NULL, STRING_ONLY]
ShopId = Annotated[StrictStr, Field(min_length=1, max_length=64)]
# "pin or badge": written into the schema, so a schema-valid body is one the server takes.
ONE_OF_PIN_BADGE: JsonDict = {"oneOf": [{"required": ["pin"]}, {"required": ["badge"]}]}
ANY_OF_PIN_BADGE: JsonDict = {"anyOf": [{"required": ["pin"]}, {"required": ["badge"]}]}
Text = Annotated[StrictStr, Field(max_length=500)]
Validity = Annotated[StrictStr, Field(pattern=VALIDITY_PATTERN)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -------------------------------------------------------------------------


class PairIn(In):
    pairing_code: Annotated[StrictStr, Field(min_length=4, max_length=64)]
    device_name: Name
    hardware: dict[str, Any] = Field(default_factory=dict)


class HeartbeatIn(In):
    """Everything optional: a kiosk reports what it knows. `details` takes anything else."""

    app_version: Annotated[StrictStr, Field(max_length=40)] | None = None
    uptime_s: Annotated[StrictFloat, Field(ge=0)] | None = None
    queue_depth: Annotated[StrictInt, Field(ge=0, le=10**9), WHOLE] | None = None
    oldest_queued_s: Annotated[StrictFloat, Field(ge=0)] | None = None
    camera: Annotated[StrictStr, Field(max_length=200)] | None = None
    printer: Annotated[StrictStr, Field(max_length=200)] | None = None
    scanner: Annotated[StrictStr, Field(max_length=200)] | None = None
    status_error: Annotated[StrictStr, Field(max_length=200)] | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class StampIn(In):
    count: Annotated[StrictInt, Field(ge=1, le=10), WHOLE] = 1
    occurred_at: AwareDatetime
    channel: Channel = "kiosk"
    # why a staff member adds stamps by hand (pick-list key, then their own words)
    reason: Annotated[StrictStr, Field(min_length=1, max_length=200)] | None = None


PhoneHash = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]


class RedeemIn(In):
    occurred_at: AwareDatetime
    channel: Channel = "kiosk"
    # set when the customer was found through a phone lookup: refused (403
    # phone_cannot_redeem), a phone number earns stamps and never redeems
    phone_hash: PhoneHash | None = None


class PhoneLookupIn(In):
    """HMAC-SHA256 (hex) of the E.164 number under the shop's phone key (GET /device)."""

    phone_hash: PhoneHash


class PhoneStampIn(In):
    phone_hash: PhoneHash
    occurred_at: AwareDatetime


class StaffLoginIn(In):
    """Exactly one of `pin` or `badge` (never null: leave the other one out)."""

    model_config = ConfigDict(json_schema_extra=ONE_OF_PIN_BADGE)
    pin: OptionalPin = None
    badge: OptionalBadge = None


class RedeemCodeIn(In):
    """`{"value": ...}` (a code the POS already knows) or `{"generate": true}`; the staff
    form's spelling `{"mode": "given"|"generate"|"none", "value"?, "symbology"?}` too."""

    mode: Literal["none", "given", "generate"] | None = None
    value: Annotated[StrictStr, Field(pattern=CODE_PATTERN)] | None = None
    generate: StrictBool = False
    symbology: Symbology | None = None


class VoucherIn(In):
    title: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    description: Text = ""
    image: Annotated[StrictStr, Field(max_length=500)] | None = None
    card_id: Annotated[StrictStr, Field(min_length=1, max_length=64)] | None = None
    redeem_code: RedeemCodeIn | Annotated[StrictStr, Field(pattern=CODE_PATTERN)] | None = None
    symbology: Symbology | None = None
    redemption: Redemption | None = None
    validity: Validity = "unlimited"


class VariantIn(In):
    """One outcome of a lottery: its chance in whole percents (all add up to 100)."""

    kind: VariantKind
    title: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    probability: Annotated[StrictInt, Field(ge=1, le=100), WHOLE]
    redemption: Redemption | None = None  # award/voucher: how it is redeemed (self_redeem)


class MilestoneIn(In):
    stamps: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
    title: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    redemption: MilestoneRedemption = "self_redeem"
    description: Text = ""
    validity: Validity = "unlimited"
    variants: list[VariantIn] | None = Field(default=None, max_length=20)


def _known_zone(value: str) -> str:
    if value not in ZONES:
        raise ValueError("not an IANA time zone name")
    return value


ZONES = sorted(available_timezones())
_ZONE_ENUM: JsonDict = {"enum": list(ZONES)}
# IANA names only: the schema lists them, so a schema-valid time zone is one the server takes
Timezone = Annotated[StrictStr, AfterValidator(_known_zone), Field(json_schema_extra=_ZONE_ENUM)]
# MM-DD of a day some year has (02-29 included): stated in the pattern, not checked later
BIRTHDAY_PATTERN = (
    r"^(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-9])|(?:0[13-9]|1[0-2])-30|(?:0[13578]|1[02])-31)$"
)


class ShopIn(In):
    name: Name
    # shown beside the join page's consent box; a plain default names the shop otherwise
    privacy_text: Annotated[StrictStr, Field(min_length=1, max_length=2000)] | None = None
    timezone: Timezone | None = None  # IANA; the shop's day (birthdays)


class BirthdayVoucherIn(In):
    """A program's birthday gift: issued once a year in a window around the card's date."""

    title: Annotated[StrictStr, Field(min_length=1, max_length=80)]
    description: Text = ""
    redemption: Redemption = "self_redeem"
    days_valid: Annotated[StrictInt, Field(ge=1, le=366), WHOLE] = 14
    window_days: Annotated[StrictInt, Field(ge=0, le=31), WHOLE] = 7


class ProgramIn(In):
    name: Name
    goal: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)
    cooldown_seconds: Annotated[StrictInt, Field(ge=0, le=86400 * 30), WHOLE] = 0
    max_stamps_per_scan: Annotated[StrictInt, Field(ge=1, le=10), WHOLE] = 1
    # stamps per card per local day (the program's `timezone`); null: no limit
    daily_limit: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE] | None = None
    timezone: Timezone = "UTC"  # the local day of the daily limit
    shop_id: ShopId | None = None
    birthday_voucher: BirthdayVoucherIn | None = None


class CardIn(In):
    program_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    first_name: Name
    last_name: Annotated[StrictStr, Field(max_length=80)] = ""
    email: Annotated[StrictStr, Field(max_length=200)] | None = None
    phone: Annotated[StrictStr, Field(max_length=40)] | None = None
    shop_id: ShopId | None = None
    birthday: Annotated[StrictStr, Field(pattern=BIRTHDAY_PATTERN)] | None = None  # MM-DD


class StaffIn(In):
    """A pin, a badge, or both (never null: leave one out)."""

    model_config = ConfigDict(json_schema_extra=ANY_OF_PIN_BADGE)
    name: Name
    pin: OptionalPin = None
    badge: OptionalBadge = None
    shop_id: ShopId | None = None
    permissions: list[Annotated[StrictStr, Field(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=50
    )


class PairingCodeIn(In):
    location_name: Name | None = None
    program_id: Annotated[StrictStr, Field(max_length=64)] | None = None
    ttl_seconds: Annotated[StrictInt, Field(ge=1, le=86400 * 30), WHOLE] = 600
    shop_id: ShopId | None = None


Colour = Annotated[StrictStr, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]
MediaUrl = Annotated[StrictStr, Field(min_length=1, max_length=500, pattern=r"^https?://")]
Lang = Literal["en", "et", "ko", "zh"]


class VoucherImageIn(In):
    """The image of the voucher a milestone (at `stamps`) issues."""

    stamps: Annotated[StrictInt, Field(ge=1, le=1000), WHOLE]
    image_url: MediaUrl


class BrandingIn(In):
    """The shop's look on its kiosks (the kiosk checks the colours' contrast itself)."""

    shop_id: ShopId | None = None
    logo_url: MediaUrl | None = None
    primary: Colour | None = None  # the screens' background
    accent: Colour | None = None  # titles and the main button
    voucher_images: list[VoucherImageIn] = Field(default_factory=list, max_length=50)


class SlideIn(In):
    """One attract slide: shown `seconds` at a time, between `from` and `until`."""

    model_config = ConfigDict(populate_by_name=True)
    shop_id: ShopId | None = None
    image_url: MediaUrl
    seconds: Annotated[StrictInt, Field(ge=2, le=300), WHOLE] = 8
    from_: AwareDatetime | None = Field(default=None, alias="from")
    until: AwareDatetime | None = None
    languages: list[Lang] | None = Field(default=None, max_length=4)
    position: Annotated[StrictInt, Field(ge=0, le=1000), WHOLE] = 0


class ClockIn(In):
    offset_seconds: Annotated[StrictFloat, Field(ge=-3e9, le=3e9)] | None = None
    advance_seconds: Annotated[StrictFloat, Field(ge=-3e9, le=3e9)] | None = None


# -- responses -------------------------------------------------------------------------


class RedeemCodeOut(Out):
    value: str
    symbology: Symbology


class VoucherOut(Out):
    id: str
    card_id: str | None
    title: str
    description: str
    image_url: str | None
    redemption: Redemption
    redeem_code: RedeemCodeOut | None
    state: VoucherState
    valid_from: str | None = Field(json_schema_extra={"format": "date-time"})
    valid_until: str | None = Field(json_schema_extra={"format": "date-time"})
    redeemed_at: str | None = Field(json_schema_extra={"format": "date-time"})


class LotteryOutcomeOut(Out):
    kind: VariantKind
    title: str


class MilestoneOut(Out):
    stamps: int
    title: str
    redemption: MilestoneRedemption
    variants: list[LotteryOutcomeOut] | None = None  # a lottery's outcomes, in order


class CardOut(Out):
    id: str
    display_name: str
    program_name: str
    stamps: int
    goal: int
    milestones: list[MilestoneOut]
    vouchers: list[VoucherOut]
    next_stamp_at: str | None = Field(json_schema_extra={"format": "date-time"})
    # the daily limit (null: none), stamps received today, and when "today" ends: a kiosk
    # that caches the card can say "see you tomorrow" while offline
    daily_limit: int | None = None
    today_stamps: int = 0
    day_ends_at: str | None = Field(default=None, json_schema_extra={"format": "date-time"})


class LotteryOut(Out):
    """What the server drew for a lottery milestone this stamp reached."""

    milestone: int
    outcome: LotteryOutcomeOut
    voucher: VoucherOut | None = None


class BirthdayOut(Out):
    """The card's birthday gift of this year (the kiosk greets with it)."""

    voucher: VoucherOut


class StampResultOut(Out):
    stamp_id: str
    card: CardOut
    unlocked_vouchers: list[VoucherOut]
    lottery: LotteryOut | None = None  # present only when a lottery milestone was reached
    birthday: BirthdayOut | None = None  # present in the card's birthday window


class VoucherListOut(Out):
    vouchers: list[VoucherOut]


class CardSummaryOut(Out):
    id: str
    display_name: str
    stamps: int
    goal: int
    program_name: str
    contact_hint: str


class CardSearchOut(Out):
    cards: list[CardSummaryOut]


class StaffSessionOut(Out):
    token: str
    staff_id: str
    staff_name: str
    permissions: list[str]
    expires_at: str = Field(json_schema_extra={"format": "date-time"})


class LocationOut(Out):
    id: str
    name: str


class PairingOut(Out):
    device_id: str
    device_token: str
    location: LocationOut


class ReleaseOut(Out):
    """A release the cloud offers this kiosk (POST /admin/releases); the kiosk downloads it,
    checks size, sha256 and signature itself, and applies it in its update window."""

    version: str
    url: str
    size: int
    sha256: str
    signature: str  # the .minisig file's text, or its http(s) URL


class DeviceOut(Out):
    device_id: str
    name: str
    location: LocationOut
    branding: dict[str, Any]
    languages: list[str]
    cooldown_seconds: int
    stamp_rule: dict[str, Any]
    join_url: str | None = None  # the shop's join page (new customers scan it at the kiosk)
    phone_key: str | None = None  # hex: the kiosk hashes typed numbers with it (memory only)
    slides: list[dict[str, Any]] = Field(default_factory=list)
    # the shop's kiosk settings, sections and keys as in kiosk.toml (POST /admin/device-settings)
    settings: dict[str, Any] = Field(default_factory=dict)
    release: ReleaseOut | None = None  # an offered update (issue 18), else null


class CheckedVoucherOut(Out):
    voucher: VoucherOut
    card_display_name: str | None  # the card's first name (None: a free voucher)


class ActivityEntryOut(Out):
    at: str = Field(json_schema_extra={"format": "date-time"})
    staff_id: str
    staff_name: str
    kind: Literal["stamp", "redeem", "issue"]
    count: int
    detail: str  # the stamp's reason, or the voucher's title
    device_id: str | None


class ActivityOut(Out):
    entries: list[ActivityEntryOut]


class PhoneHintOut(Out):
    hint: str


class HeartbeatOut(Out):
    ok: bool
    server_time: str = Field(json_schema_extra={"format": "date-time"})


class IdOut(Out):
    id: str


class CardCreatedOut(Out):
    id: str
    token: str


class LedgerEntryOut(Out):
    stamp_id: str
    count: int
    occurred_at: str
    received_at: str
    channel: str
    device_id: str | None
    staff_id: str | None
    round: int
    reason: str | None = None  # a staff member's reason for a stamp given by hand


class AdminCardOut(CardOut):
    token: str
    birthday: str | None = None
    program_id: str
    shop_id: str
    first_name: str
    last_name: str
    email: str | None
    phone: str | None
    round: int
    total_stamps: int
    ledger: list[LedgerEntryOut]


class PairingCodeOut(Out):
    code: str
    expires_at: str = Field(json_schema_extra={"format": "date-time"})
    location_id: str
    shop_id: str


class DeviceAdminOut(Out):
    id: str
    name: str
    location_id: str
    shop_id: str
    created_at: str
    last_heartbeat_at: str | None
    heartbeat: dict[str, Any] | None


class DeviceListOut(Out):
    devices: list[DeviceAdminOut]


class ClockOut(Out):
    now: str = Field(json_schema_extra={"format": "date-time"})
    offset_seconds: float


class ProblemOut(BaseModel):
    """RFC 9457 problem details plus the stable machine `code` (and per-code extras)."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    code: str
    detail: str


def parse_fixed_date(value: str) -> date:
    return date.fromisoformat(value)


# -- settings from the cloud (issue 19): what a shop changes on its kiosks without a visit --
# The server checks keys and types; the kiosk checks ranges and combinations with the very
# models of its kiosk.toml (kiosk/config.py), and keeps its last good set when one fails, so
# an older kiosk is never broken by a newer server's idea of a valid value.


class CloudUiIn(In):
    """[ui] keys a shop may set from the cloud."""

    language: StrictStr | None = None
    languages: list[StrictStr] | None = Field(default=None, max_length=10)
    idle_timeout_s: float | None = None
    screen_blank_after_s: float | None = None
    low_reach: StrictBool | None = None
    speech_volume: StrictInt | None = None
    phone_stamps: StrictBool | None = None
    sound: StrictBool | None = None


class CloudStaffIn(In):
    """[staff] keys a shop may set from the cloud."""

    session_timeout_s: float | None = None


class CloudUpdateIn(In):
    """[update] keys a shop may set from the cloud (applied at the next start)."""

    window: StrictStr | None = Field(default=None, max_length=20)


class CloudSettingsIn(In):
    """Sections and keys as in kiosk.toml; what is left out stays the kiosk's own."""

    ui: CloudUiIn | None = None
    staff: CloudStaffIn | None = None
    update: CloudUpdateIn | None = None


class DeviceSettingsIn(In):
    """POST /admin/device-settings: the shop's kiosk settings, replacing the previous set."""

    shop_id: ShopId | None = None
    settings: CloudSettingsIn
