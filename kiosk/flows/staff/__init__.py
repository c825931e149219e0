"""Staff mode: unlock (PIN or badge), issue one-time vouchers, and the counter tools.

A pure flow on the runtime (kiosk/flows/runtime): `flow.py` steps, `issue_form.py` is the
issue-voucher form's own sub-flow, `effects.py` lists every call on the world (carried out
in kiosk/cli/_kiosk_parts.py, `staff_handlers`), the customer mode opens it (OpenMode), it closes itself (CloseMode).
"""

from kiosk.flows.staff.flow import StaffFlow
from kiosk.flows.staff.messages import SERVER_MESSAGES, server_message
from kiosk.flows.staff.model import PIN_MAX, PIN_MIN, StaffConfig, StaffModel
from kiosk.flows.staff.tools import ALL_PERMISSIONS, TOOL_PERMISSIONS

__all__ = [
    "ALL_PERMISSIONS",
    "PIN_MAX",
    "PIN_MIN",
    "SERVER_MESSAGES",
    "TOOL_PERMISSIONS",
    "StaffConfig",
    "StaffFlow",
    "StaffModel",
    "server_message",
]
