"""The pending release (`kiosk update --later`, or an offer from the cloud) and when it
may be applied: inside `[update] window`, with no customer or staff session open.

Why root takes a copy before it verifies: the pending file was downloaded by `kiosk run`
into the kiosk user's state dir, and a file root verifies must be the file root installs.
Root copies it into /opt/stamp-kiosk/.incoming/ (root's own) first and checks and unpacks
only that copy, so nothing the kiosk user can write is read between the check and the use.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.appliance.updates.trial import Store
from kiosk.appliance.updates.window import in_window, session_open

INCOMING = ".incoming"


def due(store: Store, window: str, now: datetime) -> tuple[dict[str, Any] | None, str]:
    """(the pending release, "") when it may be applied at `now`; (None, why not) else."""
    pending = store.pending()
    if pending is None:
        return None, "nothing pending"
    if not in_window(window, now):
        return None, f"{pending['version']} waits for the window {window}"
    if session_open(store.state_dir):
        return None, f"{pending['version']} waits: a session is open"
    return pending, ""


def take(pending: dict[str, Any], releases_root: Path) -> tuple[Path, Path]:
    """Copies of the pending .deb and signature in <releases_root>/.incoming/ (root's)."""
    incoming = releases_root / INCOMING
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(mode=0o700, parents=True)
    deb, sig = Path(pending["deb"]), Path(pending["signature"])
    mine_deb = incoming / deb.name
    shutil.copyfile(deb, mine_deb)
    mine_sig = mine_deb.with_name(mine_deb.name + ".minisig")
    if sig.is_file():
        shutil.copyfile(sig, mine_sig)
    return mine_deb, mine_sig


def drop_incoming(releases_root: Path) -> None:
    shutil.rmtree(releases_root / INCOMING, ignore_errors=True)
