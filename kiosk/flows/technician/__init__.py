"""The technician mode: a pure flow on kiosk/flows/runtime (read flow.py first).

Staff mode's "Diagnostics" opens it (OpenMode("technician")); closing the screen closes
the mode. Its effects are carried out in kiosk/cli/_technician_parts.py.
"""

from kiosk.flows.technician.effects import (
    CheckOutbox,
    DoctorCheck,
    DoctorReport,
    OutboxGate,
    Preflight,
    Refusal,
    RepairExchange,
    RestartKiosk,
    RunDoctor,
    SyncNow,
    SyncReport,
    TailLogs,
    TestPrint,
)
from kiosk.flows.technician.flow import TechnicianFlow, TechnicianSettings
from kiosk.flows.technician.model import (
    LOCKOUT_S,
    MAX_FAILURES,
    MAX_PIN,
    REPAIR_PAGES,
    REPAIR_WAIT_S,
    RESTART_AFTER_S,
    SCREEN,
    CheckLine,
    Page,
    TechnicianModel,
    TechnicianView,
    mask,
)
from kiosk.flows.technician.words import failure_words

__all__ = [
    "LOCKOUT_S",
    "MAX_FAILURES",
    "MAX_PIN",
    "REPAIR_PAGES",
    "REPAIR_WAIT_S",
    "RESTART_AFTER_S",
    "SCREEN",
    "CheckLine",
    "CheckOutbox",
    "DoctorCheck",
    "DoctorReport",
    "OutboxGate",
    "Page",
    "Preflight",
    "Refusal",
    "RepairExchange",
    "RestartKiosk",
    "RunDoctor",
    "SyncNow",
    "SyncReport",
    "TailLogs",
    "TechnicianFlow",
    "TechnicianModel",
    "TechnicianSettings",
    "TechnicianView",
    "TestPrint",
    "failure_words",
    "mask",
]
