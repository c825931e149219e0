"""Pairing by scan: an unpaired kiosk pairs itself when shown the admin's pairing QR.

Why a flow of its own (not a branch of the customer journey): only an UNPAIRED kiosk runs
it. A paired kiosk never builds this flow, so a customer holding a pairing QR to a working
kiosk's camera gets the customer flow's "we can't read this" and nothing else: re-pairing
a paired kiosk is for the technician (`kiosk provision` / technician mode), never a scan.

A pure flow on kiosk/flows/runtime: scans, ticks and the language in; the exchange
(`Exchange`) and the restart (`RestartKiosk`) out, carried out by kiosk/cli/_pairing_parts.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, cast

from kiosk.flows.base import ViewState
from kiosk.flows.pairing.effects import Exchange, PairResult, RestartKiosk
from kiosk.flows.pairing.intents import ChooseLanguage, NotServing
from kiosk.flows.pairing.model import (
    MESSAGE_S,
    RESTART_AFTER_S,
    PairingModel,
    PairingState,
    Phase,
)
from kiosk.flows.pairing.words import failure_detail, message_for
from kiosk.flows.runtime import Answered, Event, Now, Scanned, Step, Ticked
from kiosk.scan_kinds import ClassifiedScan, ScanKind

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairingSettings:
    """The constants the flow decides with: the words' language and the configured server."""

    lang: str = "en"
    server_url: str = ""
    server_explicit: bool = False  # a person set [server] url: a code for another is refused

    @classmethod
    def from_settings(cls, settings: Any) -> PairingSettings:
        """From kiosk.config.Settings."""
        return cls(settings.ui.language, settings.server.url, bool(settings.server_explicit))


class PairingFlow:
    """The one mode of an unpaired kiosk (the base of its FlowHost)."""

    name = "pairing"

    def __init__(self, settings: PairingSettings | None = None) -> None:
        self.settings = settings or PairingSettings()

    def start(
        self, reason: Event | None, now: Now, last: PairingModel | None = None
    ) -> Step[PairingModel]:
        return Step(PairingModel(PairingState(lang=self.settings.lang), since=now.mono))

    def view(self, model: PairingModel) -> ViewState:
        return model.view

    def epoch(self, model: PairingModel) -> int:
        return model.epoch

    def step(self, model: PairingModel, event: Event, now: Now) -> Step[PairingModel]:
        match event:
            case Scanned(scan):
                return self._scanned(model, scan, now)
            case Answered(effect=Exchange(scan=scan), error=None, result=result):
                return _paired(model, cast(PairResult | None, result), scan, now)
            case Answered(effect=Exchange(scan=scan), error=BaseException() as error):
                return _failed(model, error, scan, now)
            case Ticked():
                return _ticked(model, now)
            case NotServing(reason):
                return _not_serving(model, reason, now)
            case ChooseLanguage(lang) if lang:
                return Step(replace(model, view=replace(model.view, lang=lang)))
            case _:
                return Step(model)

    def _scanned(self, model: PairingModel, scan: ClassifiedScan, now: Now) -> Step[PairingModel]:
        phase = model.view.phase
        if phase in (Phase.WORKING, Phase.PAIRED):
            return Step(model)  # one exchange at a time; once paired, nothing more
        if phase == Phase.FAILED and scan == model.last_failed:
            return Step(model)  # the same refused QR still held up: no new request per frame
        if scan.kind is not ScanKind.PAIRING:
            detail = f"not a pairing code: {scan.kind}"
            return Step(_show(model, now, Phase.FAILED, "pair.only_pairing", detail))
        server = self.settings.server_url
        if self.settings.server_explicit and scan.server != server:
            detail = (
                f"this code is for {scan.server}, but [server] url in kiosk.toml is "
                f"{server}. Fix: pair with 'kiosk provision' or remove [server] url from "
                "kiosk.toml"
            )
            return Step(_show(model, now, Phase.FAILED, "pair.wrong_server", detail))
        working = _show(model, now, Phase.WORKING, "pair.working", f"pairing with {scan.server}")
        return Step(working, (Exchange(scan, now.wall),))


def _paired(
    model: PairingModel, result: PairResult | None, scan: ClassifiedScan, now: Now
) -> Step[PairingModel]:
    if result is None:
        log.warning("pairing by scan failed: no answer")
        failed = _show(model, now, Phase.FAILED, "pair.error", "no answer")
        return Step(replace(failed, last_failed=scan))
    log.info("paired by scan with %s (%s); restarting", result.location_name, result.server_url)
    detail = f"paired with {result.server_url}; the kiosk restarts to serve customers"
    location = result.location_name or result.server_url
    return Step(_show(model, now, Phase.PAIRED, "pair.paired", detail, location=location))


def _failed(
    model: PairingModel, error: BaseException, scan: ClassifiedScan, now: Now
) -> Step[PairingModel]:
    detail = failure_detail(error)
    log.warning("pairing by scan failed: %s", detail)
    failed = _show(model, now, Phase.FAILED, message_for(error), detail)
    return Step(replace(failed, last_failed=scan))


def _ticked(model: PairingModel, now: Now) -> Step[PairingModel]:
    elapsed = now.mono - model.since
    phase = model.view.phase
    if phase == Phase.FAILED and elapsed >= MESSAGE_S:
        return Step(_show(model, now, Phase.WAITING, "", model.reason))
    if phase == Phase.PAIRED and elapsed >= RESTART_AFTER_S and not model.restart_requested:
        return Step(replace(model, restart_requested=True), (RestartKiosk(),))
    return Step(model)


def _not_serving(model: PairingModel, reason: str, now: Now) -> Step[PairingModel]:
    """Why the kiosk is not serving (e.g. NotPaired), kept for the technician line."""
    model = replace(model, reason=reason)
    if model.view.phase == Phase.WAITING:
        model = _show(model, now, Phase.WAITING, "", reason)
    return Step(model)


def _show(
    model: PairingModel, now: Now, phase: str, message: str, detail: str, **values: str
) -> PairingModel:
    view = PairingState(
        lang=model.view.lang,
        phase=phase,
        message=message,
        values=tuple(values.items()),
        detail=detail[:400],
    )
    return replace(model, view=view, since=now.mono)
