"""PrinterService against a TCP printer emulator: outcomes, faults, never printed twice."""

from __future__ import annotations

import time

from devices.printer.service import PrinterService
from tests.printer.conftest import COUPONS, settings
from tests.printer.escpos_decoder import decode, qr_payloads, text_lines


def service(printer, tmp_path, **kw) -> PrinterService:
    return PrinterService(settings(printer.uri, **kw), tmp_path)


def cuts(printer) -> int:
    return sum(c.name == "CUT" for job in printer.jobs() for c in decode(job))


def test_prints_once_and_the_bytes_decode(tcp_printer, tmp_path):
    svc = service(tcp_printer, tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "printed", job.reason
    assert job.bytes_sent == job.bytes_total > 0
    [data] = tcp_printer.jobs()
    cmds = decode(data)
    names = [c.name for c in cmds]
    # status before the job, then init ... cut, then the barrier status queries
    assert names[:3] == ["STATUS"] * 3 and names[3] == "INIT"
    assert names[-4] == "CUT" and names[-3:] == ["STATUS"] * 3
    assert qr_payloads(cmds) == [b"CAFE-2026-XK4"]
    assert "Free coffee" in text_lines(cmds)
    assert svc.status().ready and svc.status().online is True


def test_paper_out_before_the_job_sends_nothing_and_keeps_the_job(tcp_printer, tmp_path):
    tcp_printer.state.paper_out = True
    svc = service(tcp_printer, tmp_path)
    st = svc.status()
    assert st.paper_out and not st.ready and "paper out" in st.error
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "paper out" in job.reason and "nothing was sent" in job.reason
    assert job.retry_safe and tcp_printer.jobs() == []
    # staff load paper and retry explicitly: printed exactly once
    tcp_printer.state.paper_out = False
    again = svc.retry(job.id)
    assert again.id == job.id and again.state == "printed" and again.attempts == 2
    assert cuts(tcp_printer) == 1


def test_paper_runs_out_during_the_job(tcp_printer, tmp_path):
    tcp_printer.state.paper_out_after = 200
    svc = service(tcp_printer, tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "paper out" in job.reason and "during printing" in job.reason
    assert job.bytes_sent > 0 and not job.retry_safe
    assert job.status and job.status["paper_out"] is True
    # nothing is resent by itself: a new service on the same state sees the failed job
    svc2 = service(tcp_printer, tmp_path)
    assert [j.state for j in svc2.jobs()] == ["failed"]
    assert len(tcp_printer.jobs()) == 1


def test_printer_offline_connection_refused(tcp_printer, tmp_path):
    tcp_printer.refuse()
    svc = service(tcp_printer, tmp_path, retries=1)
    st = svc.status()
    assert st.online is False and "offline" in st.error
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "connection refused" in job.reason
    assert job.retry_safe and job.bytes_sent == 0
    assert [j.id for j in svc.jobs()] == [job.id]


def test_printer_reports_offline_or_cover_open(tcp_printer, tmp_path):
    svc = service(tcp_printer, tmp_path)
    tcp_printer.state.cover_open = True
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed" and "cover open" in job.reason
    tcp_printer.state.cover_open = False
    tcp_printer.state.offline = True
    assert "offline" in svc.status().error
    assert tcp_printer.jobs() == []


def test_connection_dropped_mid_job(tcp_printer, tmp_path):
    tcp_printer.state.drop_after = 150
    svc = service(tcp_printer, tmp_path)
    job = svc.submit(COUPONS["en"])
    assert job.state == "failed"
    assert "check the paper" in job.reason
    assert len(tcp_printer.jobs()) == 1 and cuts(tcp_printer) == 0
    time.sleep(0.3)
    assert len(tcp_printer.jobs()) == 1  # no automatic resend


def test_slow_printer_that_keeps_up_is_waited_for(tcp_printer, tmp_path):
    tcp_printer.state.slow_bytes_per_s = 2000  # ~0.3 s for this coupon
    svc = service(tcp_printer, tmp_path, timeout_s=1.0)
    t0 = time.monotonic()
    job = svc.submit(COUPONS["en"])
    assert job.state == "printed", job.reason
    assert time.monotonic() - t0 > 0.15
    assert cuts(tcp_printer) == 1


def test_stalled_printer_times_out_with_a_clear_reason(tcp_printer, tmp_path):
    tcp_printer.state.stall_after = 100
    svc = service(tcp_printer, tmp_path, timeout_s=0.5)
    t0 = time.monotonic()
    job = svc.submit(COUPONS["en"])
    assert time.monotonic() - t0 < 5
    assert job.state == "unconfirmed" and "not confirmed" in job.reason
    assert job.bytes_sent > 0


def test_paper_near_end_prints_with_a_warning(tcp_printer, tmp_path):
    tcp_printer.state.near_end = True
    svc = service(tcp_printer, tmp_path)
    st = svc.status()
    assert st.ready and st.paper_near_end and not st.paper_out
    job = svc.submit(COUPONS["en"])
    assert job.state == "printed" and job.status["paper_near_end"] is True


def test_silent_printer_is_sent_but_never_reported_printed(tcp_printer, tmp_path):
    tcp_printer.state.silent = True
    svc = service(tcp_printer, tmp_path, timeout_s=0.3)
    assert svc.status().online is None
    job = svc.submit(COUPONS["en"])
    assert job.state == "unconfirmed" and "not confirmed" in job.reason
    assert len(tcp_printer.jobs()) == 1 and cuts(tcp_printer) == 1


def test_reprint_is_a_new_marked_job(tcp_printer, tmp_path):
    svc = service(tcp_printer, tmp_path)
    first = svc.submit(COUPONS["en"])
    second = svc.reprint(first.id)
    assert second.id != first.id and second.reprint_of == first.id and second.state == "printed"
    assert "*** REPRINT ***" in text_lines(decode(tcp_printer.jobs()[1]))
    assert "*** REPRINT ***" not in text_lines(decode(tcp_printer.jobs()[0]))
    try:
        svc.retry(first.id)
    except ValueError as exc:
        assert "only a failed or unconfirmed job" in str(exc)
    else:
        raise AssertionError("a printed job must not be retried")
    assert cuts(tcp_printer) == 2


def test_interrupted_job_is_reported_not_resent(tcp_printer, tmp_path):
    svc = service(tcp_printer, tmp_path)
    job = svc.submit(COUPONS["en"])
    job.state = "printing"  # as if the kiosk died mid-job
    svc.store.put(job)
    svc2 = service(tcp_printer, tmp_path)
    [j] = svc2.jobs()
    assert j.state == "failed" and "interrupted" in j.reason
    assert cuts(tcp_printer) == 1


def test_preview_transport_writes_a_png(tmp_path):
    from tests.printer.test_preview import decoded

    svc = PrinterService(settings(f"preview:{tmp_path / 'prints'}"), tmp_path)
    job = svc.submit(COUPONS["ko"])
    assert job.state == "printed" and job.output and job.output.endswith(".png")
    from PIL import Image

    assert decoded(Image.open(job.output))["QRCode"] == "KOR-5521"
    assert svc.preview_png(COUPONS["ko"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "printer" / "jobs.json").stat().st_mode & 0o077 == 0


def test_connection_dropped_during_the_status_check(tcp_printer, tmp_path):
    tcp_printer.state.drop_after = 2  # dies inside the first DLE EOT
    job = service(tcp_printer, tmp_path).submit(COUPONS["en"])
    assert job.state == "failed" and "nothing was sent" in job.reason and job.retry_safe
    assert "internal error" not in job.reason
