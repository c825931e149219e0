"""With the host's worker pool, network calls never run on the caller's (UI) thread:
the busy state shows at once, other touches wait, and Exit drops a late answer.
(The one place threads are tested for staff mode; the flow itself is tested as transcripts.)"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from kiosk.cli._staff_parts import staff_mode
from kiosk.flows.staff import form_intents as sf
from kiosk.flows.staff import intents as si
from kiosk.flows.staff_states import StaffClosed, StaffIssued, StaffMenu, StaffPin
from tests.staff.conftest import staff_host
from tests.staff.fakes import PIN, MemoryApi


class SlowApi(MemoryApi):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()
        self.threads: list[str] = []

    def staff_login(self, **kw):
        self.threads.append(threading.current_thread().name)
        assert self.release.wait(5)
        return super().staff_login(**kw)

    def issue_voucher(self, staff, voucher, *, idempotency_key):
        self.threads.append(threading.current_thread().name)
        assert self.release.wait(5)
        return super().issue_voucher(staff, voucher, idempotency_key=idempotency_key)


def wait_for(pred, timeout=5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.01)
    return False


class Pool:
    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kiosk-flow")


def make(memory_env, api):
    runner = Pool()
    env = memory_env
    staff = staff_mode(api, env.printer, env.settings, env.log)
    flow = staff_host(env.settings, staff, env.clock, executor=runner.pool)
    return flow, runner


def test_login_runs_off_the_caller_thread_and_shows_busy(memory_env):
    api = SlowApi()
    flow, runner = make(memory_env, api)
    try:
        flow.begin_unlock()
        for d in PIN:
            flow.send(si.PinDigit(digit=d))
        t0 = time.monotonic()
        flow.send(si.PinOk())
        assert time.monotonic() - t0 < 0.5  # the touch returned while the server "thinks"
        assert flow.state == StaffPin(busy=True)
        flow.send(si.PinDigit(digit="1"))  # ignored while busy
        flow.send(si.Cancel())
        assert flow.active and flow.state.busy
        api.release.set()
        assert wait_for(lambda: isinstance(flow.state, StaffMenu))
        assert api.threads and all(t.startswith("kiosk-flow") for t in api.threads)
        flow.send(si.OpenIssue())
        flow.send(sf.Focus(field="title"))
        flow.send(sf.Key(char="X"))
        flow.send(sf.Generate())
        assert wait_for(lambda: isinstance(flow.state, StaffIssued))
        assert memory_env.printer.printed[-1].title == "X"
    finally:
        runner.pool.shutdown(wait=True)


def test_exit_during_a_call_drops_the_late_answer(memory_env):
    api = SlowApi()
    flow, runner = make(memory_env, api)
    try:
        flow.begin_unlock()
        for d in PIN:
            flow.send(si.PinDigit(digit=d))
        flow.send(si.PinOk())
        flow.send(si.Exit())
        assert flow.model.view == StaffClosed() and not flow.active and not flow.active
        api.release.set()
        time.sleep(0.2)
        runner.pool.shutdown(wait=True)
        assert flow.model.view == StaffClosed() and not flow.active and not flow.active
        assert flow.model.session is None  # the late token was never kept
        assert flow.model.view == StaffClosed() and not flow.active
    finally:
        runner.pool.shutdown(wait=True)
