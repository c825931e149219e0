"""Re-pairing in the kiosk as `kiosk run` builds it (build_kiosk): staff login through the
reference server, Diagnostics, the technician PIN, then "Pair with another shop" with
every scan going through the kiosk's real host; and the restart it ends with."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from kiosk.appliance.provisioning import pair_by_scan
from kiosk.cli._kiosk_parts import build_kiosk
from kiosk.config import load_settings
from kiosk.flows.base import FakeClock
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.staff import intents as si
from kiosk.flows.technician import RESTART_AFTER_S
from kiosk.flows.technician import intents as ti
from kiosk.i18n import languages
from kiosk.outbox import Outbox
from tests.appliance.test_technician_repair import SHOP_A, SHOP_B, new_code, qr
from tests.appliance.test_technician_wiring import TECH_PIN, wait_for

ROOT = Path(__file__).resolve().parents[2]
I18N = ROOT / "kiosk" / "i18n"
STAFF_PIN = "51739"  # its own PIN: the shared server's other staff may lack "diagnostics"


def paired_kiosk(server, tmp_path: Path, lang: str) -> Path:
    cfg = tmp_path / "kiosk.toml"
    digest = hashlib.sha256(TECH_PIN.encode()).hexdigest()
    cfg.write_text(
        f'[device]\nname = "counter-1"\nstate_dir = "{tmp_path / "state"}"\n'
        '[scanner]\ncamera = ""\n'
        f'[printer]\nuri = "preview:{tmp_path / "prints"}"\n'
        f'[ui]\nlanguage = "{lang}"\n'
        f'[technician]\npin_sha256 = "{digest}"\n'
        'doctor_skip = ["display", "groups", "camera", "printer"]\n'
    )
    s = load_settings(cfg, environ={})
    pair_by_scan(
        server.url,
        new_code(server, SHOP_A),
        device_name="counter-1",
        token_path=s.device.token_path,
        state_dir=s.device.state_dir,
    )
    return cfg


def ensure_staff(server) -> None:
    """Staff with STAFF_PIN on the shared server (a PIN belongs to one person only)."""
    try:
        server.admin(
            "POST", "/admin/staff", {"name": "Ann", "pin": STAFF_PIN, "permissions": ["*"]}
        )
    except AssertionError as exc:
        assert "already used" in str(exc), exc


def test_repair_through_the_real_controller(shared_refserver, tmp_path):
    server = shared_refserver
    ensure_staff(server)
    card = server.card(server.program(cooldown_seconds=0))
    cfg = paired_kiosk(server, tmp_path, "et")
    settings = load_settings(cfg, environ={})
    clock = FakeClock()
    parts = build_kiosk(settings, config_path=cfg, clock=clock)
    restarts: list[int] = []
    parts.technician.deps.restart_after_pairing = lambda: restarts.append(1)
    ctl = parts.host
    token_before = settings.device.token_path.read_text()
    try:
        ctl.send(StaffGesture())
        for d in STAFF_PIN:
            ctl.send(si.PinDigit(digit=d))
        ctl.send(si.PinOk())
        wait_for(lambda: ctl.state.screen == "staff_menu")
        ctl.send(si.Diagnostics())
        for d in TECH_PIN:
            ctl.send(ti.PinDigit(digit=d))
        ctl.send(ti.PinEnter())
        wait_for(lambda: getattr(ctl.state, "page", "") == "home" and ctl.state.checks)
        assert ctl.state.can_repair and ctl.state.lang == "et"  # the staff screens' language
        ctl.send(ti.StartRepair())
        assert ctl.state.page == "repair_confirm" and ctl.state.value("shop") == SHOP_A
        ctl.send(ti.ConfirmRepair())
        assert ctl.state.page == "repair_wait"

        ctl.scan_text(f"https://shop.example/c/{card['token']}")  # a customer's card
        assert ctl.state.page == "repair_wait" and ctl.state.value("ignored").startswith("card")
        assert server.admin("GET", f"/admin/cards/{card['id']}")["total_stamps"] == 0
        assert Outbox(settings.device.state_dir).pending_count() == 0

        ctl.scan_text(qr(server, new_code(server, SHOP_B)))
        wait_for(lambda: ctl.state.page != "repair_working")
        assert ctl.state.page == "repair_paired", ctl.state.detail
        assert ctl.state.value("shop") == SHOP_B
        assert settings.device.token_path.read_text() != token_before
        paired = json.loads((settings.device.state_dir / "paired.json").read_text())
        assert paired["location_name"] == SHOP_B
        ctl.send(ti.CloseScreen())  # ignored: the restart is coming
        clock.advance(RESTART_AFTER_S)
        ctl.tick()
        assert restarts == [1] and ctl.state.screen == "technician"
    finally:
        parts.close()


STOP_SCRIPT = r"""
import sys
from kivy.app import App
from kivy.clock import Clock
from kivy.uix.widget import Widget
from kiosk.cli._technician_parts import stop_running_app

