"""Staff tests: a StaffFlow with a FakeClock, a printer and the loyalty API.

`api_kind` picks the backend: the real reference server over HTTP when it is on this
branch (refserver/ present), else the in-memory stand-in, so the flow tests run today and
switch to the real server by themselves once it lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.config import Settings
from kiosk.day_summary import DayLog
from kiosk.flows.base import FakeClock
from kiosk.flows.staff import StaffFlow
from tests.staff.fakes import FakePrinter, MemoryApi


@dataclass
class Env:
    flow: StaffFlow
    clock: FakeClock
    printer: FakePrinter
    api: object
    log: DayLog
    state_dir: Path

    def touch(self, action: str, **data) -> None:
        self.flow.touch(action, **data)

    def pin(self, pin: str) -> None:
        for d in pin:
            self.flow.touch("pin_digit", digit=d)
        self.flow.touch("pin_ok")

    def login(self, pin: str = "2468") -> None:
        self.flow.begin_unlock()
        self.pin(pin)

    def type(self, field: str, text: str) -> None:
        self.flow.touch("focus", field=field)
        for ch in text:
            self.flow.touch("key", char=ch)


def make_settings(tmp_path: Path, **staff) -> Settings:
    return Settings.model_validate(
        {"device": {"state_dir": str(tmp_path / "state")}, "staff": staff}
    )


@pytest.fixture
def memory_env(tmp_path: Path) -> Env:
    settings = make_settings(tmp_path)
    clock = FakeClock()
    printer = FakePrinter()
    api = MemoryApi()
    state_dir = settings.device.state_dir
    log = DayLog(state_dir)
    flow = StaffFlow(api, printer, settings, clock, log, shop_name="Kohvik")
    return Env(flow, clock, printer, api, log, state_dir)
