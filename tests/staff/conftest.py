"""Staff tests: staff mode on the kiosk's host (kiosk_host: customer + staff, inline) with a FakeClock, a printer and the loyalty API.

`api_kind` picks the backend: the real reference server over HTTP when it is on this
branch (refserver/ present), else the in-memory stand-in, so the flow tests run today and
switch to the real server by themselves once it lands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.cli._kiosk_parts import kiosk_host
from kiosk.cli._staff_parts import staff_mode
from kiosk.config import Settings
from kiosk.day_summary import DayLog
from kiosk.flows.base import FakeClock
from kiosk.flows.runtime import Handlers
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from tests.flows.customer_fakes import ScriptedServices
from tests.staff.fakes import FakePrinter, MemoryApi
from tests.support.modes import StaffHandle


@dataclass
class Env:
    flow: StaffHandle
    clock: FakeClock
    printer: FakePrinter
    api: object
    log: DayLog
    state_dir: Path
    settings: Settings = None  # type: ignore[assignment]
    customer: ScriptedServices = None  # type: ignore[assignment]  # the customer's handlers

    def send(self, intent) -> None:
        self.flow.send(intent)

    def pin(self, pin: str) -> None:
        for d in pin:
            self.flow.send(si.PinDigit(digit=d))
        self.flow.send(si.PinOk())

    def login(self, pin: str = "2468") -> None:
        self.flow.begin_unlock()
        self.pin(pin)

    def type(self, field: str, text: str) -> None:
        self.flow.send(sf.Focus(field=field))
        for ch in text:
            self.flow.send(sf.Key(char=ch))


def staff_host(
    settings: Settings,
    staff,
    clock: FakeClock,
    *modes,
    customer: Handlers | None = None,
    executor=None,
) -> StaffHandle:
    """The kiosk's host with staff mode (and `modes`) over the customer's, run inline; the
    customer's effects are answered by `customer` (a ScriptedServices: it records stamps)."""
    customer = customer if customer is not None else ScriptedServices()
    executor = executor or InlineExecutor()
    host = kiosk_host(settings, customer, staff, *modes, clock=clock, executor=executor)
    return StaffHandle(host)


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
    customer = ScriptedServices()
    staff = staff_mode(api, printer, settings, log, shop_name="Kohvik")
    flow = staff_host(settings, staff, clock, customer=customer)
    return Env(flow, clock, printer, api, log, state_dir, settings, customer)


# -- against the real reference server and a TCP printer emulator ---------------------------

_counter = iter(range(10_000))


@dataclass
class ServerEnv(Env):
    server: object = None
    card: dict | None = None
    staff_pin: str = ""
    badge: str = ""
    tcp: object = None
    shop_id: str | None = None


def add_staff(server, permissions, *, name="Anna", shop_id=None) -> tuple[str, str]:
    """A staff member with a unique PIN and badge (the server refuses duplicates)."""
    n = next(_counter)
    pin = f"{7000 + n:04d}{os.getpid() % 100:02d}"
    badge = f"STAFF:{n}:{os.urandom(6).hex()}"
    server.admin(
        "POST",
        "/admin/staff",
        {"name": name, "pin": pin, "badge": badge, "permissions": permissions, "shop_id": shop_id},
    )
    return pin, badge


def build_server_env(
    server, tmp_path, tcp, permissions=("*",), api_url: str | None = None, **staff_cfg
) -> ServerEnv:
    from devices.printer.service import PrinterService
    from kiosk.api.client import LoyaltyClient

    shop_id = server.shop()  # a shop per test: one test's wrong PINs never lock another's staff
    program = server.program(goal=9, name="Coffee", shop_id=shop_id)
    email = f"mari.tamm{next(_counter)}@example.com"
    card = server.card(program, "Mari", email=email, phone="+3725551234")
    card = {**card, "email": email}
    token = server.pair_device(f"kiosk-{next(_counter)}", shop_id=shop_id)
    client = LoyaltyClient(api_url or server.url, token=token, retries=0, backoff=0.0)
    settings = make_settings(tmp_path, **staff_cfg)
    settings = settings.model_copy(
        update={"printer": settings.printer.model_copy(update={"uri": tcp.uri, "timeout_s": 2.0})}
    )
    state_dir = settings.device.state_dir
    printer = PrinterService(settings.printer, state_dir)
    clock = FakeClock(start=datetime.now(UTC))
    log = DayLog(state_dir)
    flow = staff_host(settings, staff_mode(client, printer, settings, log), clock)
    pin, badge = add_staff(server, list(permissions), shop_id=shop_id)
    return ServerEnv(
        flow,
        clock,
        printer,
        client,
        log,
        state_dir,
        settings,
        server=server,
        card=card,
        staff_pin=pin,
        badge=badge,
        tcp=tcp,
        shop_id=shop_id,
    )


@pytest.fixture
def tcp_printer():
    from tests.printer.emulator import TcpPrinter

    p = TcpPrinter()
    yield p
    p.close()


@pytest.fixture
def server_env(shared_refserver, tmp_path, tcp_printer) -> ServerEnv:
    return build_server_env(shared_refserver, tmp_path, tcp_printer)


# -- the offscreen window (tests that use these skip when Kivy cannot open one) -------------


@pytest.fixture
def host(memory_env):
    """The staff screens in the offscreen window, driven by memory_env's flow."""
    kivy_host = pytest.importorskip("tests.staff.uihost")
    h = kivy_host.Host(memory_env.flow)
    yield h
    h.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: $STAFF_SHOTS to keep them for a person to look at."""
    return Path(os.environ.get("STAFF_SHOTS") or tmp_path / "shots")
