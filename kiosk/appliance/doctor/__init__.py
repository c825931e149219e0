"""`kiosk doctor`: every check, each green / yellow / red with the fix in words.

Pluggable: a check is one module in kiosk/appliance/doctor/checks/ with NAME, ORDER,
REQUIRED and `check(ctx) -> CheckResult`; modules are discovered, so adding a check for a
new device never touches the runner. See base.py for the context a check receives.
"""

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.doctor.runner import Report, run_checks

__all__ = ["CheckResult", "DoctorContext", "Report", "green", "red", "run_checks", "yellow"]
