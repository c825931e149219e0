"""Property: for ANY sequence of scans, network faults and kiosk restarts, once the network
heals and the queue drains, the server holds exactly the stamps customers were told about.

Real server, real proxy, real files; hypothesis picks the sequence (bounded examples).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.stamping import StampKind
from tests.outbox.conftest import FAST

FAULTS = ["pass", "503", "502", "reset", "drop_answer", "delay_answer", "delay_request"]

action = st.one_of(
    st.tuples(st.just("scan"), st.integers(0, 2)),
    st.tuples(st.just("fault"), st.sampled_from(FAULTS)),
    st.tuples(st.just("restart"), st.just(0)),
    st.tuples(st.just("tick"), st.just(0)),
)


@settings(
    max_examples=6 if FAST else 15,
    deadline=None,
    derandomize=FAST,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(action, min_size=1, max_size=14))
def test_any_sequence_ends_with_exactly_the_acknowledged_stamps(shop, steps):
    cards = [shop.card() for _ in range(3)]
    state = shop.state_dir()
    svc = shop.services(state)
    told: Counter = Counter()
    try:
        for kind, arg in steps:
            if kind == "scan":
                o = svc.stamps.stamp(cards[arg]["token"], scanned_at=datetime.now(UTC))
                assert o.kind in (StampKind.ADDED, StampKind.SAVED_PENDING), o
                told[cards[arg]["id"]] += 1
            elif kind == "fault":
                shop.proxy.set(FAULTS[FAULTS.index(arg)], delay_s=0.5)
            elif kind == "restart":
                svc.close()  # the kiosk process goes; a new one opens the same files
                svc = shop.services(state)
            else:
                svc.worker.drain_pass(force=True)
    finally:
        shop.proxy.set("pass")
    svc.close()
    final = shop.services(state)
    report = final.worker.drain(timeout_s=20)
    assert report.remaining == 0, report
    for c in cards:
        assert len(shop.ledger(c["id"])) == told[c["id"]]
    done = [o.result["stamp_id"] for o in final.outbox.list(("done",), limit=10**6)]
    assert len(done) == len(set(done)) == sum(told.values())
    shop.close()
