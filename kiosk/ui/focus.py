"""Operation without touch: a USB numeric keypad or arrow keys move a visible focus ring.

Tab / arrows (or the keypad's 8 2 4 6 without NumLock) move, Enter (or keypad Enter, 5)
activates, `*` repeats the speech, `#` (or the keypad's `/`) speaks the help, `+` / `-`
change the volume. The first key on a customer screen opens the accessibility mode: a
customer who cannot see the screen cannot find its button, so a key is the way in.

Why in the UI and not in a flow: focus is about widgets on screen (which controls there
are, where they are); what a control does is still its intent, sent as a touch sends it,
and what is spoken is the flow's (the ring reports `Focused(label)`). Every customer and
staff control is a ButtonBehavior (KioskButton, the kit's Button, the large-text and
options screens' ControlButton), so every action is reachable by keys alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.graphics import Color, Line
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.screenmanager import Screen
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.flows.customer.access import (
    AskHelp,
    ChangeVolume,
    Focused,
    OpenAccessibility,
    RepeatSpeech,
)
from kiosk.flows.runtime import Intent, Wake
from kiosk.ui.canvas import canvas
from kiosk.ui.theme import FOCUS_EDGE, FOCUS_RING

TAB, ENTER, KP_ENTER = 9, 13, 271
UP, DOWN, RIGHT, LEFT = 273, 274, 275, 276
KP = {264: UP, 258: DOWN, 262: RIGHT, 260: LEFT}  # keypad 8 2 6 4 (arrows on a keypad)
KP_5, KP_DIVIDE, KP_MULTIPLY, KP_MINUS, KP_PLUS = 261, 267, 268, 269, 270
NEXT, PREVIOUS, ACTIVATE, REPEAT, HELP, LOUDER, QUIETER = range(7)


def action_of(key: int, codepoint: str | None, modifiers: list[str]) -> int | None:
    """What a key means here (None: not ours; the key goes on to whoever wants it)."""
    key = KP.get(key, key)
    if key == TAB:
        return PREVIOUS if "shift" in modifiers else NEXT
    if key in (DOWN, RIGHT):
        return NEXT
    if key in (UP, LEFT):
        return PREVIOUS
    if key in (ENTER, KP_ENTER, KP_5):
        return ACTIVATE
    if codepoint == "*" or key == KP_MULTIPLY:
        return REPEAT
    if codepoint == "#" or key == KP_DIVIDE:
        return HELP
    if codepoint == "+" or key == KP_PLUS:
        return LOUDER
    if codepoint == "-" or key == KP_MINUS:
        return QUIETER
    return None


def _visible(w: Widget, screen: Widget) -> bool:
    node: Any = w
    while node is not None and node is not screen:
        if getattr(node, "opacity", 1) <= 0.01 or getattr(node, "disabled", False):
            return False
        node = node.parent
    return node is screen and w.width > 2 and w.height > 2


def focusables(screen: Widget) -> list[Widget]:
    """The screen's controls in reading order: top to bottom, then left to right."""
    found: list[Widget] = []
    stack: list[Widget] = [screen]
    while stack:
        w = stack.pop()
        stack.extend(w.children)
        if isinstance(w, ButtonBehavior) and _visible(w, screen):
            found.append(w)

    def order(w: Widget) -> tuple[float, float]:
        x, top = w.to_window(w.x, w.top)
        return (-round(top / 8), x)

    return sorted(found, key=order)


def label_of(w: Widget) -> str:
    text = str(getattr(w, "text", "") or "")
    return " ".join(text.replace("[/size]", "").split("]")[-1].split()) if "[" in text else text


