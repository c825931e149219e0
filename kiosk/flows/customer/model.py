"""The customer journey's model: the screens' view states, and what the flow remembers.

The view state classes, their `screen` names and fields are what the Kivy screens render
(kiosk/ui/screens); they do not change with the runtime. `CustomerModel` wraps the one on
screen with what the flow needs besides: its epoch, when the customer last did something,
and where a failed redemption goes back to.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from kiosk.api.models import Card, LotteryDraw, Voucher
from kiosk.config import UiSection
from kiosk.flows.base import ViewState
from kiosk.flows.customer.access import NO_ACCESS, Access
from kiosk.flows.customer.slides import ShownSlide


def join_link(join_url: str, lang: str) -> str:
    """The join page in the customer's language ("" when the cloud named none)."""
    if not join_url:
        return ""
    return f"{join_url}{'&' if '?' in join_url else '?'}lang={lang}"


@dataclass(frozen=True)
class CustomerState(ViewState):
    lang: str = "en"
    access: Access = NO_ACCESS  # this customer's accessibility choices (stamped by the flow)
    idle_warning: bool = False  # "Need more time?" shows before the idle timeout


@dataclass(frozen=True)
class AttractState(CustomerState):
    screen: str = "attract"
    languages: tuple[str, ...] = ("en",)
    shop_name: str = ""
    blanked: bool = False  # screen blanking: the first touch only wakes the screen
    join_url: str = ""  # the shop's join page ("" until the cloud named it): a small QR
    phone: bool = False  # offer "No phone? Use your number"

    @property
    def join_qr(self) -> str:
        """What the join QR holds: the join page in the language on screen."""
        return join_link(self.join_url, self.lang)

    slide: str = ""  # the slide behind the words (a cached image file), "" for none


@dataclass(frozen=True)
class WorkingState(CustomerState):
    screen: str = "working"
    what: str = "card"  # card | voucher | redeem


@dataclass(frozen=True)
class CardState(CustomerState):
    screen: str = "card"
    card: Card | None = None
    added: int = 0  # stamps added by this scan (the UI animates the newest)
    birthday: Voucher | None = None  # this year's birthday gift: "Happy birthday, Mari!"

    @property
    def remaining(self) -> int:
        """Stamps still needed for the next milestone (or the goal)."""
        if self.card is None:
            return 0
        nxt = self.card.next_milestone()
        target = nxt.stamps if nxt else self.card.goal
        return max(0, target - self.card.stamps)

    @property
    def next_title(self) -> str:
        nxt = self.card.next_milestone() if self.card else None
        return nxt.title if nxt else ""

    @property
    def usable_vouchers(self) -> tuple[Voucher, ...]:
        return tuple(v for v in self.card.vouchers if v.is_usable) if self.card else ()


@dataclass(frozen=True)
class RewardState(CustomerState):
    screen: str = "reward"
    card: Card | None = None
    vouchers: tuple[Voucher, ...] = ()


@dataclass(frozen=True)
class SpinState(CustomerState):
    """The lottery spin: the wheel turns and lands on what the server drew (`draw`); the
    customer only watches. "Continue" shows `then` (the reward, the card, a message)."""

    screen: str = "spin"
    draw: LotteryDraw | None = None
    segments: tuple[tuple[str, str], ...] = ()  # (kind, title) around the wheel
    then: CustomerState | None = field(default=None, compare=False)


@dataclass(frozen=True)
class VouchersState(CustomerState):
    screen: str = "vouchers"
    card: Card | None = None
    vouchers: tuple[Voucher, ...] = ()


@dataclass(frozen=True)
class VoucherOpenState(CustomerState):
    screen: str = "voucher"
    voucher: Voucher | None = None
    card: Card | None = None  # None when the voucher came from a scanned coupon
    confirming: bool = False  # the mode's two-step redeem: "Yes, redeem now" is asked


@dataclass(frozen=True)
class AccessOptionsState(CustomerState):
    """The accessibility mode's options (the attract screen's accessibility button)."""

    screen: str = "access"


@dataclass(frozen=True)
class RedeemedState(CustomerState):
    screen: str = "redeemed"
    voucher: Voucher | None = None
    redeemed_at: datetime | None = None
    redeemed_at_text: str = ""  # local HH:MM
    print_status: str = ""  # "" | printing | printed | paper_out | failed

    @property
    def code(self) -> str:
        v = self.voucher
        if v is None:
            return ""
        return v.redeem_code.value if v.redeem_code else v.id

    @property
    def symbology(self) -> str:
        v = self.voucher
        return v.redeem_code.symbology if v and v.redeem_code else "qr"


