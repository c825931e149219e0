"""Look at and act on the outbox: list, status, retry ID, drop ID.

`retry` of a pending row tries it again now with its own key (it may have applied: the
replay is safe); of a rejected or dropped row it queues it again with a NEW key (the cloud
said no, nothing applied). `drop` asks for confirmation unless --yes: a dropped stamp is
never sent (the row is kept as 'dropped' for the record).
`status` only reads: it never moves a damaged outbox aside (the kiosk does that on its own
start) and says "corrupt" or "unreadable" rather than a depth it does not know.
Exit codes: 0 done; 1 refused or not confirmed; 2 no such row / bad use; 75 storage error
(for `status`: the outbox is corrupt or unreadable).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kiosk.cli import EX_FAIL, EX_OK, EX_TEMPFAIL, EX_USAGE
from kiosk.cli._queue_common import explain, load
from kiosk.config import Settings
from kiosk.outbox import Op, Outbox, OutboxError, OutboxStatus, read_status

NAME = "outbox"
HELP = "list, retry or drop queued operations"
STATES = ("pending", "rejected", "done", "dropped")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="?", default="list", choices=["list", "status", "retry", "drop"])
    p.add_argument("id", nargs="?", type=int, help="the row id (retry, drop)")
    p.add_argument("--json", action="store_true", help="print data as JSON")
    p.add_argument("--yes", action="store_true", help="drop without asking")
    p.add_argument(
        "--state",
        choices=[*STATES, "all"],
        help="list rows in this state (default: pending and rejected)",
    )
    p.add_argument("--limit", type=int, default=500, help="list at most this many rows")


def _row(op: Op) -> str:
    j = op.as_json()
    note = op.reason or op.last_error or ""
    return (
        f"{op.id:>6}  {op.kind:<6} {op.state:<8} {j['card_token'] or op.voucher_id or '':<22} "
        f"{op.occurred_at:%Y-%m-%d %H:%M:%S}  tries={op.attempts:<3} {note}"
    )


def _list(ob: Outbox, args: argparse.Namespace) -> int:
    states = STATES if args.state == "all" else ((args.state,) if args.state else STATES[:2])
    ops = ob.list(states, limit=args.limit)
    if args.json:
        print(json.dumps([o.as_json() for o in ops]))
        return EX_OK
    if not ops:
        print(f"no {' or '.join(states)} operations")
    for op in ops:
        print(_row(op))
    return EX_OK


def _status(settings: Settings, args: argparse.Namespace) -> int:
    """Read-only (beside a running kiosk too): never opens the outbox for writing, so it
    never moves a damaged file aside; a queue it cannot read is never "depth 0"."""
    st = read_status(Path(settings.device.state_dir), settings.offline.outbox_max_rows)
    if st.unavailable:
        return _unreadable(st, args)
    if args.json:
        print(json.dumps(st.as_json() | {"state": "ok"}))
        return EX_OK
    last = st.last_sync_at.isoformat() if st.last_sync_at else "never"
    print(f"queue depth {st.pending} of {st.max_rows}{' (FULL)' if st.full else ''}")
    print(f"rejected {st.rejected}, last sync {last}")
    if st.unavailable:
        print(f"UNAVAILABLE: {explain(st.unavailable)}")
    for f in st.corrupt_files:
        print(f"WARNING: a corrupt outbox was moved aside to {f} (kept; see kiosk doctor)")
    return EX_OK


def _unreadable(st: OutboxStatus, args: argparse.Namespace) -> int:
    state = "corrupt" if st.unavailable == "corrupt" else "unreadable"
    if args.json:
        print(json.dumps(st.as_json() | {"state": state, "queue_depth": None}))
    else:
        print(f"queue depth UNKNOWN: the outbox is {state} ({explain(st.unavailable)})")
        print("nothing was changed; run 'kiosk doctor'")
    return EX_TEMPFAIL


def _confirm(op: Op, args: argparse.Namespace) -> bool:
    if args.yes:
        return True
    print(_row(op))
    print(
        "Drop it? A dropped stamp is never sent to the cloud (if it was sent before and the "
        "answer lost, it may already be there).",
        file=sys.stderr,
    )
    try:
        answer = input("Type 'yes' to drop: ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def _act(ob: Outbox, args: argparse.Namespace) -> int:
    if args.id is None:
        print(f"kiosk outbox {args.action}: which row? give its ID", file=sys.stderr)
        return EX_USAGE
    op = ob.get(args.id)
    if op is None:
        print(f"kiosk outbox: no row {args.id}", file=sys.stderr)
        return EX_USAGE
    try:
        if args.action == "retry":
            op = ob.retry(args.id)
        else:
            if not _confirm(op, args):
                print("not dropped", file=sys.stderr)
                return EX_FAIL
            op = ob.drop(args.id)
    except ValueError as exc:
        print(f"kiosk outbox: {exc}", file=sys.stderr)
        return EX_FAIL
    print(json.dumps(op.as_json()) if args.json else f"{args.action}: {_row(op)}")
    return EX_OK


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    if isinstance(settings, int):
        return settings
    if args.action == "status":
        return _status(settings, args)
    ob = Outbox(
        Path(settings.device.state_dir),
        max_rows=settings.offline.outbox_max_rows,
        min_free_bytes=int(settings.offline.min_free_mb * (1 << 20)),
    )
    try:
        if args.action == "list":
            return _list(ob, args)
        return _act(ob, args)
    except OutboxError as exc:
        print(f"kiosk outbox: {explain(exc.reason)}", file=sys.stderr)
        return EX_TEMPFAIL
    finally:
        ob.close()
