"""A phone stamp taken while offline: saved as the number's keyed hash (never the number),
delivered once when the cloud is back, and it never shows a name it should not."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.phone_numbers import phone_hash
from kiosk.stamping import StampKind

NUMBER = "+37251234567"


def test_offline_phone_stamp_is_delivered_once_and_shows_no_name(clean_shop):
    shop = clean_shop
    card = shop.server.card(shop.program_id, "Mari", phone=NUMBER)
    state = shop.state_dir()
    svc = shop.services(state)
    key = svc.client.device().phone_key
    assert key is not None
    h = phone_hash(key, NUMBER)
    shop.proxy.set("reset")  # the cloud is away
    o = svc.stamps.stamp_phone(h, scanned_at=datetime.now(UTC))
    assert o.kind == StampKind.SAVED_PENDING and o.acknowledged
    assert o.card is None  # nothing known, nothing shown: no name
    # on disk: the hash, never the number (in any form the pad could have produced)
    raw = b"".join(p.read_bytes() for p in state.iterdir() if p.is_file())
    for form in (NUMBER, NUMBER[1:], "51234567"):
        assert form.encode() not in raw
    assert h.encode() in raw
    shop.proxy.set("pass")
    svc.worker.drain()
    svc.worker.drain()  # a second drain sends nothing again
    ledger = shop.ledger(card["id"])
    assert [(e["count"], e["channel"]) for e in ledger] == [(1, "phone")]
    done = [op for op in svc.outbox.list(("done",), limit=10)]
    assert len(done) == 1 and done[0].result is not None
    assert done[0].result["card"]["display_name"] == "M***"  # what was recorded: masked
    assert svc.cache.card("phone." + h) is None  # a number is never cached


def test_a_scanned_code_cannot_pose_as_a_phone_row(clean_shop):
    svc = clean_shop.services()
    o = svc.stamps.stamp("phone." + "a" * 64, scanned_at=datetime.now(UTC))
    assert o.kind == StampKind.INVALID and svc.outbox.pending_count() == 0
