"""Safe updates under booted systemd (issue 18): `kiosk update` with signed releases.

Releases are derived on the host from the package under test (same tree, another version,
optionally one fault): v2 is good, v3 never sends READY=1, v4 exits at every start, v5 is
good again (for the power cut). Each is signed with a key made for this run, whose public
half is the kiosk's only trusted key. Before every update, stamps are queued while the
cloud is down; after it they must be on the card exactly once, whichever release sent them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from system_test import SystemTest

KEYS = "/etc/kiosk/release-keys"
HEALTH_TIMEOUT_S = 30
# appended to kiosk/cli/run.py of a derived release: the last `run` defined wins
FAULTS = {
    "never-ready": (
        "\n\ndef run(args):  # systest fault (issue 18): up, but never READY=1\n"
        "    import time\n\n    while True:\n        time.sleep(3600)\n"
    ),
    "crash": (
        "\n\ndef run(args):  # systest fault (issue 18): exits at every start\n"
        "    print('systest: crashing on purpose', flush=True)\n    raise SystemExit(3)\n"
    ),
}


def derive(base: Path, base_ver: str, ver: str, out: Path, fault: str | None = None) -> Path:
    """The package under test as version `ver` (its release folder, shebang, __version__,
    control and postinst say `ver`), with `fault` planted in `kiosk run`."""
    import build_deb

    tree = out / f"tree-{ver}"
    shutil.rmtree(tree, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-R", str(base), str(tree)], check=True)
    rel = tree / "opt" / "stamp-kiosk" / "releases"
    (rel / base_ver).rename(rel / ver)
    script = rel / ver / "venv" / "bin" / "kiosk"
    script.write_text(script.read_text().replace(f"releases/{base_ver}/", f"releases/{ver}/"))
    build_deb.stamp_version(tree, ver)
    for name in ("control", "postinst"):
        f = tree / "DEBIAN" / name
        text = f.read_text().replace(f"releases/{base_ver}", f"releases/{ver}")
        f.write_text(text.replace(f"Version: {base_ver}\n", f"Version: {ver}\n"))
    if fault:
        run_py = tree / build_deb.site_dir(ver) / "kiosk" / "cli" / "run.py"
        run_py.write_text(run_py.read_text() + FAULTS[fault])
        for pyc in (run_py.parent / "__pycache__").glob("run.*.pyc"):
            pyc.unlink()
    arch = subprocess.run(["dpkg-deb", "-f", str(base), "Architecture"], capture_output=True,
                          text=True, check=True).stdout.strip()  # fmt: skip
    deb = out / f"stamp-kiosk_{ver}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zzstd", "-z1", "--build", str(tree),
                    str(deb)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    shutil.rmtree(tree)
    return deb


class Updates:
    """The update steps of the system test; timings go into t.t."""

    def __init__(self, t: SystemTest) -> None:
        self.t, self.m, self.k = t, t.machine, t.k
        self.card: dict | None = None
        self.queued = 0

    # -- setup -----------------------------------------------------------------------------
    def prepare(self) -> str:
        """Derive and sign the releases, trust the run's key on the kiosk."""
        from kiosk.appliance.updates.signing import generate, sign

        t = self.t
        start = time.monotonic()
        out = t.work / "releases"
        out.mkdir(parents=True, exist_ok=True)
        base = t.ver
        self.v = {2: f"{base}+u2", 3: f"{base}+u3", 4: f"{base}+u4", 5: f"{base}+u5"}
        faults = {3: "never-ready", 4: "crash"}
        pub, private, key_id = generate("systest release key")
        _other_pub, other, other_id = generate("not trusted")
        debs = {n: derive(t.deb, base, v, out, faults.get(n)) for n, v in self.v.items()}
        for n, deb in debs.items():
            Path(f"{deb}.minisig").write_text(sign(deb, private, key_id, f"systest {self.v[n]}"))
        # a good release signed by a key the kiosk does not trust
        wrong = out / f"wrong-key_{deb.name}"
        shutil.copy2(debs[5], wrong)
        Path(f"{wrong}.minisig").write_text(sign(wrong, other, other_id, "wrong key"))
        # the package under test itself, signed: older than v2, so a downgrade
        down = out / t.deb.name
        shutil.copy2(t.deb, down)
        Path(f"{down}.minisig").write_text(sign(down, private, key_id, "downgrade"))
        target = self.m.root / "root" / "releases"
        target.mkdir(parents=True, exist_ok=True)
        for f in out.iterdir():
            if f.is_file():
                shutil.copy2(f, target / f.name)
        self.debs = {n: f"/root/releases/{d.name}" for n, d in debs.items()}
        self.wrong, self.down = f"/root/releases/{wrong.name}", f"/root/releases/{down.name}"
        self.m.run("mkdir", "-p", KEYS)
        self.m.run("sh", "-c", f"cat > {KEYS}/systest.pub", input=pub)
        t.t["derive + sign 4 releases"] = time.monotonic() - start
        return f"{len(debs)} releases derived and signed, key trusted in {KEYS}"

    # -- helpers ---------------------------------------------------------------------------
    def update(self, deb: str, *extra: str, window: str = "") -> tuple[int, str]:
        res = self.m.run("env", f"KIOSK__UPDATE__HEALTH_TIMEOUT_S={HEALTH_TIMEOUT_S * self.t.slow:.0f}",
                         f"KIOSK__UPDATE__WINDOW={window}", "kiosk", "update", *extra,
                         *([deb] if deb else []), check=False, timeout=300)  # fmt: skip
        return res.returncode, (res.stdout + res.stderr).strip()

    def window(self) -> str:
        """The retry goes through the window: queued, held outside it and while a session
        is open, applied inside it (kiosk-update.timer runs exactly this)."""
        from datetime import datetime, timedelta

        m = self.m
        code, out = self.update(self.debs[5], "--later")
        assert code == 0 and "pending" in out, out
        assert m.run("systemctl", "is-enabled", "kiosk-update.timer").stdout.strip() == "enabled"
        later = datetime.now() + timedelta(hours=2)
        closed = f"{later:%H}:00-{(later + timedelta(hours=1)):%H}:00"
        code, out = self.update("", "--apply-pending", window=closed)
        assert code == 0 and "waits for the window" in out, out
        marker = "/var/lib/kiosk/update/session-open"
        m.run("touch", marker)
        code, out = self.update("", "--apply-pending")
        assert code == 0 and "session is open" in out, out
        m.run("rm", "-f", marker)
        assert self.status()["pending"]["version"] == self.v[5]
        code, out = self.update("", "--apply-pending")
        assert code == 0 and "switched" in out, out
        return f"held outside {closed} and while a session was open; applied inside"

    def status(self) -> dict:
        out = self.m.run("kiosk", "update", "--status", "--json").stdout
        return json.loads(out)

    def running_release(self) -> str | None:
        """The release the kiosk's main process runs: its interpreter is the versioned one."""
        pid = self.k.main_pid()
        if not pid or not self.k.active():
            return None
        cmd = self.m.run("cat", f"/proc/{pid}/cmdline", check=False).stdout.split("\0")
        for part in cmd:
            if "/releases/" in part:
                return part.split("/releases/")[1].split("/")[0]
        return None

    def queue_stamps(self, n: int = 2) -> None:
        """n stamps saved while the cloud is down: they wait in the outbox."""
        srv = self.t.server
        if self.card is None:
            self.card = srv.card(srv.program(cooldown_seconds=0))
        srv.stop()
        for _ in range(n):
            res = self.m.run("runuser", "-u", "kiosk", "--", "kiosk", "stamp", self.card["token"],
                             check=False, timeout=60 * self.t.slow)  # fmt: skip
            assert res.returncode == 0, res.stdout + res.stderr
        self.queued += n

    def delivered_once(self) -> str:
        """Cloud back: every queued stamp arrives, none twice (the card's ledger)."""
        from system_test import wait_until

        srv = self.t.server
        srv.start()
        assert self.card is not None

        def ledger() -> int:
            return len(srv.admin("GET", f"/admin/cards/{self.card['id']}")["ledger"])

        try:
            wait_until("queued stamps delivered", lambda: ledger() >= self.queued, 30)
        except AssertionError:  # the worker may be in a long backoff: send now
            self.m.run("runuser", "-u", "kiosk", "--", "kiosk", "sync", check=False, timeout=120)
        assert ledger() == self.queued, f"{ledger()} stamps on the card, {self.queued} queued"
        assert not self.t.outbox("pending")
        return f"{self.queued} stamps on the card, each once"

    def wait_running(self, version: str, what: str, timeout: float) -> float:
        from system_test import wait_until

        return wait_until(what, lambda: self.running_release() == version, timeout, every=0.25)

    # -- steps -----------------------------------------------------------------------------
    def good_update(self) -> str:
        t, v2 = self.t, self.v[2]
        before = self.running_release()
        self.queue_stamps()
        code, out = self.update(self.debs[2])
        assert code == 0, out
        took = self.wait_running(v2, f"{v2} running", 120 * t.slow)
        from system_test import wait_until

        wait_until("READY recorded", lambda: (self.status()["last_result"] or {}).get("result")
                   == "ok", 60 * t.slow)  # fmt: skip
        st = self.status()
        assert st["current"] == v2 and st["previous"] == before, st
        ready_after = st["last_result"]["ready_after_s"]
        t.t["update applied -> scanning again"] = ready_after
        assert self.m.run("kiosk", "--version").stdout.strip() == f"kiosk {v2}"
        return (f"{before} -> {v2}: READY {ready_after:.1f} s after the switch (process up "
                f"{took:.1f} s after `kiosk update` returned); {self.delivered_once()}")  # fmt: skip

    def bad_update(self, n: int, label: str) -> str:
        t, bad, good = self.t, self.v[n], self.v[2]
        self.queue_stamps()
        code, out = self.update(self.debs[n])
        assert code == 0, out
        start = time.monotonic()
        from system_test import wait_until

        def rolled_back() -> bool:
            last = self.status()["last_result"] or {}
            return last.get("result") == "rolled-back" and last.get("version") == bad

        wait_until(f"{bad} rolled back", rolled_back, (HEALTH_TIMEOUT_S + 120) * t.slow)
        self.wait_running(good, f"{good} running again", 120 * t.slow)
        st = self.status()
        last = st["last_result"]
        # from the switch (the machine's clock is the host's: one kernel) to the previous
        # release running again; after_s is the switch -> the rollback decision
        took = time.time() - (last["at"] - last["after_s"])
        t.t[f"update applied -> rolled back ({label})"] = took
        assert time.monotonic() - start < took + 5
        assert st["current"] == good and st["previous"] == bad and st["trial"] is None, st
        assert last["log"], "no log lines kept with the rollback"
        return (f"{bad} ({label}) rolled back to {good} by itself: decided {last['after_s']:.1f} s "
                f"after the switch, {good} running {took:.1f} s after it: "
                f"{last['reason']!r}, {len(last['log'])} log lines kept; {self.delivered_once()}")  # fmt: skip

    def never_ready(self) -> str:
        return self.bad_update(3, "never READY")

    def crash_loop(self) -> str:
        return self.bad_update(4, "crash loop")

    def power_cut(self) -> str:
        """Kill the whole machine while `kiosk update` unpacks; boot; a working kiosk."""
        from system_test import wait_until

        t, m, good, v5 = self.t, self.m, self.v[2], self.v[5]
        self.queue_stamps()
        m.run("sh", "-c", f"(KIOSK__UPDATE__HEALTH_TIMEOUT_S={HEALTH_TIMEOUT_S} kiosk update "
              f"{self.debs[5]} > /root/update.log 2>&1 &)")  # fmt: skip

        def unpacking() -> bool:
            return m.run("sh", "-c", "ls -d /opt/stamp-kiosk/releases/.staging-*",
                         check=False).returncode == 0  # fmt: skip

        wait_until("kiosk update unpacking", unpacking, 60, every=0.05)
        m.shutdown()  # the power cut: every process of the machine gone at once
        start = time.monotonic()
        t.t["boot after the power cut"] = m.boot()
        self.wait_running(good, f"{good} running after the power cut", 120 * t.slow)
        t.t["power cut -> scanning again (boot incl.)"] = time.monotonic() - start
        left = m.run("sh", "-c", "ls -a /opt/stamp-kiosk/releases").stdout.split()
        assert not [x for x in left if x.startswith(".staging")], left
        assert v5 not in left, left
        delivered = self.delivered_once()
        held = self.window()  # the same update again, now to the end
        self.wait_running(v5, f"{v5} running", 120 * t.slow)
        wait_until("v5 healthy", lambda: (self.status()["last_result"] or {}).get("result")
                   == "ok", 60 * t.slow)  # fmt: skip
        return (f"cut while unpacking: back on {good} {t.t['power cut -> scanning again (boot incl.)']:.1f} s "
                f"after power-on, half-unpacked release removed; {delivered}; the update "
                f"again ({held}): {v5} healthy")  # fmt: skip

    def refusals(self) -> str:
        v5 = self.v[5]
        before = self.status()
        self.queue_stamps()
        results = {}
        m = self.m
        m.run("cp", self.debs[2], "/root/unsigned.deb")
        for name, deb, extra, expect in (
            ("unsigned", "/root/unsigned.deb", (), 10),
            ("wrong signature", self.wrong, (), 11),
            ("downgrade", self.down, (), 12),
        ):
            code, out = self.update(deb, *extra)
            assert code == expect, f"{name}: exit {code}, expected {expect}\n{out}"
            assert "REFUSED" in out and "fix:" in out, out
            results[name] = code
        m.run("rm", "-f", "/root/unsigned.deb")
        assert self.running_release() == v5
        after = self.status()
        assert after["current"] == before["current"] == v5, after
        assert after["last_result"]["result"] == "refused"
        return (", ".join(f"{k} -> exit {v}" for k, v in results.items())
                + f"; still {v5}; {self.delivered_once()}")  # fmt: skip
