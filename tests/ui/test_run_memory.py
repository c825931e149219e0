"""`kiosk run` drawn offscreen holds a flat RSS (issue 20).

Before the fix, a paired kiosk idle on the attract screen (its arrow animates, so every
frame is drawn) grew ~35 MiB a second on SDL's offscreen driver and was OOM-killed under
its unit. The long version with figures is bench/soak.py; this is the regression guard.
"""

from __future__ import annotations

import os
import time

import pytest

from tests.support.kiosk_process import KioskProcess, pair_device, write_paired_config

WARM_UP_S = 6.0
WATCH_S = 24.0
ALLOWED_GROWTH_MIB = 12.0  # a few MiB of caches settling; the leak was ~800 MiB in 24 s


@pytest.mark.ui
@pytest.mark.slow
def test_kiosk_run_offscreen_holds_a_flat_rss(tmp_path, refserver):
    token = pair_device(refserver.url, refserver.admin, "memory")
    config = write_paired_config(tmp_path / "kiosk", refserver.url, token)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    with KioskProcess(config, env={**env, "SDL_VIDEODRIVER": "offscreen"}) as kiosk:
        kiosk.wait_ready()
        time.sleep(WARM_UP_S)
        warm = kiosk.rss_mib()
        samples = []
        for _ in range(int(WATCH_S / 2)):
            time.sleep(2)
            assert kiosk.alive(), kiosk.log_tail()
            samples.append(kiosk.rss_mib())
        frames_drawn = len(kiosk.notify.times_of("WATCHDOG=1"))
    assert frames_drawn > 10, "the UI loop did not run"
    assert max(samples) - warm < ALLOWED_GROWTH_MIB, (
        f"RSS after warm-up {warm:.1f} MiB, then {[round(s) for s in samples]}"
    )
