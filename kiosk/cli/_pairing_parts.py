"""The unpaired kiosk's controller: the pure pairing flow on a FlowHost, its effects carried
out by the real exchange (kiosk.appliance.provisioning.pair_by_scan) and the app's restart.

Why here: the exchange talks HTTP and writes the token, and the restart stops the Kivy app;
the flows layer does neither, the composition root wires both.
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from kiosk.clock import Clock
from kiosk.flows.pairing import (
    Exchange,
    Outcome,
    PairByScan,
    PairingFace,
    PairingFlow,
    PairingSettings,
    PairResult,
    RestartKiosk,
)
from kiosk.flows.runtime import FlowHost, Handlers


def pairing_handlers(
    settings: Any, pair: PairByScan, face: PairingFace, *, into: Handlers | None = None
) -> Handlers:
    """Exchange: the real pairing (its result noted for `kiosk run`); restart: App.stop."""
    device = settings.device

    def exchange(effect: Exchange) -> PairResult:
        result = pair(
            effect.scan.server,
            effect.scan.value,
            device_name=device.name,
            token_path=device.token_path,
            state_dir=device.state_dir,
            now=effect.at,
        )
        face.outcome.result = result
        return result

    handlers = into if into is not None else Handlers()
    return handlers.on(Exchange, exchange).on(RestartKiosk, lambda _e: face.restart())


def build_pairing(
    settings: Any,
    pair: PairByScan,
    *,
    clock: Clock | None = None,
    executor: Executor | None = None,
) -> PairingFace:
    """The face `kiosk run` hands to KioskApp while the kiosk is unpaired."""
    from kiosk.cli._scan_classify import classifier_for

    flow = PairingFlow(PairingSettings.from_settings(settings))
    handlers = Handlers()  # filled below: the restart handler needs the face
    host = FlowHost(
        {flow.name: flow},
        flow.name,
        handlers,
        clock=clock,
        executor=executor,
        classify=classifier_for(settings.scanner),
    )
    face = PairingFace(host, Outcome())
    pairing_handlers(settings, pair, face, into=handlers)
    return face
