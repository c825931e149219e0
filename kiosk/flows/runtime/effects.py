"""Effects: what a flow asks the world to do, as frozen dataclasses (by inheritance: frozen.py).

A flow never calls the API, the printer or the doctor: it returns effects, and the host
hands each to the handler registered for its type (wired in the composition root,
kiosk/cli/_kiosk_parts.py). The handler's result comes back as `Answered(effect, ...)`.

`blocking = True` (the default): the handler may wait on the network or a device, so the
host runs it on its worker pool. `blocking = False`: it is quick and runs in the host's
thread right after the step (logging a line, asking for a restart).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from kiosk.flows.runtime.frozen import Frozen

if TYPE_CHECKING:
    from kiosk.flows.runtime.events import Event


class Effect(Frozen):
    """Base of every effect."""

    blocking: ClassVar[bool] = True
    answered: ClassVar[bool] = True  # False: the flow does not want the result back

    def undo(self, result: object) -> Effect | None:
        """What undoes this effect's `result` when nobody is left to receive it.

        The host drops an answer whose mode closed or moved on; an effect that leaves
        something open in the world (a staff login leaves a live token) names here the
        effect that closes it, and the host carries that out instead. Most effects leave
        nothing open: None.
        """
        del result
        return None


class OpenMode(Effect):
    """Push the named mode (staff, technician) on the stack; the host does it itself."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
    mode: str = ""
    reason: Event | None = None  # handed to the new mode as Entered(reason)


class CloseMode(Effect):
    """Pop the mode that returned this effect (it is done); the one below shows again."""

    blocking: ClassVar[bool] = False
    answered: ClassVar[bool] = False
