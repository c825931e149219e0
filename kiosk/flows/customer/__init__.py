"""The customer journey, a pure flow on kiosk.flows.runtime (read flow.py first).

- intents.py - what the customer's screens send (Wake, ChooseLanguage, HoldRedeem, ...);
- events.py  - out of service / back in service, from the appliance;
- effects.py - what the journey asks of the world (Stamp, LookUpVoucher, Redeem, PrintVoucher);
- model.py   - the screens' view states, and the model the flow keeps;
- flow.py    - CustomerFlow: start / step / view / epoch (the base mode of the kiosk's host;
  a staff badge or the staff gesture opens staff mode on top).

What other modules import is re-exported here; the intents (and the model) are imported from
their own modules.

The handlers that carry the effects out live in the composition root
(kiosk/cli/_customer_handlers.py): flows import no API client and no printer.
"""

from kiosk.flows.customer.effects import LookUpVoucher, PrintKind, PrintVoucher, Redeem, Stamp
from kiosk.flows.customer.events import (
    BackInService,
    CloudSettings,
    OutOfService,
    SettingsChanged,
)
from kiosk.flows.customer.flow import CustomerFlow
from kiosk.flows.customer.model import (
    AttractState,
    CardState,
    CustomerSettings,
    MessageKind,
    MessageState,
    OutOfServiceState,
    RedeemedState,
    RewardState,
    VoucherOpenState,
    VouchersState,
    WorkingState,
)

__all__ = [
    "AttractState",
    "BackInService",
    "CardState",
    "CloudSettings",
    "SettingsChanged",
    "CustomerFlow",
    "CustomerSettings",
    "LookUpVoucher",
    "MessageKind",
    "MessageState",
    "OutOfService",
    "OutOfServiceState",
    "PrintKind",
    "PrintVoucher",
    "Redeem",
    "RedeemedState",
    "RewardState",
    "Stamp",
    "VoucherOpenState",
    "VouchersState",
    "WorkingState",
]
