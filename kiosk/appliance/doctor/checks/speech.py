"""The accessibility mode's speech: espeak-ng, a player (aplay) and an audio output.

Not required: without speech the mode still works (large text, high contrast, keypad), so
a kiosk without a speaker is not broken, but the shop must know its blind customers will
hear nothing (docs/accessibility.md).
"""

from __future__ import annotations

from kiosk.appliance.doctor.base import CheckResult, DoctorContext, green, yellow
from kiosk.speech import ENGINE, speech_fault

NAME = "speech"
ORDER = 85
REQUIRED = False
NEEDS_SETTINGS = False


def check(ctx: DoctorContext) -> CheckResult:
    fault = speech_fault(dev=ctx.dev_dir)
    if fault:
        return yellow(
            f"the accessibility mode cannot speak: {fault}",
            f"sudo apt-get install {ENGINE} alsa-utils; plug a speaker or headphones into the "
            "audio jack; check `aplay -l` lists an output",
            required=False,
        )
    return green(f"{ENGINE} and an audio output are present")
