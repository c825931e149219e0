"""The customer mode as KioskController sees it today: a LegacyFace on a one-mode host.

Transitional (issue 14): the screens still send action strings, and KioskController still
routes between the customer and staff flows. `ACTIONS` maps every string a customer screen
sends (kiosk/ui/screens/*.py and *.kv, the app's "wake", the demo's "home"/"language") to
its intent. It goes when the screens send intents and the host's stack replaces the
controller.
"""

from __future__ import annotations

from concurrent.futures import Executor
from datetime import tzinfo

from kiosk.clock import Clock
from kiosk.flows.customer.events import BackInService, OutOfService
from kiosk.flows.customer.flow import CustomerFlow
from kiosk.flows.customer.intents import (
    ChooseLanguage,
    GoBack,
    GoHome,
    HoldRedeem,
    OpenVoucher,
    PrintCoupon,
    ShowVouchers,
    Wake,
)
from kiosk.flows.customer.model import CustomerSettings, CustomerState
from kiosk.flows.runtime import FlowHost, Handlers
from kiosk.flows.runtime.legacy_face import IntentTable, LegacyFace

ACTIONS: IntentTable = {
    "wake": Wake,
    "language": ChooseLanguage,
    "home": GoHome,
    "vouchers": ShowVouchers,
    "open_voucher": OpenVoucher,
    "redeem": HoldRedeem,
    "print": PrintCoupon,
    "back": GoBack,
    "dismiss": GoBack,  # the old flow's other name for "back"
}


class CustomerFace(LegacyFace):
    """The old CustomerFlow's interface: plus `lang` (the staff screens speak the customer's
    language) and the appliance's out of service / back in service."""

    @property
    def lang(self) -> str:
        state = self.host.state
        return state.lang if isinstance(state, CustomerState) else ""

    def out_of_service(self, reason: str) -> None:
        self.host.send(OutOfService(reason))

    def back_in_service(self) -> None:
        self.host.send(BackInService())


def customer_face(
    settings: CustomerSettings,
    handlers: Handlers,
    *,
    clock: Clock | None = None,
    executor: Executor | None = None,
    tz: tzinfo | None = None,
) -> CustomerFace:
    """The customer flow on its own host (its own worker pool unless `executor` is given)."""
    flow = CustomerFlow(settings, tz)
    host = FlowHost({flow.name: flow}, flow.name, handlers, clock=clock, executor=executor)
    return CustomerFace(host, ACTIONS)
