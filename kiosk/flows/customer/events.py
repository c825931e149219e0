"""The appliance's own events for the customer mode (not touches, not scans).

Why events: `kiosk run` puts the kiosk out of service (bad config, not paired) and back
while the flow runs; as events they are stepped in order with everything else.
"""

from __future__ import annotations

from kiosk.flows.customer.model import CustomerSettings
from kiosk.flows.runtime import Event


class OutOfService(Event):
    """Stop serving customers; the reason is small print for the technician."""

    reason: str


class BackInService(Event):
    """Serve customers again, from the attract screen."""


class CloudSettings(Event):
    """What GET /device told the kiosk that the customer sees: the shop's join page (the
    QR for new customers on the attract and "not a card of this shop" screens)."""

    join_url: str | None = None


class SettingsChanged(Event):
    """The shop changed the kiosk's settings in the cloud (kiosk/cloud_sync.py), already
    validated and merged under the local file's explicit keys. Applied without a restart:
    languages and accessibility defaults from the next attract screen on, timeouts at once."""

    settings: CustomerSettings
