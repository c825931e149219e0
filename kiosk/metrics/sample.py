"""The kiosk's metrics at one moment: the counters, plus gauges read from its parts.

Each source is optional (a kiosk without a printer or camera has none) and each is read
under its own guard: a part that fails to answer drops its own lines, never the file.
Printer status is asked over its transport, which can take a second: that is why this
runs on the writer's thread every 30 s and never on the UI's.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.metrics.registry import Counters, Family

log = logging.getLogger(__name__)


@dataclass
class Sources:
    version: str
    outbox: Callable[[], Mapping[str, Any]] | None = None  # SyncWorker.heartbeat_fields
    sync_errors: Callable[[], int] | None = None
    printer: Callable[[], Any] | None = None  # -> devices.printer.status.PrinterStatus
    camera: Any = None  # devices.scanner.worker.CameraWorker (frames, decode_ms_total)
    ui_frame_s: Callable[[], float] | None = None
    # the last update's result ("applied", "ok", "rolled-back", ...) and the rollbacks the
    # kept history shows (kiosk.appliance.updates, wired in kiosk/cli/_metrics_parts.py)
    update: Callable[[], tuple[str, int]] | None = None


def _guarded(what: str, fn: Callable[[], list[Family]]) -> list[Family]:
    try:
        return fn()
    except Exception:  # one part's failure drops its own lines only (logged)
        log.debug("metrics: %s unavailable", what, exc_info=True)
        return []


def _outbox(src: Sources) -> list[Family]:
    if src.outbox is None:
        return []
    fields = src.outbox()
    out = [
        Family("stampkiosk_outbox_depth", "Stamps waiting to be sent.").set(
            fields.get("queue_depth", 0)
        ),
        Family("stampkiosk_outbox_oldest_age_seconds", "Age of the oldest waiting stamp.").set(
            fields.get("oldest_queued_s", 0.0)
        ),
    ]
    failing = bool((fields.get("details") or {}).get("sync_error"))
    out.append(Family("stampkiosk_sync_failing", "1 while the last sync failed.").set(failing))
    if src.sync_errors is not None:
        out.append(
            Family("stampkiosk_sync_errors_total", "Failed sends to the cloud.", "counter").set(
                src.sync_errors()
            )
        )
    return out


def _printer(src: Sources) -> list[Family]:
    configured = Family("stampkiosk_printer_configured", "1 when a printer is configured.")
    if src.printer is None:
        return [configured.set(0)]
    st = src.printer()
    return [
        configured.set(1),
        Family("stampkiosk_printer_up", "1 when the printer can print now.").set(st.ready),
        Family("stampkiosk_printer_paper_out", "1 when the printer has no paper.").set(
            st.paper_out
        ),
        Family("stampkiosk_printer_paper_near_end", "1 when the roll is nearly empty.").set(
            st.paper_near_end
        ),
    ]


def _camera(src: Sources) -> list[Family]:
    configured = Family("stampkiosk_camera_configured", "1 when a camera is configured.")
    cam = src.camera
    if cam is None:
        return [configured.set(0)]
    return [
        configured.set(1),
        Family("stampkiosk_camera_frames_total", "Frames captured.", "counter").set(cam.frames),
        # a summary without quantiles: rate(_sum)/rate(_count) is the mean decode time
        Family("stampkiosk_decode_seconds", "Capture-to-decoded time of frames.", "summary")
        .set(getattr(cam, "decode_ms_total", 0.0) / 1000, "_sum")
        .set(cam.decoded, "_count"),
    ]


def _update(src: Sources) -> list[Family]:
    result, rollbacks = src.update() if src.update is not None else ("unknown", 0)
    return [
        Family("stampkiosk_last_update_result", "The last update's result (value 1).").set(
            1,
            result=result.replace("-", "_"),  # label values the alert rules match
        ),
        Family("stampkiosk_update_rollbacks_total", "Updates rolled back.", "counter").set(
            rollbacks
        ),
    ]


def families(src: Sources, counters: Counters, now: float | None = None) -> list[Family]:
    out: list[Family] = [
        Family("stampkiosk_info", "The kiosk's version (value 1).").set(1, version=src.version),
        *counters.families(),
    ]
    out += _guarded("outbox", lambda: _outbox(src))
    out += _guarded("printer", lambda: _printer(src))
    out += _guarded("camera", lambda: _camera(src))
    if src.ui_frame_s is not None:
        ui = src.ui_frame_s
        out += _guarded(
            "ui",
            lambda: [Family("stampkiosk_ui_frame_seconds", "Last UI frame's time.").set(ui())],
        )
    out += _guarded("update", lambda: _update(src))
    written = time.time() if now is None else now
    out.append(
        Family("stampkiosk_metrics_written_seconds", "When this file was written.").set(written)
    )
    return out