class MessageKind(StrEnum):
    COOLDOWN = "cooldown"
    DAILY_LIMIT = "daily_limit"  # today's stamps collected: "see you tomorrow"
    UNKNOWN_CODE = "unknown_code"
    CARD_NOT_FOUND = "card_not_found"
    VOUCHER_NOT_FOUND = "voucher_not_found"
    EXPIRED = "expired"
    ALREADY_REDEEMED = "already_redeemed"
    NOT_SELF_REDEEMABLE = "not_self_redeemable"
    OFFLINE_SAVED = "offline_saved"
    SPIN_WAITING = "spin_waiting"  # offline: the stamp reaches a lottery; it plays after sync
    OFFLINE_REDEEM = "offline_redeem"
    NOT_SAVED = "not_saved"
    PHONE_NOT_FOUND = "phone_not_found"  # also a rate limit: the cloud says the same
    PAPER_OUT = "paper_out"
    PRINT_FAILED = "print_failed"
    ERROR = "error"


@dataclass(frozen=True)
class MessageState(CustomerState):
    screen: str = "message"
    kind: str = MessageKind.ERROR
    values: tuple[tuple[str, str], ...] = ()  # placeholders for the text, e.g. (("time","14:05"),)
    back: ViewState | None = field(default=None, compare=False)  # "OK" returns here
    join_url: str = ""  # a code that is not this shop's card: offer the join page's QR

    @property
    def join_qr(self) -> str:
        return join_link(self.join_url, self.lang)

    def value(self, key: str) -> str:
        return dict(self.values).get(key, "")


@dataclass(frozen=True)
class OutOfServiceState(CustomerState):
    screen: str = "out_of_service"
    reason: str = ""


# -- what the flow remembers -----------------------------------------------------------------


@dataclass(frozen=True)
class CustomerModel:
    """The view on screen, the epoch (bumped when earlier answers must not arrive any more:
    a new scan, "done", an idle timeout), when the customer last did something (`Now.mono`),
    and the open voucher a redemption in flight returns to if it fails."""

    view: CustomerState
    epoch: int = 0
    active_at: float = 0.0
    redeeming: VoucherOpenState | None = None
    join_url: str = ""  # from the cloud (CloudSettings): outlives every visit
    slides: tuple[ShownSlide, ...] = ()  # the attract rotation (kiosk/flows/customer/slides.py)
    slide_since: float = 0.0  # when the current slide came up (Now.mono)
    access: Access = NO_ACCESS  # the visit's accessibility choices; reset when it ends
    tuned: CustomerSettings | None = None  # from the cloud (SettingsChanged); outlives visits

    def showing(self, view: CustomerState) -> CustomerModel:
        return replace(self, view=view)

    def next_epoch(self, view: CustomerState) -> CustomerModel:
        """A new step of the journey: anything asked before is stale from now on."""
        return replace(self, view=view, epoch=self.epoch + 1, redeeming=None)


@dataclass(frozen=True)
class CustomerSettings:
    """The few settings the journey needs (from settings.ui), so tests need no TOML."""

    language: str = "en"
    languages: tuple[str, ...] = ("en", "ko", "zh", "et")
    idle_timeout_s: float = 20.0
    screen_blank_after_s: float = 0.0
    shop_name: str = ""
    staff_mode: bool = False  # a staff mode is installed: a badge or the gesture opens it
    phone_prefix: str = "+372"  # the phone pad's country prefix ([ui] phone_prefix)
    phone_stamps: bool = True  # "No phone? Use your number" on the attract screen
    low_reach: bool = False  # [ui] low_reach: every control in the lower half, for everyone
    speech_volume: int = 80  # [ui] speech_volume: the mode's starting volume, percent
    idle_warning_s: float = 8.0  # "Need more time?" this long before the idle timeout

    def access(self) -> Access:
        """What a new visit starts with (the mode off; the shop's low reach and volume)."""
        access = Access(low_reach=self.low_reach, volume=self.speech_volume)
        return NO_ACCESS if access == NO_ACCESS else access

    @classmethod
    def from_ui(
        cls, ui: UiSection, shop_name: str = "", staff_mode: bool = False
    ) -> CustomerSettings:
        return cls(
            language=ui.language,
            languages=tuple(ui.languages) or (ui.language,),
            idle_timeout_s=float(ui.idle_timeout_s),
            screen_blank_after_s=float(ui.screen_blank_after_s),
            shop_name=shop_name,
            staff_mode=staff_mode,
            phone_prefix=ui.phone_prefix,
            phone_stamps=ui.phone_stamps,
            low_reach=ui.low_reach,
            speech_volume=ui.speech_volume,
        )
