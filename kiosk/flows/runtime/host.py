"""FlowHost: the one place with threads. It owns the mode stack, the worker pool and the clock.

What it does, in order, for every event:
1. stamps it with `Now` from the one clock and gives it to the right mode: intents and scans
   to the top mode, ticks to every mode (bottom first: the customer's idle timeout keeps
   running under staff mode);
2. carries out the effects the step returned: `OpenMode`/`CloseMode` itself, the rest by the
   handler registered for the effect's type (blocking ones on the pool);
3. tags every effect with the mode and the epoch that asked for it, and drops an answer whose
   mode has closed or moved to another epoch (the one stale-answer guard of the kiosk);
4. publishes the top mode's view to the subscribers when it changed.

Events from any thread are queued and stepped one at a time under one lock, in order; a
handler's answer re-enters through the same queue. Subscribers are called under that lock
(the Kivy app only schedules a redraw on its own thread), so they see states in order.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from kiosk.clock import Clock, SystemClock
from kiosk.flows.base import ViewState
from kiosk.flows.runtime.effects import CloseMode, Effect, OpenMode
from kiosk.flows.runtime.events import Answered, Entered, Event, Scanned, Ticked
from kiosk.flows.runtime.flow import Flow, Now, Step
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Effect)
Listener = Callable[[ViewState], None]
Classifier = Callable[[str], ClassifiedScan]


class NoHandler(LookupError):
    """An effect type with no handler wired: a composition bug, answered as an error."""


class Handlers:
    """Effect type -> the function that carries it out (looked up along the type's MRO)."""

    def __init__(self) -> None:
        self._by_type: dict[type[Effect], Callable[[Any], object]] = {}

    def on(self, kind: type[E], handler: Callable[[E], object]) -> Handlers:
        self._by_type[kind] = handler
        return self

    def include(self, other: Handlers) -> Handlers:
        """Add another mode's handlers (the composition root merges one set per mode)."""
        self._by_type.update(other._by_type)
        return self

    def find(self, effect: Effect) -> Callable[[Any], object] | None:
        for kind in type(effect).__mro__:
            handler = self._by_type.get(kind)  # type: ignore[arg-type]
            if handler is not None:
                return handler
        return None


class InlineExecutor(Executor):
    """Runs a submitted job at once in the caller's thread (scripts and host tests)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        fn(*args, **kwargs)


@dataclass
class _Mode:
    """One entry of the stack: a flow, its current model, and a serial unique per opening."""

    flow: Flow[Any]
    model: Any
    serial: int

    @property
    def name(self) -> str:
        return self.flow.name

    @property
    def epoch(self) -> int:
        return self.flow.epoch(self.model)


class FlowHost:
    """The object the UI talks to: `state`, `subscribe`, `send`, `scan_text`, `tick`."""

    def __init__(
        self,
        flows: Mapping[str, Flow[Any]],
        base: str,
        handlers: Handlers,
        *,
        clock: Clock | None = None,
        executor: Executor | None = None,
        classify: Classifier | None = None,
    ) -> None:
        self.flows = dict(flows)
        self.handlers = handlers
        self.clock: Clock = clock or SystemClock()
        self._own_pool = executor is None
        self._executor: Executor = executor or ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="kiosk-flow"
        )
        self._classify = classify
        self._lock = threading.RLock()
        self._queue: deque[tuple[int | None, Event]] = deque()
        self._draining = False
        self._serials = itertools.count(1)
        self._listeners: list[Listener] = []
        self._stack: list[_Mode] = []
        self._last: dict[str, Any] = {}  # a closed mode's last model, given to its next start
        self._shown: tuple[int, object, ViewState] | None = None  # (serial, model, view) shown
        self.scans = 0
        with self._lock:
            self._open(base, None)
            self._drain()
            self._publish_if_changed()

    # -- what the screens see ------------------------------------------------------------

    @property
    def state(self) -> ViewState:
        top = self._stack[-1]
        return top.flow.view(top.model)

    @property
    def modes(self) -> tuple[str, ...]:
        """The open modes, bottom first (e.g. ("customer", "staff", "technician"))."""
        return tuple(m.name for m in self._stack)

    def view_of(self, mode: str) -> ViewState | None:
        """The view of an open mode that may not be on top (e.g. the customer's language)."""
        for m in self._stack:
            if m.name == mode:
                return m.flow.view(m.model)
        return None

    def model_of(self, mode: str) -> object | None:
        """An open mode's current model (read-only: the transitional faces and tests)."""
        for m in self._stack:
            if m.name == mode:
                return m.model
        return None

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return unsubscribe

    # -- events in -----------------------------------------------------------------------

    def send(self, event: Event) -> None:
        """An intent from the UI, or any event; stepped in order, from any thread."""
        self._enqueue(None, event)

    def send_to(self, mode: str, event: Event) -> bool:
        """An appliance event for one open mode, on top or not (e.g. the cloud's settings
        for the customer mode under staff). False when that mode is not open."""
        with self._lock:
            target = next((m.serial for m in self._stack if m.name == mode), None)
            if target is None:
                return False
            self._enqueue(target, event)
            return True

    def tick(self) -> None:
        self._enqueue(None, Ticked())

    def scan_text(self, text: str) -> None:
        """A decoded payload from a scanner thread: classified here, then stepped."""
        self.scans += 1
        scan = ClassifiedScan(ScanKind.UNKNOWN, reason="no classifier")
        if self._classify is not None:
            try:
                scan = self._classify(text)
            except Exception:  # a bad payload is a message, never a crash
                log.exception("classify failed")
                scan = ClassifiedScan(ScanKind.UNKNOWN, reason="classifier error")
        self._enqueue(None, Scanned(scan, self.clock.now()))

    def on_scan_event(self, event: Any) -> None:
        """ScannerManager's callback: a ScanEvent (or anything with .text)."""
        self.scan_text(getattr(event, "text", str(event)))

    def shutdown(self) -> None:
        if self._own_pool:
            self._executor.shutdown(wait=False, cancel_futures=True)

    # -- the loop ------------------------------------------------------------------------

    def _enqueue(self, target: int | None, event: Event) -> None:
        with self._lock:
            self._queue.append((target, event))
            if not self._draining:
                self._drain()

    def _drain(self) -> None:
        self._draining = True
        try:
            while self._queue:
                target, event = self._queue.popleft()
                self._dispatch(target, event)
                self._publish_if_changed()  # every state in order, not just the last
        finally:
            self._draining = False

    def _now(self) -> Now:
        return Now(self.clock.monotonic(), self.clock.now())

    def _dispatch(self, target: int | None, event: Event) -> None:
        if target is not None:  # an answer: only to the mode that asked
            mode = next((m for m in self._stack if m.serial == target), None)
            if mode is not None:
                self._step(mode, event)
            return
        if isinstance(event, Ticked):
            for mode in list(self._stack):
                if mode in self._stack:  # a lower mode's tick may have closed an upper one
                    self._step(mode, event)
            return
        self._step(self._stack[-1], event)

    def _step(self, mode: _Mode, event: Event) -> None:
        try:
            result: Step[Any] = mode.flow.step(mode.model, event, self._now())
        except Exception:  # a flow bug must not stop the kiosk: say it loudly, keep the model
            log.exception("%s flow failed on %s", mode.name, type(event).__name__)
            return
        mode.model = result.model
        for effect in result.effects:
            self._carry_out(mode, effect)

    # -- effects -------------------------------------------------------------------------

    def _carry_out(self, mode: _Mode, effect: Effect) -> None:
        if isinstance(effect, OpenMode):
            self._open(effect.mode, effect.reason)
        elif isinstance(effect, CloseMode):
            self._close(mode)
        else:
            self._handle(mode, effect)

    def _handle(self, mode: _Mode, effect: Effect) -> None:
        handler = self.handlers.find(effect)
        serial, epoch = mode.serial, mode.epoch
        if handler is None:
            log.error("no handler for %s: a wiring bug", type(effect).__name__)
            self._answer(serial, epoch, Answered(effect, None, NoHandler(type(effect).__name__)))
            return

        def run() -> None:
            try:
                result = handler(effect)
            except Exception as exc:  # handed to the flow as Answered(error=...): it decides
                log.debug("%s failed; handed to the flow", type(effect).__name__, exc_info=True)
                self._answer(serial, epoch, Answered(effect, None, exc))
                return
            self._answer(serial, epoch, Answered(effect, result, None))

        if effect.blocking:
            self._executor.submit(run)
        else:
            run()

    def _answer(self, serial: int, epoch: int, answer: Answered) -> None:
        """Deliver an answer, unless its mode closed or moved on (stale answers stop here)."""
        if not answer.effect.answered:
            if answer.error is not None:
                log.warning("%s failed: %s", type(answer.effect).__name__, answer.error)
            return
        with self._lock:
            mode = next((m for m in self._stack if m.serial == serial), None)
            stale = mode is None or mode.epoch != epoch
            if not stale:
                self._enqueue(serial, answer)
        if stale:
            log.info("dropping a late %s answer (the flow moved on)", type(answer.effect).__name__)
            self._undo(answer)

    def _undo(self, answer: Answered) -> None:
        """Close what a dropped answer left open (a late login's token), outside any mode."""
        if answer.error is not None:
            return
        undo = answer.effect.undo(answer.result)
        handler = self.handlers.find(undo) if undo is not None else None
        if undo is None or handler is None:
            return
        log.info("undoing the late %s: %s", type(answer.effect).__name__, type(undo).__name__)
        try:
            handler(undo)
        except Exception:  # best effort, like the flow's own logout: the token expires anyway
            log.warning("%s failed", type(undo).__name__, exc_info=True)

    # -- the stack -----------------------------------------------------------------------

    def _open(self, name: str, reason: Event | None) -> None:
        flow = self.flows.get(name)
        if flow is None:
            log.warning("no %s mode in this build; ignored", name)
            return
        if any(m.name == name for m in self._stack):
            log.info("%s mode is already open", name)
            return
        start = flow.start(reason, self._now(), self._last.get(name))
        mode = _Mode(flow, start.model, next(self._serials))
        self._stack.append(mode)
        log.info("mode %s opened", name)
        for effect in start.effects:
            self._carry_out(mode, effect)
        if reason is not None:
            self._queue.appendleft((mode.serial, Entered(reason)))

    def _close(self, mode: _Mode) -> None:
        if len(self._stack) == 1 or mode not in self._stack:
            log.warning("the %s mode cannot close (it is the base)", mode.name)
            return
        index = self._stack.index(mode)
        closed = self._stack[index:]
        del self._stack[index:]
        for m in closed:
            self._last[m.name] = m.model
        log.info("mode(s) %s closed", ", ".join(m.name for m in closed))

    def _publish_if_changed(self) -> None:
        top = self._stack[-1]
        shown = self._shown
        if shown is not None and shown[0] == top.serial and shown[1] is top.model:
            return  # same mode, same model object: nothing changed
        view = top.flow.view(top.model)
        self._shown = (top.serial, top.model, view)
        if shown is not None and shown[0] == top.serial and shown[2] == view:
            return  # the model moved (e.g. the last touch's time) but the screen did not
        for listener in list(self._listeners):
            try:
                listener(view)
            except Exception:  # a broken listener must not break the flows
                log.exception("state listener failed")
