"""One picture of the update state for `kiosk update --status`, doctor and the heartbeat."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.trial import Store


def status(releases_dir: Path, state_dir: Path) -> dict[str, Any]:
    """current, previous, installed, pending, trial and the last result (None when absent)."""
    layout, store = Layout(releases_dir), Store(state_dir)
    trial = store.trial()
    return {
        "running": __version__,
        "current": layout.current(),
        "previous": layout.previous(),
        "installed": layout.installed(),
        "pending": store.pending(),
        "trial": asdict(trial) if trial is not None else None,
        "last_result": store.last(),
        "offer": _offer(store),
    }


def _offer(store: Store) -> dict[str, Any] | None:
    """The cloud's last offer and what became of it (update/offer.json), None if none."""
    from kiosk.appliance.updates.offer import load_state

    state = load_state(store)
    return asdict(state) if state is not None else None


def summary(st: dict[str, Any]) -> str:
    """One line: 'version 0.3.0 (previous 0.2.0); last update: rolled-back 0.4.0 (...)'."""
    line = f"version {st['current'] or st['running']}"
    if st.get("previous"):
        line += f" (previous {st['previous']})"
    last = st.get("last_result")
    if last:
        line += f"; last update: {last.get('result')} {last.get('version', '')}".rstrip()
        if last.get("reason"):
            line += f" ({last['reason']})"
    offer = st.get("offer")
    if offer and offer.get("state") != "ignored":
        line += f"; offered {offer['version']}: {offer['state']}"
        if offer["state"] in ("refused", "retry") and offer.get("reason"):
            line += f" ({offer['reason']})"
    if st.get("trial"):
        line += f"; {st['trial']['version']} on trial"
    return line


def heartbeat_fields(releases_dir: Path, state_dir: Path) -> dict[str, Any]:
    """What the cloud sees of updates (in the heartbeat's details): version and last result."""
    st = status(releases_dir, state_dir)
    last = st["last_result"] or {}
    return {
        "version": st["running"],
        "current": st["current"],
        "previous": st["previous"],
        "on_trial": bool(st["trial"]),
        "last_result": last.get("result"),
        "last_version": last.get("version"),
        "last_reason": (last.get("reason") or "")[:200] or None,
        "offered": (st["offer"] or {}).get("version"),
        "offer_state": (st["offer"] or {}).get("state"),
    }
