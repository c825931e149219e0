"""Stamps and redemptions still waiting in the outbox when a kiosk is unpaired or re-paired.

Why refuse: the outbox keeps no record of which shop a queued operation belongs to; it is
sent with whatever token the kiosk has when the network comes back. Unpairing would strand
those stamps, and re-pairing would send them to the NEW shop. So `kiosk unpair` and
`kiosk provision` refuse while any wait (or while the outbox cannot be read: unknown is
not empty), unless given --force; then the waiting rows are marked dropped (kept for the
record, never sent) and the command says how many were abandoned. The technician screen's
re-pairing (repair.py) refuses the same way and has no --force.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kiosk.outbox import DB_NAME, OpState, Outbox, OutboxError, read_status


@dataclass(frozen=True)
class Waiting:
    count: int
    unknown: str | None = None  # why the count cannot be known (damaged, unreadable)

    @property
    def blocks(self) -> bool:
        return self.count > 0 or self.unknown is not None

    def describe(self) -> str:
        if self.unknown is not None:
            return f"the outbox cannot be read ({self.unknown}), so it may hold unsent stamps"
        return f"{self.count} stamp(s) or redemption(s) of the current shop are not sent yet"


def waiting_in(state_dir: Path) -> Waiting:
    """Pending operations in the outbox of `state_dir`, read-only (beside a running kiosk)."""
    status = read_status(state_dir)
    if status.unavailable or status.corrupt_files:
        return Waiting(status.pending, status.unavailable or "damaged and moved aside")
    return Waiting(status.pending)


def refusal_fix(command: str) -> str:
    return (
        "send them first: sudo -u kiosk kiosk sync (needs the network; 'kiosk outbox' lists "
        f"them); or run '{command} --force' to abandon them (they are then never sent)"
    )


def abandon(state_dir: Path, reason: str) -> int:
    """Mark every pending operation dropped (kept for the record, never sent); how many."""
    if not (Path(state_dir) / DB_NAME).exists():
        return 0
    outbox = Outbox(state_dir)
    dropped = 0
    try:
        for op in outbox.list(states=(OpState.PENDING,), limit=1_000_000):
            try:
                outbox.drop(op.id, reason)
            except (KeyError, ValueError):  # sent by a running kiosk meanwhile: not abandoned
                continue
            dropped += 1
    except OutboxError:  # unreadable: nothing in it can be sent by this kiosk either
        pass
    finally:
        outbox.close()
    return dropped
