"""The receipt printer answers, and has paper and a closed cover."""

from __future__ import annotations

import tempfile

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, red, yellow
from kiosk.appliance.doctor.base_optional import load

NAME = "printer"
ORDER = 80
REQUIRED = True


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    service = load("devices.printer.service")
    if isinstance(service, CheckResult):
        return service
    uri = ctx.settings.printer.uri
    # a throwaway state dir: the doctor must never touch the running kiosk's job records
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-") as tmp:
        st = service.PrinterService(ctx.settings.printer, tmp).status()
    if st.online is False or st.paper_out or st.cover_open:
        return red(f"{uri}: {st.error or 'offline'}", _fix_for(st, uri))
    if st.online is None:
        return yellow(
            f"{uri}: connected, status unknown ({st.advisory})",
            "print a test coupon: kiosk print-test",
        )
    if st.paper_near_end:
        return yellow(f"{uri}: paper roll nearly empty", "put a spare roll next to the printer")
    if uri.startswith(("preview:", "file:", "dummy:")):
        return green(f"{uri}: {st.advisory or 'no physical printer (output to files)'}")
    return green(f"{uri}: online, paper OK")


def _fix_for(st, uri: str) -> str:
    if st.paper_out:
        return "load a new paper roll and close the cover"
    if st.cover_open:
        return "close the printer cover"
    if uri.startswith("tcp://"):
        return "check the printer is on and its network cable; ping its address"
    if uri.startswith("usb:"):
        return (
            "check the printer is on and its USB cable; lsusb must list it; udev rule for group lp"
        )
    if uri.startswith("serial:"):
        return "check power, cable and baud rate; the service user must be in dialout"
    return "check [printer] uri in the config"
