"""Pairing by scan (an unpaired kiosk's one screen): a pure flow on kiosk/flows/runtime.

Read flow.py first; the exchange and the restart are carried out in
kiosk/cli/_pairing_parts.py, which also builds the host and its face for `kiosk run`.
"""

from kiosk.flows.pairing.effects import Exchange, Explained, PairByScan, PairResult, RestartKiosk
from kiosk.flows.pairing.face import Outcome, PairingFace
from kiosk.flows.pairing.flow import PairingFlow, PairingSettings
from kiosk.flows.pairing.intents import ChooseLanguage, NotServing, Wake
from kiosk.flows.pairing.model import MESSAGE_S, RESTART_AFTER_S, PairingModel, PairingState, Phase
from kiosk.flows.pairing.words import failure_detail, message_for

__all__ = [
    "MESSAGE_S",
    "RESTART_AFTER_S",
    "ChooseLanguage",
    "Exchange",
    "Explained",
    "NotServing",
    "Outcome",
    "PairByScan",
    "PairResult",
    "PairingFace",
    "PairingFlow",
    "PairingModel",
    "PairingSettings",
    "PairingState",
    "Phase",
    "RestartKiosk",
    "Wake",
    "failure_detail",
    "message_for",
]
