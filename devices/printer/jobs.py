"""Print jobs and their durable record.

WHY a file: a job's outcome must survive a restart so that a job cut short by a crash is
reported as interrupted (and never resent by itself), and a failed job can be retried by
staff later. Written atomically (temp file + rename); the last MAX_JOBS are kept.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from devices.printer.coupon import Coupon

log = logging.getLogger(__name__)
MAX_JOBS = 200
QUEUED, PRINTING, PRINTED, FAILED = "queued", "printing", "printed", "failed"
# Every byte went out but the printer never confirmed it took them (a printer that accepts a
# connection and then says nothing): maybe on paper, maybe not. Never "printed"; staff look.
UNCONFIRMED = "unconfirmed"
RETRYABLE = (FAILED, UNCONFIRMED)  # a person may ask for these to be sent again


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass
class PrintJob:
    coupon: Coupon
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    state: str = QUEUED  # queued | printing | printed | unconfirmed | failed
    reason: str = ""  # in words: why it failed, or what to know about it
    created_at: str = field(default_factory=_now)
    updated_at: str = field(default_factory=_now)
    attempts: int = 0  # explicit runs: 1 + retries asked for by staff
    bytes_sent: int = 0
    bytes_total: int = 0
    reprint_of: str | None = None
    output: str | None = None  # preview PNG path, when the transport is preview:
    status: dict[str, object] | None = None  # printer status seen at the end of the job

    @property
    def retry_safe(self) -> bool:
        """True when nothing reached the printer, so a retry cannot double anything."""
        return self.state == FAILED and self.bytes_sent == 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["coupon"] = self.coupon.to_json()
        d["retry_safe"] = self.retry_safe
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PrintJob:
        d = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        d["coupon"] = Coupon.from_json(d["coupon"])
        return cls(**d)


class JobStore:
    """All jobs of this kiosk, newest last, in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._jobs: dict[str, PrintJob] = {}
        self._load()

    def _load(self) -> None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except OSError as exc:  # an I/O error is not damage: leave the file alone
            log.error("print job record %s unreadable (%s); starting without it", self.path, exc)
            return
        except ValueError:
            # a damaged record must not stop printing: keep it aside for a human, under a
            # name of its own (link refuses to replace an earlier one)
            aside = self.path.with_name(f"{self.path.name}.damaged-{uuid.uuid4().hex[:8]}")
            os.link(self.path, aside)
            self.path.unlink()
            log.error("print job record %s damaged: kept as %s", self.path, aside)
            return
        for item in raw:
            try:
                job = PrintJob.from_dict(item)
            except (KeyError, TypeError, ValueError):
                continue
            self._jobs[job.id] = job

    def recover_interrupted(self) -> list[PrintJob]:
        """Jobs left 'printing' or 'queued' by a crash become failed; never resent by themselves."""
        hit: list[PrintJob] = []
        for job in self._jobs.values():
            if job.state in (PRINTING, QUEUED):
                job.state = FAILED
                job.reason = (
                    "interrupted: the kiosk stopped while this job was running; "
                    "check the paper, then retry or reprint"
                )
                job.updated_at = _now()
                hit.append(job)
        if hit:
            self.save()
        return hit

    def put(self, job: PrintJob) -> None:
        job.updated_at = _now()
        with self._lock:
            self._jobs[job.id] = job
        self.save()

    def get(self, job_id: str) -> PrintJob:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise KeyError(f"no print job {job_id!r}") from None

    def all(self) -> list[PrintJob]:
        return list(self._jobs.values())

    def save(self) -> None:
        with self._lock:
            jobs = list(self._jobs.values())[-MAX_JOBS:]
            self._jobs = {j.id: j for j in jobs}
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{uuid.uuid4().hex[:8]}.tmp")
            body = json.dumps([j.to_dict() for j in jobs], ensure_ascii=False, indent=1)
            # 0600: the record holds redeem codes, which are worth money
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(body)
                fh.flush()
                os.fsync(fh.fileno())
            tmp.replace(self.path)
