"""The fleet's metrics from the heartbeat rows: what Prometheus scrapes from the cloud.

A kiosk that is down cannot be scraped, so its absence must be seen from somewhere else:
the cloud knows when each kiosk last sent a heartbeat. Per device: last-seen age, outbox
depth and oldest age, version, printer state. Values come from the heartbeat body as the
kiosk sent it; a kiosk that never sent one has no age (NaN would page nobody, so it is
left out and counted in stampkiosk_fleet_devices_never_seen instead).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from refserver.clock import parse_iso
from refserver.fleet.exposition import Family


def printer_flags(hb: dict[str, Any]) -> tuple[float, float]:
    """(paper_out, up) from the heartbeat: the kiosk's structured printer state when it
    sends one (details.printer_state), else read from the one-line text."""
    state = (hb.get("details") or {}).get("printer_state")
    if isinstance(state, dict):
        paper_out = bool(state.get("paper_out"))
        up = bool(state.get("ready", not paper_out))
        return float(paper_out), float(up)
    text = str(hb.get("printer") or "").lower()
    paper_out = "paper out" in text or "out of paper" in text
    up = text.startswith("ready") or text == "ok"
    return float(paper_out), float(up)


def fleet_families(rows: list[Any], now: datetime) -> list[Family]:
    """One family per metric, one sample per paired device (rows: devices joined with shops)."""
    seen = Family("stampkiosk_fleet_last_seen_age_seconds", "Seconds since the last heartbeat.")
    depth = Family("stampkiosk_fleet_outbox_depth", "Stamps waiting in the kiosk's outbox.")
    oldest = Family(
        "stampkiosk_fleet_outbox_oldest_age_seconds", "Age of the oldest waiting stamp."
    )
    version = Family("stampkiosk_fleet_version_info", "The kiosk's app version (value 1).")
    paper = Family("stampkiosk_fleet_printer_paper_out", "1 when the printer reports no paper.")
    printer_up = Family("stampkiosk_fleet_printer_up", "1 when the printer is ready to print.")
    devices = Family("stampkiosk_fleet_devices", "Paired devices.")
    never = Family("stampkiosk_fleet_devices_never_seen", "Paired devices with no heartbeat.")
    never_count = 0
    for row in rows:
        labels = {"device_id": row["id"], "device": row["name"], "shop": row["shop_id"] or ""}
        last = parse_iso(row["last_heartbeat_at"])
        if last is None:
            never_count += 1
            continue
        hb = json.loads(row["heartbeat"] or "{}")
        seen.add(max(0.0, round((now - last).total_seconds(), 3)), **labels)
        if hb.get("queue_depth") is not None:
            depth.add(hb["queue_depth"], **labels)
        oldest.add(float(hb.get("oldest_queued_s") or 0.0), **labels)
        version.add(1, version=str(hb.get("app_version") or "unknown"), **labels)
        paper_out, up = printer_flags(hb)
        paper.add(paper_out, **labels)
        printer_up.add(up, **labels)
    devices.add(len(rows))
    never.add(never_count)
    return [devices, never, seen, depth, oldest, version, paper, printer_up]