class Bare(App):
    def build(self):
        return Widget()

if sys.argv[1] == "app":
    Clock.schedule_once(lambda _dt: stop_running_app(), 0.3)
    Bare().run()
    print("app stopped cleanly")
else:
    stop_running_app()
    print("still running")
"""


def test_the_restart_stops_the_running_app_like_first_pairing(tmp_path):
    """With a Kivy app (kiosk run): App.stop(), so `kiosk run` closes its parts and exits 0
    for systemd to start it again; without one: SIGTERM, as "Restart app" does."""
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1"}
    env.pop("DISPLAY", None)
    script = tmp_path / "stop.py"  # a file: Kivy's App looks for a .kv beside its source
    script.write_text(STOP_SCRIPT)

    def run(mode: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(script), mode],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    with_app = run("app")
    assert with_app.returncode == 0, with_app.stderr[-2000:]
    assert "app stopped cleanly" in with_app.stdout
    without = run("bare")
    assert without.returncode == -15 and "still running" not in without.stdout


def test_every_language_has_every_technician_key_and_placeholder():
    def catalog(lang: str) -> dict[str, str]:
        return json.loads((I18N / lang / "technician.json").read_text(encoding="utf-8"))

    en = catalog("en")
    assert set(languages()) >= {"en", "et", "ko", "zh"}
    for lang in languages():
        other = catalog(lang)
        assert set(other) == set(en), lang
        for key, text in en.items():
            want = set(re.findall(r"{(\w+)}", text))
            assert set(re.findall(r"{(\w+)}", other[key])) == want, (lang, key)
            assert other[key].strip(), (lang, key)


def test_every_key_the_flow_can_show_has_words():
    from kiosk.api import errors
    from kiosk.appliance.provisioning import ProvisionError
    from kiosk.flows.technician import failure_words as _failure

    en = json.loads((I18N / "en" / "technician.json").read_text(encoding="utf-8"))
    causes = [
        errors.PairingCodeInvalid("x"),
        errors.PairingCodeExpired("x"),
        errors.PairingCodeUsed("x"),
        errors.Offline("down"),
        errors.ApiError("x"),
    ]
    keys = set()
    for cause in causes:
        exc = ProvisionError("m", "f", 1)
        exc.__cause__ = cause
        keys.add(_failure(exc)[0])
    keys |= {_failure(OSError("disk"))[0], _failure(RuntimeError("x"))[0]}
    source = "".join(p.read_text() for p in (ROOT / "kiosk" / "flows" / "technician").glob("*.py"))
    source += (ROOT / "kiosk" / "appliance" / "repair.py").read_text()
    keys |= set(re.findall(r'"(tech\.repair\.\w+)"', source))
    ui = (ROOT / "kiosk" / "ui" / "screens" / "technician_repair.py").read_text()
    keys |= set(re.findall(r'"(tech\.repair\.\w+)"', ui))
    missing = sorted(k for k in keys if k not in en)
    assert not missing and len(keys) > 20, missing


APP_SCRIPT = r"""
import sys
from pathlib import Path
from kiosk.ui.window import prepare_window
cfg, shots, payload = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
prepare_window(800, 480, fullscreen=False)
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kiosk.cli._kiosk_parts import build_kiosk
from kiosk.config import load_settings
from kiosk.ui.app import KioskApp
from kiosk.flows.technician import intents as ti
from kiosk.flows.customer.intents import StaffGesture
from kiosk.flows.staff import intents as si

