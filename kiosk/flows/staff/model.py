"""The staff flow's model and its constants (what the old StaffFlow kept in attributes).

Why the PIN digits are here but never shown: the keypad only reports "a digit was pressed";
the model keeps the digits for the one login effect and forgets them right after, and the
view says only how many were typed. The staff token lives in `session` until staff mode
ends (Exit, inactivity, the server's expiry); it is never published, logged or written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from devices.printer.coupon import Coupon
from kiosk.api.keys import new_idempotency_key
from kiosk.api.models import StaffSession
from kiosk.config import Settings
from kiosk.flows.field_composer import FieldComposer
from kiosk.flows.staff.effects import ShopFacts
from kiosk.flows.staff.gate import Gate, GateRules
from kiosk.flows.staff.issue_form import IssueForm
from kiosk.flows.staff_states import Message, StaffClosed, StaffIssued, StaffView

PIN_MIN, PIN_MAX = 4, 8


@dataclass(frozen=True)
class StaffConfig:
    """The flow's constants, from the settings and what the composition root knows."""

    session_timeout_s: float = 60.0
    gate: GateRules = GateRules()
    default_lang: str = "en"
    footer: str = ""
    coupon_lang: str = "en"  # coupons speak the kiosk's configured language
    shop_name: str = ""
    images: tuple[str, ...] = ()
    diagnostics: bool = False  # a technician screen is installed behind "Diagnostics"
    new_key: Callable[[], str] = new_idempotency_key  # one idempotency key per form
    composer: FieldComposer | None = field(default=None, compare=False)  # Hangul / pinyin

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        shop_name: str = "",
        images: tuple[str, ...] = (),
        diagnostics: bool = False,
        composer: FieldComposer | None = None,
    ) -> StaffConfig:
        cfg = settings.staff
        return cls(
            session_timeout_s=cfg.session_timeout_s,
            gate=GateRules(cfg.max_failures, cfg.lockout_s, cfg.min_attempt_gap_s),
            default_lang=settings.ui.language,
            footer=settings.printer.footer,
            coupon_lang=settings.ui.language,
            shop_name=shop_name,
            images=images,
            diagnostics=diagnostics,
            composer=composer,
        )


@dataclass(frozen=True)
class StaffModel:
    view: StaffView = StaffClosed()
    lang: str = "en"
    epoch: int = 0  # bumped when staff mode ends: answers of older calls are dropped
    busy: bool = False  # a call runs: touches wait (Exit still works)
    pin: tuple[str, ...] = field(default=(), repr=False)
    last_activity: float = 0.0  # monotonic
    gate: Gate = Gate()
    by_badge: bool = False  # the login in flight came from a badge
    session: StaffSession | None = None
    deadline: float | None = None  # monotonic end of the server's session
    shop: ShopFacts = ShopFacts()
    form: IssueForm | None = None
    last_coupon: Coupon | None = None  # the last issued coupon (retry / reprint)
    last_job: str | None = None  # the printer's job id for it
    print_after_preview: bool = False
    pending: StaffIssued | None = None  # the issued page, shown once preview and print are done
    tools_message: Message | None = None  # a tool's outcome, shown with the refreshed page
    timeout_factor: float = 1.0  # 2 when opened over a visit in the accessibility mode

    def session_timeout_s(self, config: StaffConfig) -> float:
        """The inactivity timeout of this opening (the accessibility mode doubles it)."""
        return config.session_timeout_s * self.timeout_factor

    @property
    def active(self) -> bool:
        return not isinstance(self.view, StaffClosed)
