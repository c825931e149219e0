"""`kiosk logs` builds the journalctl call a technician would type."""

from __future__ import annotations

from kiosk.cli import build_parser
from kiosk.cli.logs import journalctl_args


def test_since_follow_priority_lines():
    args = build_parser().parse_args(
        ["logs", "--since", "10min", "-f", "-p", "warning", "-n", "50"]
    )
    assert journalctl_args(args) == [
        "journalctl",
        "-u",
        "kiosk.service",
        "-o",
        "short-iso",
        "--no-pager",
        "--since",
        "-10min",
        "--follow",
        "-p",
        "warning",
        "-n",
        "50",
    ]


def test_dates_pass_through():
    args = build_parser().parse_args(["logs", "--since", "2026-01-31 09:00"])
    assert "2026-01-31 09:00" in journalctl_args(args)


def test_defaults_to_the_last_hour():
    args = build_parser().parse_args(["logs"])
    assert journalctl_args(args)[-2:] == ["--since", "-1h"]
