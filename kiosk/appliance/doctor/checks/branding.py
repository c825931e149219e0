"""The shop's look: whether its colours passed the contrast check (WCAG 4.5:1) and its
logo could be used; a fallback to the default look is yellow, with the reason."""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, yellow
from kiosk.appliance.doctor.base_optional import load

NAME = "branding"
ORDER = 105
REQUIRED = False


def check(ctx: DoctorContext) -> CheckResult:
    assert ctx.settings is not None
    branding = load("kiosk.branding")
    if isinstance(branding, CheckResult):
        return branding
    look = branding.Look.load(ctx.settings.device.state_dir)
    if look.fallbacks:
        return yellow(
            "; ".join(look.fallbacks),
            "choose darker/brighter colours in the shop's branding (4.5:1 against the text)",
        )
    if look.primary or look.accent or look.logo:
        parts = [
            f"primary {look.primary}" if look.primary else "",
            f"accent {look.accent}" if look.accent else "",
        ]
        shown = ", ".join(p for p in parts if p) or "default colours"
        return green(f"shop look in use: {shown}{', logo' if look.logo else ''}")
    return green("default look (the shop set no branding, or it was not loaded yet)")
