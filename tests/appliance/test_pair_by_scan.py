"""Pairing by scan (issue 8, point 1): an unpaired kiosk shown the admin's pairing QR.

Real parts: the reference server (`kiosk server` subprocess), real token/paired.json files,
the real scan router; the flow is driven inline with a FakeClock. One test runs the real
`kiosk run` process with a folder of QR images as its camera, end to end.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.api.client import LoyaltyClient
from kiosk.appliance.provisioning import pair_by_scan
from kiosk.cli._pairing_parts import build_pairing
from kiosk.config import PAIRED_FILE, load_settings
from kiosk.flows.base import FakeClock
from kiosk.flows.pairing import MESSAGE_S, RESTART_AFTER_S, PairingFace, Phase
from kiosk.flows.runtime.host import InlineExecutor
from tests.appliance.test_technician_wiring import wait_for
from tests.support.refserver import free_port

ROOT = Path(__file__).resolve().parents[2]


def config(tmp_path: Path, *extra: str) -> Path:
    """A kiosk.toml as install-service leaves it: state dir, no [server] url."""
    cfg = tmp_path / "etc" / "kiosk.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[device]", 'name = "counter-1"', f'state_dir = "{tmp_path / "state"}"', *extra]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


def new_code(refserver, location: str = "Cafe Mari") -> str:
    return refserver.admin("POST", "/admin/pairing-codes", {"location_name": location})["code"]


def flow_for(cfg: Path, clock: FakeClock | None = None, *, pair=pair_by_scan, on_restart=None):
    """The unpaired kiosk's controller as `kiosk run` builds it, its exchange run inline."""
    face: PairingFace = build_pairing(
        load_settings(cfg, environ={}),
        pair,
        clock=clock or FakeClock(),
        executor=InlineExecutor(),
    )
    face.on_restart = on_restart
    return face


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def nothing_written(tmp_path: Path) -> bool:
    state = tmp_path / "state"
    return not (state / "device.token").exists() and not (state / PAIRED_FILE).exists()


def test_success_writes_private_token_and_server_then_restarts(shared_refserver, tmp_path):
    cfg = config(tmp_path)
    clock = FakeClock()
    restarts: list[int] = []
    flow = flow_for(cfg, clock, on_restart=lambda: restarts.append(1))
    assert flow.state.phase == Phase.WAITING and flow.state.screen == "pairing"

    flow.scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")

    assert flow.state.phase == Phase.PAIRED and flow.state.value("location") == "Cafe Mari"
    token_path = tmp_path / "state" / "device.token"
    paired_path = tmp_path / "state" / PAIRED_FILE
    assert mode(token_path) == 0o600 and mode(paired_path) == 0o600
    token = token_path.read_text().strip()
    assert token not in paired_path.read_text()  # a fingerprint, never the token itself
    assert LoyaltyClient(shared_refserver.url, token).device()  # the token really works
    # the next start uses the paired server, and says where it came from
    settings = load_settings(cfg, environ={})
    assert settings.server.url == shared_refserver.url
    assert settings.server_source.startswith("paired by scan")
    # "paired with" stays on screen, then one restart request
    clock.advance(RESTART_AFTER_S - 1)
    flow.tick()
    assert restarts == []
    clock.advance(1)
    flow.tick()
    flow.tick()
    assert restarts == [1]
    flow.scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")
    assert flow.state.phase == Phase.PAIRED  # once paired, further scans change nothing


def test_wrong_code_says_so_and_writes_nothing(shared_refserver, tmp_path):
    from kiosk.appliance.provisioning import pair_by_scan

    clock = FakeClock()
    asked: list[str] = []
    flow = flow_for(
        config(tmp_path), clock, pair=lambda *a, **k: asked.append(a[1]) or pair_by_scan(*a, **k)
    )
    payload = f"KIOSK-PAIR:{shared_refserver.url}#WRONGCODE9"
    flow.scan_text(payload)
    assert (flow.state.phase, flow.state.message) == (Phase.FAILED, "pair.invalid")
    assert "not valid" in flow.state.detail
    assert nothing_written(tmp_path)
    flow.scan_text(payload)  # the same QR still in front of the camera: no new request
    assert asked == ["WRONGCODE9"]
    clock.advance(MESSAGE_S)
    flow.tick()
    assert flow.state.phase == Phase.WAITING  # back to "show the code" by itself
    flow.scan_text(payload)
    assert asked == ["WRONGCODE9"] * 2 and flow.state.message == "pair.invalid"


def test_expired_code(refserver, tmp_path):
    code = new_code(refserver)
    refserver.advance_clock(24 * 3600)
    flow = flow_for(config(tmp_path))
    flow.scan_text(f"KIOSK-PAIR:{refserver.url}#{code}")
    assert (flow.state.phase, flow.state.message) == (Phase.FAILED, "pair.expired")
    assert nothing_written(tmp_path)


