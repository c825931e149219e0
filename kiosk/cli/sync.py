"""Send every queued operation now, with a progress bar; wait out backoffs up to --timeout.

Exit codes: 0 nothing left pending; 75 some still pending (the cloud is unreachable or
failing: they stay queued, nothing is lost); 78 bad configuration or not paired.
Rejected operations (the cloud's permanent "no") are counted and listed by
`kiosk outbox list`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from kiosk.cli import EX_CONFIG, EX_OK, EX_TEMPFAIL
from kiosk.cli._queue_common import load
from kiosk.outbox import OutboxError
from kiosk.outbox_sync import Attempt, Outcome
from kiosk.stamping import NotPaired, open_services

NAME = "sync"
HELP = "send queued operations now"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument(
        "--timeout", type=float, default=60.0, help="give up after this many seconds (60)"
    )


class ProgressBar:
    """`[#####.....] 50/100 sent, 1 rejected` on stderr; a redrawn line on a terminal,
    one line per 10 % (and the last) in a log."""

    def __init__(self, total: int, stream=None) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.sent = self.rejected = self.retries = 0
        self._last_decile = -1

    def __call__(self, a: Attempt) -> None:
        self.sent += a.outcome == Outcome.DONE
        self.rejected += a.outcome == Outcome.REJECTED
        self.retries += a.outcome == Outcome.RETRY
        self.draw()

    def line(self) -> str:
        done = min(self.sent + self.rejected, self.total)
        filled = int(30 * done / self.total)
        extra = f", {self.rejected} rejected" if self.rejected else ""
        extra += f", {self.retries} retries" if self.retries else ""
        return f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} sent{extra}"

    def draw(self, final: bool = False) -> None:
        done = self.sent + self.rejected
        if self.tty:
            self.stream.write("\r" + self.line() + ("\n" if final else ""))
        else:
            decile = 10 * done // self.total
            if decile == self._last_decile and not final:
                return
            self._last_decile = decile
            self.stream.write(self.line() + "\n")
        self.stream.flush()


def run(args: argparse.Namespace) -> int:
    settings = load(args)
    if isinstance(settings, int):
        return settings
    try:
        services = open_services(settings)
    except NotPaired as exc:
        print(f"kiosk sync: {exc}", file=sys.stderr)
        return EX_CONFIG
    try:
        total = services.outbox.pending_count()
    except OutboxError as exc:
        print(f"kiosk sync: the outbox cannot be read: {exc.reason}", file=sys.stderr)
        return EX_TEMPFAIL
    bar = ProgressBar(total)
    started = time.monotonic()
    if total:
        bar.draw()
    report = services.worker.drain(timeout_s=args.timeout, on_attempt=bar)
    if total:
        bar.draw(final=True)
    elapsed = time.monotonic() - started
    summary = {
        "sent": report.sent,
        "rejected": report.rejected,
        "remaining": report.remaining,
        "seconds": round(elapsed, 3),
        "last_error": report.last_error,
    }
    if args.json:
        print(json.dumps(summary))
    elif report.remaining:
        print(
            f"{report.sent} sent, {report.rejected} rejected, {report.remaining} still queued "
            f"({report.last_error}); they stay safe in the outbox.",
            file=sys.stderr,
        )
    else:
        print(f"{report.sent} sent, {report.rejected} rejected, queue empty ({elapsed:.1f}s).")
    services.close()
    return EX_OK if report.remaining == 0 else EX_TEMPFAIL
