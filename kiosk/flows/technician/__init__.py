"""The technician mode: a pure flow on kiosk/flows/runtime (read flow.py first).

Its effects are carried out in kiosk/cli/_technician_parts.py, which also builds the host
and the face KioskController sees (face.py, with WithTechnician).
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
from kiosk.flows.technician.face import TABLE, TechnicianFace, WithTechnician
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
    "TABLE",
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
    "TechnicianFace",
    "TechnicianFlow",
    "TechnicianModel",
    "TechnicianSettings",
    "TechnicianView",
    "TestPrint",
    "WithTechnician",
    "failure_words",
    "mask",
]
