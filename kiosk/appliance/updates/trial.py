"""The health gate's state and its decisions (pure: the clock is an argument).

A switched release is "on trial" (update/trial.json in the state dir) until it has been
READY for COMMIT_AFTER_S. It is rolled back when it sends no READY=1 within the
configured health_timeout_s of its first start, or when it is started a fourth time within
RESTART_WINDOW_S (the first start and three restarts: a crash loop). The files live in the
state dir because a power cut must not forget a trial, and /opt is read-only to the kiosk.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.files.atomic import write_atomic

log = logging.getLogger(__name__)

RESTART_WINDOW_S = 300.0
MAX_RESTARTS = 3
COMMIT_AFTER_S = 300.0
UPDATE_DIR = "update"
HISTORY_KEPT = 50


@dataclass
class Trial:
    version: str
    previous: str
    switched_at: float
    health_timeout_s: float
    starts: list[float] = field(default_factory=list)
    ready_at: float | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trial:
        return cls(
            version=str(data["version"]),
            previous=str(data["previous"]),
            switched_at=float(data["switched_at"]),
            health_timeout_s=float(data["health_timeout_s"]),
            starts=[float(s) for s in data.get("starts", [])],
            ready_at=None if data.get("ready_at") is None else float(data["ready_at"]),
        )


def decide(trial: Trial | None, current: str | None, now: float) -> tuple[str, str]:
    """Before a start of kiosk.service: ("none"|"stale"|"commit"|"rollback"|"start", why)."""
    if trial is None:
        return "none", ""
    if trial.version != current:
        return "stale", f"the update to {trial.version} was cut off before the switch"
    if trial.ready_at is not None and now - trial.ready_at >= COMMIT_AFTER_S:
        return "commit", f"{trial.version} has been up {now - trial.ready_at:.0f} s"
    recent = [s for s in trial.starts if now - s < RESTART_WINDOW_S]
    if len(recent) >= MAX_RESTARTS:
        return "rollback", (
            f"{trial.version} restarted {len(recent)} times within {RESTART_WINDOW_S / 60:.0f} min"
        )
    if trial.ready_at is None and trial.starts:
        waited = now - trial.starts[0]
        if waited >= trial.health_timeout_s:
            return "rollback", (
                f"{trial.version} sent no READY=1 within {trial.health_timeout_s:.0f} s"
            )
    return "start", ""


def health_due(trial: Trial | None, current: str | None, now: float) -> tuple[bool, float]:
    """For the health timer: (roll back now?, seconds still to wait)."""
    if trial is None or trial.version != current or trial.ready_at is not None:
        return False, 0.0
    first = trial.starts[0] if trial.starts else trial.switched_at
    left = trial.health_timeout_s - (now - first)
    return left <= 0, max(0.0, left)


class Store:
    """update/ in the state dir: trial.json, last.json (last result), history.jsonl."""

    def __init__(self, state_dir: Path) -> None:
        self.dir = state_dir / UPDATE_DIR
        self.state_dir = state_dir

    def _write(self, name: str, data: object) -> None:
        created = not self.dir.is_dir()
        self.dir.mkdir(parents=True, exist_ok=True)
        path = self.dir / name
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True) + "\n", 0o640)
        self._own(path)
        if created:
            self._own(self.dir)

    def _own(self, path: Path) -> None:
        """Files root writes (the guard) stay writable for the kiosk user (owner of the dir)."""
        with contextlib.suppress(OSError):
            st = self.state_dir.stat()
            if os.geteuid() == 0:
                os.chown(path, st.st_uid, st.st_gid)

    def _read(self, name: str) -> Any:
        try:
            return json.loads((self.dir / name).read_text())
        except (OSError, ValueError):
            return None

    def trial(self) -> Trial | None:
        data = self._read("trial.json")
        try:
            return Trial.from_json(data) if isinstance(data, dict) else None
        except (KeyError, TypeError, ValueError):
            return None

    def save_trial(self, trial: Trial) -> None:
        self._write("trial.json", asdict(trial))

    def clear_trial(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.dir / "trial.json").unlink()

    def last(self) -> dict[str, Any] | None:
        data = self._read("last.json")
        return data if isinstance(data, dict) else None

    def record(self, result: dict[str, Any]) -> None:
        """The last result, and one line more in the history (kept short)."""
        self._write("last.json", result)
        path = self.dir / "history.jsonl"
        lines = path.read_text().splitlines()[-(HISTORY_KEPT - 1) :] if path.exists() else []
        lines.append(json.dumps(result, sort_keys=True))
        write_atomic(path, "\n".join(lines) + "\n", 0o640)
        self._own(path)

    def pending(self) -> dict[str, Any] | None:
        data = self._read("pending.json")
        return data if isinstance(data, dict) else None

    def save_pending(self, data: dict[str, Any]) -> None:
        self._write("pending.json", data)

    def clear_pending(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.dir / "pending.json").unlink()


def mark_ready(state_dir: Path, version: str, now: float) -> dict[str, Any] | None:
    """From `kiosk run` after READY=1: the release on trial passed the health gate."""
    store = Store(state_dir)
    trial = store.trial()
    if trial is None or trial.version != version or trial.ready_at is not None:
        return None
    trial.ready_at = now
    store.save_trial(trial)
    result = {
        "result": "ok",
        "version": version,
        "from": trial.previous,
        "at": now,
        "ready_after_s": round(now - trial.switched_at, 1),
        "reason": "READY=1 after the switch",
    }
    store.record(result)
    return result


def commit_if_stable(state_dir: Path, version: str, now: float) -> bool:
    """From `kiosk run`, COMMIT_AFTER_S after READY: the trial is over."""
    store = Store(state_dir)
    trial = store.trial()
    if trial is None or trial.version != version or trial.ready_at is None:
        return False
    if now - trial.ready_at < COMMIT_AFTER_S:
        return False
    store.clear_trial()
    return True


def confirm_on_ready(state_dir: Path, version: str) -> threading.Timer | None:
    """Call right after READY=1: pass the health gate now, end the trial when stable.

    Never raises: a state dir problem must not take down a kiosk that just came up.
    """
    try:
        result = mark_ready(state_dir, version, time.time())
    except OSError:
        log.warning("update trial: could not record READY", exc_info=True)
        return None
    if result is None:
        return None
    log.info(
        "update to %s healthy: READY %.1f s after the switch", version, result["ready_after_s"]
    )

    def commit() -> None:
        with contextlib.suppress(OSError):
            if commit_if_stable(state_dir, version, time.time()):
                log.info("update to %s committed (up %.0f s)", version, COMMIT_AFTER_S)

    timer = threading.Timer(COMMIT_AFTER_S + 1, commit)
    timer.daemon = True
    timer.start()
    return timer