def test_reused_code_is_refused_and_the_first_pairing_stays(shared_refserver, tmp_path):
    payload = f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}"
    first = flow_for(config(tmp_path / "a"))
    first.scan_text(payload)
    assert first.state.phase == Phase.PAIRED
    token_a = (tmp_path / "a" / "state" / "device.token").read_text()
    second = flow_for(config(tmp_path / "b"))
    second.scan_text(payload)
    assert (second.state.phase, second.state.message) == (Phase.FAILED, "pair.used")
    assert nothing_written(tmp_path / "b")
    assert (tmp_path / "a" / "state" / "device.token").read_text() == token_a


def test_server_down_then_tls_with_a_wrong_clock(shared_refserver, tmp_path):
    flow = flow_for(config(tmp_path))
    flow.scan_text(f"KIOSK-PAIR:http://127.0.0.1:{free_port()}#CODE1234")
    assert (flow.state.phase, flow.state.message) == (Phase.FAILED, "pair.offline")
    assert nothing_written(tmp_path)
    # TLS to a plain-HTTP server fails the handshake; a clock in 2020 is named as the cause
    past = flow_for(config(tmp_path), FakeClock(datetime(2020, 1, 1, tzinfo=UTC)))
    https = shared_refserver.url.replace("http://", "https://")
    past.scan_text(f"KIOSK-PAIR:{https}#CODE1234")
    assert (past.state.phase, past.state.message) == (Phase.FAILED, "pair.clock")
    assert "timedatectl" in past.state.detail
    assert nothing_written(tmp_path)


def test_only_pairing_scans_are_taken(tmp_path):
    flow = flow_for(config(tmp_path))
    for text in ("https://shop.example/c/AbCdEfGh12345678", "STAFF:anna:1234", "hello"):
        flow.scan_text(text)
        assert (flow.state.phase, flow.state.message) == (Phase.FAILED, "pair.only_pairing")
    assert nothing_written(tmp_path)


def test_explicit_server_in_kiosk_toml_is_never_overridden(shared_refserver, tmp_path):
    cfg = config(tmp_path, "[server]", 'url = "https://loyalty.example.com"')
    flow = flow_for(cfg)
    flow.scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")
    assert (flow.state.phase, flow.state.message) == (Phase.FAILED, "pair.wrong_server")
    assert "kiosk.toml" in flow.state.detail
    assert nothing_written(tmp_path)
    # a paired.json beside an explicit url does not move the kiosk either
    ok = flow_for(config(tmp_path / "p"))
    ok.scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")
    cfg_p = config(tmp_path / "p", "[server]", 'url = "https://loyalty.example.com"')
    settings = load_settings(cfg_p, environ={})
    assert settings.server.url == "https://loyalty.example.com"
    assert settings.server_source == "kiosk.toml"


def test_paired_server_counts_only_with_the_token_it_came_with(shared_refserver, tmp_path):
    cfg = config(tmp_path)
    flow_for(cfg).scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")
    assert load_settings(cfg, environ={}).server.url == shared_refserver.url
    (tmp_path / "state" / "device.token").write_text("another-token-from-provision\n")
    settings = load_settings(cfg, environ={})
    assert settings.server.url != shared_refserver.url and settings.server_source == "default"


def test_a_paired_kiosk_ignores_a_pairing_qr_from_customers(shared_refserver, tmp_path):
    """kiosk run builds the real parts for a paired kiosk: the pairing QR is "unknown"."""
    from kiosk.cli.run import _build, _Unpaired

    cfg = config(tmp_path)
    unpaired, reason = _build(load_settings(cfg, environ={}), "")
    assert isinstance(unpaired, _Unpaired) and reason.startswith("not paired")
    unpaired.host.scan_text(f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver)}")
    wait_for(lambda: unpaired.host.state.phase == Phase.PAIRED)  # (on kiosk run's pool)
    unpaired.close()
    token = (tmp_path / "state" / "device.token").read_text()
    paired_json = (tmp_path / "state" / PAIRED_FILE).read_text()

    parts, reason = _build(load_settings(cfg, environ={}), "")
    try:
        assert reason == "" and not isinstance(parts, _Unpaired)
        assert parts.stamp_path.client.base_url == shared_refserver.url + "/api/v1"
        other = f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver, 'Elsewhere')}"
        parts.host.scan_text(other)
        state = parts.host.state
        assert state.screen == "message" and str(state.kind) == "unknown_code"
    finally:
        parts.close()
    assert (tmp_path / "state" / "device.token").read_text() == token
    assert (tmp_path / "state" / PAIRED_FILE).read_text() == paired_json


