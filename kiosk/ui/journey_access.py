"""The accessibility part of the scripted demo (#17): in every language and in each form
(large text, high contrast, low reach): the accessibility button, the options, a scan, the
card (reward), the voucher and the two-step redeem, as screenshots with `a11y` in their
names; and what the kiosk said at each step as WAV files with `speech` in their names,
synthesised by espeak-ng exactly as the kiosk speaks (kiosk/speech.py).

Controls are found by the words the flow's presentation gives them (what speech reads and
the keypad focuses), so the script taps what a customer would.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from kiosk.flows.customer.access import (
    ConfirmRedeem,
    OpenAccessibility,
    ToggleContrast,
    ToggleLargeText,
    ToggleLowReach,
)
from kiosk.flows.customer.intents import GoBack, GoHome, OpenVoucher
from kiosk.speech import Synth, Utterance
from kiosk.ui.focus import label_of, scroll_into_view

FORMS = {
    "large-text": ToggleLargeText,
    "high-contrast": ToggleContrast,
    "low-reach": ToggleLowReach,
}
SPOKEN_FORM = "high-contrast"  # one form's speech is enough: the words are the same


class SpeechLog:
    """Wraps the kiosk's speaker: passes every Speak on, and keeps what was said."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, lang: str, volume: int, interrupt: bool = True) -> None:
        self.said.append((text, lang))
        if self.inner is not None:
            self.inner.say(text, lang, volume, interrupt)


class AccessSteps:
    def __init__(self, journey: Any) -> None:
        self.j = journey
        self.drv = journey.drv
        self.ctl = journey.ctl
        services = journey.parts.services
        self.log = SpeechLog(getattr(services, "speaker", None))
        services.speaker = self.log
        self.wavs: list[Path] = []

    def play(self, langs: tuple[str, ...]) -> None:
        for lang in langs:
            for form in FORMS:
                self.run(lang, form)

    # -- one visit -----------------------------------------------------------------------

    def run(self, lang: str, form: str) -> None:
        p = f"{lang}-a11y-{form}-"
        self.j.home(lang)
        steps: list[tuple[str, int]] = []  # (step name, the log's length at its screenshot)
        visit_start = len(self.log.said)
        self.tap_access_button()
        if not self.wait_state("access"):
            return
        self.tap_control(FORMS[form])
        self.step(steps, p, "01-options")
        self.tap_control(GoBack)  # "Start"
        self.wait_state("attract")
        self.step(steps, p, "02-attract")
        self.j.present(self.j.shop.card_url(f"a11y-{form}-{lang}"))
        if not self.wait_state("reward"):
            return
        self.drv.pump(0.3)
        self.step(steps, p, "03-reward-card")
        self.tap_control(OpenVoucher)
        if not self.wait_state("voucher"):
            return
        self.step(steps, p, "04-voucher")
        self.tap_words("access.redeem")
        self.drv.wait_for(lambda: getattr(self.ctl.state, "confirming", False), 3)
        self.step(steps, p, "05-confirm-redeem")
        self.tap_control(ConfirmRedeem)
        if not self.wait_state("redeemed"):
            return
        self.drv.pump(0.3)
        self.step(steps, p, "06-redeemed")
        self.tap_control(GoHome)
        self.wait_state("attract")
        if form == SPOKEN_FORM:
            self.write_speech(lang, visit_start, steps)

    def step(self, steps: list[tuple[str, int]], prefix: str, name: str) -> None:
        self.drv.frames(3)
        self.j.shot(prefix + name)
        steps.append((name, len(self.log.said)))

    # -- touches, found by their words ------------------------------------------------------

    def tap_access_button(self) -> None:
        button = self.drv.app.screens["attract"].ids.get("access")
        if button is None:
            self.j.problems.append("attract: no accessibility button")
            self.ctl.send(OpenAccessibility())
            return
        self.drv.tap(button)

    def controls(self) -> list[Any]:
        from kiosk.ui.focus import focusables

        return focusables(self.drv.app.root.sm.current_screen)

    def tap_control(self, kind: type) -> None:
        """Tap the control whose intent is of `kind`, found by its words (the mode's own
        screens carry the control; the ordinary screens show the same words)."""
        from kiosk.flows.customer.present import present

        words = [c.label for c in present(self.ctl.state).controls if isinstance(c.intent, kind)]
        for w in self.controls():
            control = getattr(w, "control", None)
            mine = control is not None and isinstance(control.intent, kind)
            if mine or (control is None and words and label_of(w) == words[0]):
                scroll_into_view(w)  # as a customer would scroll to it
                self.drv.frames(2)
                self.drv.tap(w)
                self.drv.frames(3)
                return
        self.j.problems.append(f"{self.drv.app.root.sm.current}: no control for {kind.__name__}")

    def tap_words(self, key: str) -> None:
        from kiosk.i18n import tr

        words = tr(key, getattr(self.ctl.state, "lang", "en"))
        for w in self.controls():
            if getattr(w, "text", "") == words:
                self.drv.tap(w)
                self.drv.frames(3)
                return
        self.j.problems.append(f"{self.drv.app.root.sm.current}: no control says {words!r}")

    # -- speech as WAV files -----------------------------------------------------------------

    def write_speech(self, lang: str, visit_start: int, steps: list[tuple[str, int]]) -> None:
        """Step i's speech: all that was said between screenshot i-1 and screenshot i (the
        screen's title and state, the toggled option, the focused control)."""
        synth = Synth(self.j.out / ".speech-cache")
        if shutil.which(synth.engine) is None:
            self.j.problems.append("espeak-ng is not installed: no speech WAVs")
            return
        starts = [visit_start, *(end for _, end in steps[:-1])]
        for (name, end), start in zip(steps, starts, strict=True):
            text = " ".join(t for t, _ in self.log.said[start:end])
            if not text:
                self.j.problems.append(f"{lang} {name}: nothing was spoken")
                continue
            wav = synth.wav(Utterance(text, lang, 80))
            if wav is None:
                self.j.problems.append(f"{lang} {name}: speech synthesis failed")
                continue
            path = self.j.out / f"{lang}-a11y-speech-{name}.wav"
            shutil.copy(wav, path)
            self.wavs.append(path)
            self.j.log(f"  {path.name}: {text[:70]}")
        shutil.rmtree(synth.cache_dir, ignore_errors=True)

    # -- waiting -------------------------------------------------------------------------------

    def wait_state(self, screen: str, timeout: float = 10.0) -> bool:
        """The flow is on `screen` and the app drew it (on whichever screen the mode uses)."""
        ok = self.drv.wait_for(
            lambda: (
                getattr(self.ctl.state, "screen", "") == screen
                and getattr(self.drv.app.rendered, "screen", "") == screen
            ),
            timeout,
        )
        if not ok:
            self.j.problems.append(f"a11y: expected {screen!r}, got {self.ctl.state.screen!r}")
        return ok
