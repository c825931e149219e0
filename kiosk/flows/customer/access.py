"""The accessibility mode: what one customer chose (speech, large text, contrast, low reach),
the intents that change it, and the one effect it adds (`Speak`).

Why per session, in the flow: the mode is for this customer only. It lives in the customer
model, is stamped onto every view (the screens read `view.access`), and is dropped when the
visit ends (done, idle timeout, out of service), so the next customer gets the kiosk as the
shop set it up. Speech is an effect: the flow says what to speak; a handler outside the flow
(kiosk/speech.py) runs espeak-ng out of process, so speech never blocks the UI or a scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from kiosk.flows.runtime import Effect, Intent

VOLUME_STEP = 20
TIMEOUT_FACTOR = 2.0  # the mode doubles every timeout


@dataclass(frozen=True)
class Access:
    """One customer's accessibility choices. `on`: the mode is open (speech, keypad help,
    two-step redeem, doubled timeouts, reduced motion); the others are its toggles.
    `low_reach` may be on without the mode: `[ui] low_reach = true` sets it for everyone."""

    on: bool = False
    large: bool = False
    contrast: bool = False
    low_reach: bool = False
    volume: int = 80  # percent

    @property
    def reduced_motion(self) -> bool:
        """No bobbing arrow, no confetti: on whenever the mode is."""
        return self.on

    @property
    def timeout_factor(self) -> float:
        return TIMEOUT_FACTOR if self.on else 1.0


NO_ACCESS = Access()  # the ordinary visit; shared, so `is` finds it without comparing fields


# -- intents (the accessibility button, the mode's toggles, the keypad's keys) ---------------


class AccessIntent(Intent):
    """Base of the mode's own intents: handled by the access step, on any customer screen."""


class OpenAccessibility(AccessIntent):
    """The accessibility button (or the first key of a keypad): the mode's options open."""


class ToggleLargeText(AccessIntent):
    pass


class ToggleContrast(AccessIntent):
    pass


class ToggleLowReach(AccessIntent):
    pass


class ChangeVolume(AccessIntent):
    """Volume up (+1) or down (-1), one step of VOLUME_STEP percent."""

    direction: int = 1


class RepeatSpeech(AccessIntent):
    """`*` on the keypad: speak the screen again."""


class AskHelp(AccessIntent):
    """`#` on the keypad: speak how to use the keypad."""


class Focused(AccessIntent):
    """The keypad's focus ring moved onto a control; `label` is what it says on screen.
    `first`: the screen just changed, so this is queued after the screen's speech."""

    label: str
    first: bool = False


class AskRedeem(Intent):
    """Step one of the mode's redemption (instead of holding): "Redeem"."""

    voucher_id: str


class ConfirmRedeem(Intent):
    """Step two: "Yes, redeem now"."""

    voucher_id: str


class CancelRedeem(Intent):
    """ "No": the voucher stays open, unredeemed."""


# -- the effect ------------------------------------------------------------------------------


class Speak(Effect):
    """Speak `text` in `lang` at `volume` percent. `interrupt`: stop what is being spoken
    (a new screen); otherwise queue after it. Quick to hand over (the speaker has its own
    thread), so it runs right after the step and never waits for a worker."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
    text: str = ""
    lang: str = "en"
    volume: int = 80
    interrupt: bool = True
