"""`kiosk print-test` as a subprocess, against the TCP emulator: JSON, exit codes, preview."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import zxingcpp
from PIL import Image


def kiosk(*args, tmp_path):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "print-test",
            "--state-dir",
            str(tmp_path / "state"),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def coupon_file(tmp_path, **kw):
    data = {
        "title": "Gratis kaffe",
        "description": "Én kop",
        "redeem_code": "CLI-4242",
        "symbology": "qr",
        "valid_until": "2027-01-31",
        "shop_name": "Kiosk CLI",
    } | kw
    path = tmp_path / "coupon.json"
    path.write_text(json.dumps(data))
    return path


def test_print_to_emulator_with_preview_json(tcp_printer, tmp_path):
    out = tmp_path / "out.png"
    res = kiosk(
        "--printer",
        tcp_printer.uri,
        "--coupon",
        str(coupon_file(tmp_path)),
        "--preview",
        str(out),
        "--json",
        tmp_path=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    report = json.loads(res.stdout)
    assert report["job"]["state"] == "printed" and report["status"]["online"] is True
    assert len(tcp_printer.jobs()) == 1
    texts = {r.text for r in zxingcpp.read_barcodes(np.array(Image.open(out).convert("L")))}
    assert texts == {"CLI-4242"}


def test_exit_codes(tcp_printer, tmp_path):
    tcp_printer.state.paper_out = True
    res = kiosk("--printer", tcp_printer.uri, tmp_path=tmp_path)
    assert res.returncode == 75 and "paper out" in res.stdout
    tcp_printer.refuse()
    res = kiosk("--printer", tcp_printer.uri, tmp_path=tmp_path)
    assert res.returncode == 69 and "connection refused" in res.stdout
    res = kiosk("--printer", "lpt:1", tmp_path=tmp_path)
    assert res.returncode == 78
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    res = kiosk("--coupon", str(bad), "--preview", str(tmp_path / "x.png"), tmp_path=tmp_path)
    assert res.returncode == 2 and "bad.json" in res.stderr
    assert tcp_printer.jobs() == []


def test_preview_only_touches_no_printer(tmp_path):
    out = tmp_path / "p.png"
    res = kiosk(
        "--coupon",
        str(coupon_file(tmp_path, title="미리보기")),
        "--preview",
        str(out),
        "--paper-width",
        "58",
        "--profile",
        "POS-5890",
        tmp_path=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert Image.open(out).width == 384
    assert "job" not in res.stdout
