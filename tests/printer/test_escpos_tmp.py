"""Importing the printer code leaves no temp folder and no logging handler behind
(escpos does mkdtemp() and logging.basicConfig() on import)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_import_leaves_tmpdir_empty_and_caches_in_our_folder(tmp_path):
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = os.environ | {"TMPDIR": str(tmp), "KIOSK_ESCPOS_CACHE": str(cache)}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    for _ in range(2):
        subprocess.run(
            [sys.executable, "-c", "import devices.printer.service"],
            env=env,
            check=True,
            timeout=60,
        )
    assert list(tmp.iterdir()) == []
    assert [p.name for p in cache.iterdir()] == [f"{sys.version.split()[0]}.capabilities.pickle"]
    assert (cache.stat().st_mode & 0o077) == 0


def test_import_leaves_root_logging_alone():
    code = "import logging, devices.printer.service; print(len(logging.root.handlers))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "0", out.stderr
