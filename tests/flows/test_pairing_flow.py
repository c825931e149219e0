"""The pairing flow as transcripts: scans in, the exchange and the restart out (no threads)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.api import errors
from kiosk.flows.pairing import (
    MESSAGE_S,
    RESTART_AFTER_S,
    ChooseLanguage,
    Exchange,
    NotServing,
    PairingFlow,
    PairingSettings,
    Phase,
    RestartKiosk,
)
from kiosk.scan_kinds import ClassifiedScan, ScanKind
from tests.support.transcript import Transcript

SERVER = "https://loyalty.example.com"
QR = ClassifiedScan(ScanKind.PAIRING, "ABCD1234", server=SERVER)


@dataclass
class Paired:
    server_url: str = SERVER
    location_name: str = "Cafe Mari"


class Refused(Exception):
    """Like kiosk.appliance.provisioning.ProvisionError: words for the technician."""

    def __init__(self, cause: Exception) -> None:
        super().__init__("the pairing code is not valid")
        self.message, self.fix = "the pairing code is not valid", "ask for a new code"
        self.__cause__ = cause


def started(**settings) -> Transcript:
    t = Transcript(PairingFlow(PairingSettings(**settings)))
    t.start()
    return t


def test_a_pairing_qr_is_exchanged_then_the_kiosk_restarts_once():
    t = started(lang="et")
    assert (t.view.screen, t.view.phase, t.view.lang) == ("pairing", Phase.WAITING, "et")
    [exchange] = t.scan(QR)
    assert exchange == Exchange(QR, t.wall) and t.view.phase == Phase.WORKING
    assert t.scan(QR) == () and t.view.phase == Phase.WORKING  # one exchange at a time
    t.answer(exchange, Paired())
    assert (t.view.phase, t.view.message, t.view.value("location")) == (
        Phase.PAIRED,
        "pair.paired",
        "Cafe Mari",
    )
    assert t.tick(RESTART_AFTER_S - 1) == ()
    assert t.tick(1) == (RestartKiosk(),)
    assert t.tick(1) == ()  # asked once
    assert t.scan(QR) == () and t.view.phase == Phase.PAIRED  # once paired, nothing more


def test_a_refused_code_says_why_is_not_resent_and_the_words_come_back():
    t = started()
    t.send(NotServing("not paired: no device token"))
    assert t.view.detail == "not paired: no device token"
    [exchange] = t.scan(QR)
    t.answer(exchange, error=Refused(errors.PairingCodeInvalid("x")))
    assert (t.view.phase, t.view.message) == (Phase.FAILED, "pair.invalid")
    assert t.view.detail == "the pairing code is not valid. Fix: ask for a new code"
    assert t.scan(QR) == ()  # the same QR still held up: no second request
    t.tick(MESSAGE_S - 1)
    assert t.view.phase == Phase.FAILED
    t.tick(1)
    assert (t.view.phase, t.view.detail) == (Phase.WAITING, "not paired: no device token")
    assert len(t.scan(QR)) == 1  # shown again after the message: a new try


def test_offline_and_a_wrong_clock_have_their_own_words():
    t = started()
    [exchange] = t.scan(QR)
    t.answer(exchange, error=errors.Offline("server down"))
    assert t.view.message == "pair.offline"
    [exchange] = t.scan(ClassifiedScan(ScanKind.PAIRING, "OTHER123", server=SERVER))
    t.answer(exchange, error=errors.Offline("TLS failed: the clock says 2020"))
    assert t.view.message == "pair.clock"
    [exchange] = t.scan(QR)
    t.answer(exchange, error=RuntimeError("bug"))
    assert (t.view.message, t.view.detail) == ("pair.error", "RuntimeError: bug")


def test_only_pairing_codes_are_taken():
    t = started()
    for scan in (ClassifiedScan(ScanKind.CARD, "AbCd"), ClassifiedScan(ScanKind.UNKNOWN)):
        assert t.scan(scan) == ()
        assert (t.view.phase, t.view.message) == (Phase.FAILED, "pair.only_pairing")


def test_an_explicit_server_is_never_overridden():
    t = started(server_url="https://mine.example.com", server_explicit=True)
    assert t.scan(QR) == ()
    assert (t.view.phase, t.view.message) == (Phase.FAILED, "pair.wrong_server")
    assert "kiosk.toml" in t.view.detail
    ok = started(server_url=SERVER, server_explicit=True)
    assert len(ok.scan(QR)) == 1


def test_the_language_changes_only_the_words():
    t = started()
    t.send(NotServing("scanner not available"))
    t.send(ChooseLanguage("ko"))
    assert (t.view.lang, t.view.detail) == ("ko", "scanner not available")
    t.send(ChooseLanguage(""))
    assert t.view.lang == "ko"
