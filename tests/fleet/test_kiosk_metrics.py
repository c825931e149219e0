"""The kiosk's metrics textfile: what it says about each part, written atomically, and in a
format promtool accepts. Parts are stand-ins with the real attributes (printer status is
the real PrinterStatus); the counters are bumped by the real hooks the composition root
wires (classifier, stamp handler)."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from devices.printer.status import PrinterStatus
from kiosk.appliance.updates.trial import Store
from kiosk.cli._metrics_parts import update_result
from kiosk.config import Settings
from kiosk.metrics.hooks import count_stamp, counting_scans
from kiosk.metrics.registry import Counters, render
from kiosk.metrics.sample import Sources, families
from kiosk.metrics.textfile import TextfileWriter, write_atomically
from kiosk.outcomes import StampKind, StampOutcome
from kiosk.scan_router import classify
from tests.fleet.test_fleet_metrics import sample


def counters() -> Counters:
    return Counters({"stampkiosk_scans_total": "scans", "stampkiosk_stamps_total": "stamps"})


@dataclass
class Camera:  # the attributes of devices.scanner.worker.CameraWorker the metrics read
    frames: int = 0
    decoded: int = 0
    decode_ms_total: float = 0.0


def outbox_fields() -> dict:
    return {"queue_depth": 4, "oldest_queued_s": 950.5, "details": {"sync_error": "offline: x"}}


def text_of(src: Sources, c: Counters | None = None) -> str:
    return render(families(src, c or counters(), now=1700000000.0))


def test_every_listed_metric_is_there(tmp_path: Path) -> None:
    c = counters()
    scan = counting_scans(lambda t: classify(t, Settings().scanner), c)
    scan("https://example.com/c/abc123")  # whatever kind it is, it is counted under it
    scan("garbage \x01")
    count_stamp(StampOutcome(StampKind.ADDED), c)
    count_stamp(StampOutcome(StampKind.SAVED_PENDING), c)
    count_stamp(StampOutcome(StampKind.ADDED), c)
    count_stamp(None, c)
    store = Store(tmp_path)  # what the safe-update path leaves: a rollback, then a good one
    store.record({"result": "rolled-back", "version": "0.4.0", "reason": "no READY=1"})
    store.record({"result": "ok", "version": "0.3.1"})
    src = Sources(
        version="9.9.9",
        outbox=outbox_fields,
        sync_errors=lambda: 7,
        printer=lambda: PrinterStatus(online=True),
        camera=Camera(frames=1200, decoded=400, decode_ms_total=4800.0),
        ui_frame_s=lambda: 0.0166,
        update=lambda: update_result(tmp_path),
    )
    text = text_of(src, c)
    assert (
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("stampkiosk_scans_total{")
        )
        == 2
    )
    assert sample(text, "stampkiosk_stamps_total", outcome="added") == 2
    assert sample(text, "stampkiosk_stamps_total", outcome="saved_pending") == 1
    assert sample(text, "stampkiosk_stamps_total", outcome="error") == 1
    assert sample(text, "stampkiosk_outbox_depth") == 4
    assert sample(text, "stampkiosk_outbox_oldest_age_seconds") == 950.5
    assert sample(text, "stampkiosk_sync_errors_total") == 7
    assert sample(text, "stampkiosk_sync_failing") == 1
    assert sample(text, "stampkiosk_printer_configured") == 1
    assert sample(text, "stampkiosk_printer_up") == 1
    assert sample(text, "stampkiosk_printer_paper_out") == 0
    assert sample(text, "stampkiosk_camera_frames_total") == 1200
    assert sample(text, "stampkiosk_decode_seconds_sum") == 4.8
    assert sample(text, "stampkiosk_decode_seconds_count") == 400
    assert sample(text, "stampkiosk_ui_frame_seconds") == 0.0166
    assert sample(text, "stampkiosk_info", version="9.9.9") == 1
    assert sample(text, "stampkiosk_last_update_result", result="ok") == 1
    assert sample(text, "stampkiosk_update_rollbacks_total") == 1
    assert sample(text, "stampkiosk_metrics_written_seconds") == 1700000000


def test_printer_unplugged_and_out_of_paper_show() -> None:
    paper_out = PrinterStatus(online=False, paper_out=True, error="paper out: load a new roll")
    text = text_of(Sources(version="1", printer=lambda: paper_out))
    assert sample(text, "stampkiosk_printer_paper_out") == 1
    assert sample(text, "stampkiosk_printer_up") == 0

    def unplugged() -> PrinterStatus:
        raise OSError(19, "No such device")

    text = text_of(Sources(version="1", printer=unplugged))
    # the printer's lines go, the rest of the file stays (and says a printer is expected)
    assert sample(text, "stampkiosk_printer_up") is None
    assert sample(text, "stampkiosk_info", version="1") == 1


def test_a_kiosk_without_camera_or_printer_says_so() -> None:
    text = text_of(Sources(version="1"))
    assert sample(text, "stampkiosk_camera_configured") == 0
    assert sample(text, "stampkiosk_printer_configured") == 0
    assert sample(text, "stampkiosk_last_update_result", result="unknown") == 1


def test_the_file_is_replaced_atomically_and_readable_by_node_exporter(tmp_path: Path) -> None:
    path = tmp_path / "textfile" / "stampkiosk.prom"
    writer = TextfileWriter(path, lambda: text_of(Sources(version="1")), interval_s=30)
    assert writer.write_once() and writer.write_once()
    assert writer.writes == 2
    assert path.read_text().startswith("# HELP stampkiosk_info")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert os.listdir(path.parent) == ["stampkiosk.prom"]  # no temporary left behind
    inode = path.stat().st_ino
    write_atomically(path, "# new\n")
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never rewritten


def test_a_failed_write_keeps_the_kiosk_running(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file where the directory should be")
    writer = TextfileWriter(tmp_path / "blocked" / "x.prom", lambda: "", interval_s=30)
    assert writer.write_once() is False
    assert writer.last_error


def test_a_render_error_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "k.prom"
    path.write_text("# old\n")

    def broken() -> str:
        raise RuntimeError("boom")

    assert TextfileWriter(path, broken).write_once() is False
    assert path.read_text() == "# old\n"


@pytest.mark.skipif(
    shutil.which("promtool") is None, reason="promtool missing: apt-get install prometheus"
)
def test_promtool_accepts_the_file() -> None:
    src = Sources(
        version="1.0",
        outbox=outbox_fields,
        sync_errors=lambda: 0,
        printer=lambda: PrinterStatus(online=True),
        camera=Camera(frames=3, decoded=1, decode_ms_total=12.5),
        ui_frame_s=lambda: 0.02,
    )
    r = subprocess.run(
        ["promtool", "check", "metrics"], input=text_of(src), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr


def test_the_config_section_is_off_by_default_and_validated() -> None:
    assert Settings().metrics.textfile is None
    assert Settings().metrics.interval_s == 30
    with pytest.raises(ValueError):
        Settings.model_validate({"metrics": {"interval_s": 1}})
