"""Wire the metrics textfile to the kiosk's parts (`[metrics] textfile`, docs/metrics.md)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.metrics.registry import COUNTERS, render
from kiosk.metrics.sample import Sources, families
from kiosk.metrics.textfile import TextfileWriter


def sources_of(parts: Any, settings: Any, ui_frame_s: Callable[[], float] | None) -> Sources:
    """Each part's reading, looked up at every write (the scanner starts after the screen)."""
    stamp_path = getattr(parts, "stamp_path", None)
    worker = getattr(stamp_path, "worker", None)
    printer = getattr(parts, "printer", None)
    return Sources(
        version=__version__,
        outbox=worker.heartbeat_fields if worker is not None else None,
        sync_errors=(lambda: worker.sync_errors) if worker is not None else None,
        printer=printer.status if printer is not None else None,
        camera=None,
        ui_frame_s=ui_frame_s,
        update=lambda: update_result(settings.device.state_dir),
    )


def update_result(state_dir: Path) -> tuple[str, int]:
    """The safe-update path's last result and how many rollbacks its history keeps."""
    from kiosk.appliance.updates.trial import Store

    store = Store(state_dir)
    last = store.last() or {}
    history = store.dir / "history.jsonl"
    lines = history.read_text().splitlines() if history.exists() else []
    rollbacks = sum('"rolled-back"' in line for line in lines)
    return str(last.get("result") or "none"), rollbacks


def start_metrics(
    parts: Any, settings: Any, ui_frame_s: Callable[[], float] | None = None
) -> TextfileWriter | None:
    """The writer thread when `[metrics] textfile` is set, else None."""
    path = settings.metrics.textfile
    if path is None:
        return None

    def text() -> str:
        src = sources_of(parts, settings, ui_frame_s)
        src.camera = getattr(getattr(parts, "scanner", None), "camera", None)
        return render(families(src, COUNTERS))

    return TextfileWriter(path, text, settings.metrics.interval_s).start()