@pytest.mark.ui
def test_kiosk_run_pairs_from_its_camera_and_exits_for_a_restart(shared_refserver, tmp_path):
    """The real appliance: unpaired `kiosk run`, a folder of QR images as its camera."""
    import cv2

    from devices.scanner.synth import phone_image

    images = tmp_path / "camera"
    images.mkdir()
    payload = f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver, 'Kohvik Mari')}"
    cv2.imwrite(str(images / "pair.png"), phone_image(payload, "qr"))
    cfg = config(tmp_path, "[scanner]", f'image_dir = "{images}"', "camera_fps = 5")
    proc = run_kiosk(cfg, tmp_path, 45)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "paired with Kohvik Mari" in proc.stderr
    state = tmp_path / "state"
    assert mode(state / "device.token") == 0o600 and mode(state / PAIRED_FILE) == 0o600
    paired = json.loads((state / PAIRED_FILE).read_text())
    assert paired["server_url"] == shared_refserver.url
    assert paired["location_name"] == "Kohvik Mari"
    assert load_settings(cfg, environ={}).server.url == shared_refserver.url


def run_kiosk(cfg: Path, tmp_path: Path, seconds: float, **env_extra: str):
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), **env_extra}
    env.pop("DISPLAY", None)
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--config", str(cfg), "--max-seconds", str(seconds)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )


@pytest.mark.ui
def test_fresh_install_without_kiosk_toml_pairs_then_starts_paired(shared_refserver, tmp_path):
    """No /etc/kiosk/kiosk.toml at all (read-only under systemd): pair by scan, restart,
    and the second start serves with the paired server instead of "not paired"."""
    import cv2

    from devices.scanner.synth import phone_image

    images = tmp_path / "camera"
    images.mkdir()
    payload = f"KIOSK-PAIR:{shared_refserver.url}#{new_code(shared_refserver, 'Fresh Cafe')}"
    cv2.imwrite(str(images / "pair.png"), phone_image(payload, "qr"))
    state = tmp_path / "state"
    env = {
        "KIOSK__DEVICE__STATE_DIR": str(state),
        "KIOSK__SCANNER__IMAGE_DIR": str(images),
        "KIOSK__SCANNER__CAMERA_FPS": "5",
    }
    missing = tmp_path / "etc" / "kiosk.toml"
    first = run_kiosk(missing, tmp_path, 45, **env)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "paired with Fresh Cafe" in first.stderr
    assert mode(state / "device.token") == 0o600 and mode(state / PAIRED_FILE) == 0o600

    (images / "pair.png").unlink()  # the camera sees nothing now
    second = run_kiosk(missing, tmp_path, 3, **env)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"paired by scan ({state / PAIRED_FILE})" in second.stderr
    assert "not paired" not in second.stderr and "paired with" not in second.stderr


SHOT_SCRIPT = r"""
import sys
from pathlib import Path
from kiosk.ui.window import prepare_window
out, lang, w, h = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
prepare_window(w, h, fullscreen=False)
from kivy.clock import Clock
from kivy.core.window import Window
from kiosk.appliance.provisioning import ScanPairResult
from kiosk.config import Settings
from kiosk.cli._pairing_parts import build_pairing
from kiosk.flows.base import FakeClock
from kiosk.flows.runtime.host import InlineExecutor
from kiosk.ui.app import KioskApp
settings = Settings()
settings.ui.language = lang
done = ScanPairResult("https://loyalty.example.com", "Cafe Mari", "d1", Path("t"), Path("p"))
flow = build_pairing(settings, lambda *a, **k: done, clock=FakeClock(), executor=InlineExecutor())
flow.out_of_service("not paired: no device token at /var/lib/kiosk/device.token")
app = KioskApp(flow)
steps = [
    ("waiting", lambda: None),
    ("refused", lambda: flow.scan_text("https://shop.example/c/AbCdEfGh12345678")),
    ("paired", lambda: (flow.host.clock.advance(9), flow.tick(),
                        flow.scan_text("KIOSK-PAIR:https://loyalty.example.com#ABCD1234"))),
]
def step(i=0):
    if i == len(steps):
        return app.stop()
    name, act = steps[i]
    act()
    def shot(_dt):
        print(name, app.rendered.phase, Window.screenshot(name=str(out / f"{lang}-{name}.png")))
        Clock.schedule_once(lambda _d: step(i + 1), 0.2)
    Clock.schedule_once(shot, 0.4)
Clock.schedule_once(lambda _dt: step(), 0.5)
app.run()
"""


@pytest.mark.ui
def test_pairing_screen_offscreen(tmp_path):
    """The three faces of the screen in a real offscreen window ($APPLIANCE_SHOTS to keep)."""
    shots = Path(os.environ.get("APPLIANCE_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1"}
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, "-c", SHOT_SCRIPT, str(shots), "ko", "800", "480"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    phases = [line.split()[1] for line in proc.stdout.splitlines() if line.strip()]
    assert phases == ["waiting", "failed", "paired"]
    pngs = [next(shots.glob(f"ko-{name}*.png")) for name in ("waiting", "refused", "paired")]
    assert all(p.stat().st_size > 5000 for p in pngs)
    assert len({p.read_bytes() for p in pngs}) == 3  # each face really differs