settings = load_settings(cfg, environ={})
parts = build_kiosk(settings, config_path=cfg)
ctl = parts.host
app = KioskApp(ctl)
seen = []

def page():
    # what is ON SCREEN (the app renders a state change on its next frame): taps need it
    shown = app.rendered
    if shown is None or shown is not ctl.state:
        return "rendering"
    return getattr(shown, "page", "") if shown.screen == "technician" else shown.screen

def tap(action):
    b = app.screens["technician"].buttons[action]
    x, y = b.to_window(*b.center)
    t = UnitTestTouch(x, y)
    t.touch_down()
    t.touch_up()

def shot(name):
    Window.screenshot(name=str(shots / f"app-{name}.png"))

def login():
    ctl.send(StaffGesture())
    for d in sys.argv[4]:
        ctl.send(si.PinDigit(digit=d))
    ctl.send(si.PinOk())

def tech():
    ctl.send(si.Diagnostics())
    for d in "1379":
        ctl.send(ti.PinDigit(digit=d))
    ctl.send(ti.PinEnter())

steps = [
    (lambda: page() == "attract", login),
    (lambda: page() == "staff_menu", tech),
    (lambda: page() == "home" and ctl.state.checks, lambda: (shot("home"), tap("tech_repair"))),
    (lambda: page() == "repair_confirm", lambda: (shot("confirm"), tap("tech_repair_confirm"))),
    (lambda: page() == "repair_wait", lambda: (shot("wait"), ctl.scan_text(payload))),
    (lambda: page() == "repair_paired", lambda: shot("paired")),
]

def drive(_dt):
    if steps and steps[0][0]():
        seen.append(page())
        steps.pop(0)[1]()

Clock.schedule_interval(drive, 0.4)
Clock.schedule_once(lambda _dt: (print("timeout", page()), app.stop()), 60)
app.run()
parts.close()
print("pages", " ".join(seen))
print("restart_requested", parts.technician.outcome.restart_requested)
"""


def test_the_real_app_repairs_and_stops_for_the_restart(shared_refserver, tmp_path):
    """KioskApp + build_kiosk as `kiosk run` has them: real taps on the technician
    screen, the pairing QR through the controller, then the real restart (App.stop)."""
    server = shared_refserver
    ensure_staff(server)
    cfg = paired_kiosk(server, tmp_path, "zh")
    token_before = (tmp_path / "state" / "device.token").read_text()
    shots = Path(os.environ.get("APPLIANCE_SHOTS") or tmp_path / "shots")
    shots.mkdir(parents=True, exist_ok=True)
    script = tmp_path / "app.py"
    script.write_text(APP_SCRIPT)
    env = {**os.environ, "KIVY_HOME": str(tmp_path / "kivy"), "KIVY_NO_ARGS": "1"}
    env.pop("DISPLAY", None)
    payload = qr(server, new_code(server, SHOP_B))
    proc = subprocess.run(
        [sys.executable, str(script), str(cfg), str(shots), payload, STAFF_PIN],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "timeout" not in proc.stdout, proc.stdout
    assert "pages attract staff_menu home repair_confirm repair_wait repair_paired" in proc.stdout
    assert "restart_requested True" in proc.stdout  # the app stopped itself after 4 s
    state = tmp_path / "state"
    assert (state / "device.token").read_text() != token_before
    assert json.loads((state / "paired.json").read_text())["location_name"] == SHOP_B
    for name in ("home", "confirm", "wait", "paired"):
        assert next(shots.glob(f"app-{name}*.png")).stat().st_size > 5000
