"""Lottery spins that wait: a draw the customer has not seen yet, played on the next scan.

Why: offline (or slow), the customer heard "saved, your spin is waiting"; the sync worker
delivers the stamp later and the server draws then. The worker's answer is kept here (a
small JSON file in the state directory, 0600, replaced atomically) until the card is
scanned again: then the kiosk plays that spin. A draw the customer already saw (the stamp
was answered at once) is marked played, so it is never shown twice, whichever of the
worker's listener and the customer's answer comes first.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

from kiosk.api.models import LotteryDraw, StampResult
from kiosk.card_cache import to_jsonable
from kiosk.outbox_sync import Attempt, Outcome
from kiosk.state_files import create_private

log = logging.getLogger(__name__)

FILE_NAME = "spins.json"
PLAYED_MEMORY = 500  # stamp ids of spins already shown (replays arrive within minutes)


class SpinBox:
    """Waiting draws per card id, and the stamp ids whose spin was already played."""

    def __init__(self, state_dir: Path | str) -> None:
        self.path = Path(state_dir) / FILE_NAME
        self._lock = threading.Lock()
        self._waiting: dict[str, list[dict[str, Any]]] = {}
        self._played: list[str] = []
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._waiting = {str(k): list(v) for k, v in dict(data["waiting"]).items()}
            self._played = [str(s) for s in data["played"]][-PLAYED_MEMORY:]
        except FileNotFoundError:
            return
        except (ValueError, KeyError, TypeError) as exc:  # damaged: start empty, say so
            log.warning("spins: %s unreadable (%s); starting empty", self.path.name, exc)

    def _save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        create_private(tmp)
        body = json.dumps({"waiting": self._waiting, "played": self._played[-PLAYED_MEMORY:]})
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)

    def on_attempt(self, attempt: Attempt) -> None:
        """The sync worker's listener: every stamp it got an answer for."""
        if attempt.outcome == Outcome.DONE and isinstance(attempt.result, StampResult):
            self.delivered(attempt.result)

    def delivered(self, result: StampResult) -> None:
        """A stamp reached the cloud (the sync worker's answer): keep its draw, if unseen."""
        draw = result.lottery
        if draw is None:
            return
        with self._lock:
            if result.stamp_id in self._played:
                return
            queue = self._waiting.setdefault(result.card.id, [])
            if all(w["stamp_id"] != result.stamp_id for w in queue):
                queue.append({"stamp_id": result.stamp_id, "draw": to_jsonable(draw)})
                self._write()

    def played(self, stamp_id: str) -> None:
        """The customer saw this stamp's spin: never play it again."""
        with self._lock:
            if stamp_id in self._played:
                return
            self._played.append(stamp_id)
            for card_id, queue in list(self._waiting.items()):
                self._waiting[card_id] = [w for w in queue if w["stamp_id"] != stamp_id]
                if not self._waiting[card_id]:
                    del self._waiting[card_id]
            self._write()

    def take(self, card_id: str) -> tuple[str, LotteryDraw] | None:
        """The oldest waiting spin of this card (marked played), or None."""
        with self._lock:
            queue = self._waiting.get(card_id) or []
            if not queue:
                return None
            first = queue[0]
        draw = LotteryDraw.from_json(first["draw"])
        self.played(first["stamp_id"])
        return (first["stamp_id"], draw) if draw is not None else None

    def waiting(self, card_id: str) -> int:
        with self._lock:
            return len(self._waiting.get(card_id) or [])

    def _write(self) -> None:
        try:
            self._save()
        except OSError as exc:  # a full disk costs a replayed spin, never a stamp
            log.warning("spins: not saved (%s)", exc)