class FocusRing(Widget):
    """The visible ring: a thick yellow frame with a black edge, drawn over everything."""

    def draw(self, target: Widget | None, u: float) -> None:
        canvas(self).clear()
        if target is None:
            return
        x, y = target.to_window(target.x, target.y)
        w, h = target.width, target.height
        ring = 5 * u
        with canvas(self):
            Color(*FOCUS_EDGE)
            Line(rectangle=(x - 2 * ring, y - 2 * ring, w + 4 * ring, h + 4 * ring), width=ring / 2)
            Color(*FOCUS_RING)
            Line(rectangle=(x - ring, y - ring, w + 2 * ring, h + 2 * ring), width=ring)

    def on_touch_down(self, touch: Any) -> bool:
        return False


class KeypadFocus:
    """The focus of the screen on show, moved by keys; the app renders, this follows."""

    def __init__(self, send: Callable[[Intent], None], ring: FocusRing) -> None:
        self.send = send
        self.ring = ring
        self.screen: Widget | None = None
        self.state: Any = None
        self.index = 0
        self.active = False  # a key was used in this visit: the ring shows
        self.u = 1.0
        self._announce_first = False
        self._drawn = False

    # -- the app tells us what is on screen -----------------------------------------------

    def rendered(self, screen: Widget, state: Any, u: float) -> None:
        access = getattr(state, "access", None)
        if access is not None and not access.on:
            self.active = False  # the visit ended (or never used keys)
        if screen is not self.screen or _kind(state) != _kind(self.state):
            self.index = 0
            self._announce_first = self.active
        self.screen, self.state, self.u = screen, state, u
        self.refresh()

    def refresh(self) -> None:
        """Redraw the ring where the focused control is now (layouts settle after a frame);
        the first control of a new screen is spoken once it is there."""
        if not self.active:
            if self._drawn:
                self.ring.draw(None, self.u)
                self._drawn = False
            return  # an ordinary customer: no walk of the widget tree, no cost
        target = self.target()
        if self._announce_first and target is not None:
            scroll_into_view(target)
        self.ring.draw(target, self.u)
        self._drawn = True
        if self._announce_first and target is not None:
            self._announce_first = False
            self.send(Focused(label_of(target), first=True))

    def target(self) -> Widget | None:
        if self.screen is None:
            return None
        items = focusables(self.screen)
        if not items:
            return None
        self.index = min(self.index, len(items) - 1)
        return items[self.index]

    # -- keys ----------------------------------------------------------------------------------

    def on_key(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, modifiers: list[str]
    ) -> bool:
        action = action_of(key, codepoint, list(modifiers or ()))
        if action is None:
            return False
        self.send(Wake())  # a key is activity, as a touch is
        access = getattr(self.state, "access", None)
        if access is not None and not access.on:
            self.active = True
            self.send(OpenAccessibility())  # the first key opens the mode (and speaks)
            return True
        self.active = True
        self._act(action)
        return True

    def _act(self, action: int) -> None:
        if action == REPEAT:
            self.send(RepeatSpeech())
        elif action == HELP:
            self.send(AskHelp())
        elif action in (LOUDER, QUIETER):
            self.send(ChangeVolume(1 if action == LOUDER else -1))
        elif action == ACTIVATE:
            target = self.target()
            if isinstance(target, ButtonBehavior):
                target.trigger_action(duration=0)
        else:
            self._move(1 if action == NEXT else -1)

    def _move(self, step: int) -> None:
        items = focusables(self.screen) if self.screen is not None else []
        if not items:
            return
        self.index = (self.index + step) % len(items)
        target = items[self.index]
        scroll_into_view(target)
        self.ring.draw(target, self.u)
        self.send(Focused(label_of(target)))


def _kind(state: Any) -> tuple[str, Any]:
    """A new screen, or a new question on the same one (the two-step redeem): focus resets."""
    return (getattr(state, "screen", ""), getattr(state, "confirming", None))


def scroll_into_view(target: Widget) -> None:
    node: Any = target.parent
    for _ in range(32):  # up to the screen; a window is its own parent, so never to None
        if node is None or isinstance(node, Screen):
            return
        if isinstance(node, ScrollView):
            node.scroll_to(target, padding=10, animate=False)
            return
        node = node.parent
