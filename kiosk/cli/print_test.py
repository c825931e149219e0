"""Print or preview a coupon and report the printer's status.

  kiosk print-test                                  test coupon to the configured printer
  kiosk print-test --printer tcp://10.0.0.5:9100    ... to that printer
  kiosk print-test --coupon c.json --preview c.png  preview only (no printer touched)
  kiosk print-test --status                         status only

Exit codes: 0 printed (or previewed), 1 the job failed part-way (check the paper),
2 bad coupon file, 69 printer not reachable, 75 printer not ready (paper out, cover open,
sent but not confirmed by the printer: fix it and try again), 78 bad configuration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from kiosk.cli import EX_CONFIG, EX_FAIL, EX_OK, EX_TEMPFAIL, EX_UNAVAILABLE, EX_USAGE
from kiosk.config import ConfigError, PrinterSection, load_settings

NAME = "print-test"
HELP = "print or preview a coupon and report the printer's status"

TEST_COUPON = {
    "title": "Test coupon",
    "shop_name": "Stamp Kiosk",
    "description": "If you can read this, the printer works. Õõ Ää Öö Üü Šš Žž.",
    "redeem_code": "TEST-1234",
    "symbology": "qr",
    "valid_until": None,
    "voucher_id": "print-test",
}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--printer",
        metavar="URI",
        help="usb:VID:PID, serial:..., tcp://host:9100, file:, preview:DIR",
    )
    p.add_argument(
        "--coupon",
        type=Path,
        metavar="FILE.json",
        help="coupon JSON (title, description, redeem_code, symbology, valid_until, shop_name)",
    )
    p.add_argument(
        "--preview",
        type=Path,
        metavar="OUT.png",
        help="write the coupon as PNG (alone: preview only)",
    )
    p.add_argument("--profile", help="python-escpos printer profile, e.g. TM-T20II or POS-5890")
    p.add_argument("--paper-width", type=int, choices=(58, 80), help="paper width in mm")
    p.add_argument("--status", action="store_true", help="report the printer's status only")
    p.add_argument(
        "--state-dir", type=Path, help="where the job record goes (default: [device] state_dir)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object on stdout")


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings(args.config, must_exist=args.config is not None)
        overrides = {
            k: v
            for k, v in {
                "uri": args.printer,
                "profile": args.profile,
                "paper_width_mm": args.paper_width,
            }.items()
            if v
        }
        printer = PrinterSection.model_validate(settings.printer.model_dump() | overrides)
    except ConfigError as exc:
        print(f"kiosk print-test: {exc}", file=sys.stderr)
        return EX_CONFIG
    except ValueError as exc:  # pydantic ValidationError is a ValueError
        print(f"kiosk print-test: bad printer setting: {exc}", file=sys.stderr)
        return EX_CONFIG
    coupon = _coupon(args.coupon)
    if isinstance(coupon, str):
        print(f"kiosk print-test: {coupon}", file=sys.stderr)
        return EX_USAGE

    from devices.printer.service import PrinterService  # heavy imports only when used

    try:
        svc = PrinterService(printer, _state_dir(args.state_dir or settings.device.state_dir))
    except ValueError as exc:
        print(f"kiosk print-test: {exc}", file=sys.stderr)
        return EX_CONFIG
    report: dict[str, object] = {"printer": str(svc.uri), "profile": svc.profile.name}
    if args.preview:
        args.preview.parent.mkdir(parents=True, exist_ok=True)
        args.preview.write_bytes(svc.preview_png(coupon))
        report["preview"] = str(args.preview)
    code = EX_OK
    if args.status or args.printer or not args.preview:
        status = svc.status()
        report["status"] = status.to_dict()
        if not args.status:
            job = svc.submit(coupon)
            report["job"] = job.to_dict()
            code = _exit_code(job)
        elif status.online is False:
            code = EX_UNAVAILABLE if "cannot" in status.error else EX_TEMPFAIL
    _print(report, args.json)
    return code


def _coupon(path: Path | None):
    from devices.printer.coupon import Coupon

    if path is None:
        return Coupon.from_json(TEST_COUPON | {"issued_at": datetime.now().isoformat()})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            return f"{path}: expected a JSON object"
        return Coupon.from_json(data)
    except (OSError, ValueError, TypeError) as exc:
        return f"{path}: {exc}"


def _state_dir(wanted: Path) -> Path:
    """The configured state folder, or a private temp one when it is not writable here."""
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        if os.access(wanted, os.W_OK):
            return wanted
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"kiosk-print-test-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


def _exit_code(job) -> int:
    if job.state == "printed":
        return EX_OK
    if job.state == "unconfirmed":  # sent, but the printer never said it printed
        return EX_TEMPFAIL
    if job.bytes_sent == 0 and job.reason.startswith("printer offline: cannot"):
        return EX_UNAVAILABLE
    if (
        job.bytes_sent == 0
        or (job.status and not job.status.get("ready", True))
        or "did not confirm" in job.reason
    ):
        return EX_TEMPFAIL
    return EX_FAIL


def _print(report: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, ensure_ascii=False, default=str))
        return
    print(f"printer: {report['printer']} (profile {report['profile']})")
    if "status" in report:
        st = report["status"]
        state = {True: "online", False: "NOT READY", None: "unknown"}[st["online"]]
        print(f"status:  {state}" + (f" - {st['error']}" if st["error"] else ""))
        if st["advisory"]:
            print(f"         ({st['advisory']})")
        if st["paper_near_end"]:
            print("         paper near end: have a new roll ready")
    if "job" in report:
        job = report["job"]
        print(f"job {job['id']}: {job['state']}" + (f" - {job['reason']}" if job["reason"] else ""))
        if job.get("output"):
            print(f"         written to {job['output']}")
    if "preview" in report:
        print(f"preview: {report['preview']}")
