"""`make fleet-test`: the Ansible role against three kiosks booted with the systemd harness.

Three fresh Debian bookworm roots (the system test's, plus openssh-server) boot systemd
each (machine.py: PID namespace, no network namespace), each with an sshd of its own on a
127.0.0.1 port and a key made for this run. The reference cloud runs on the host's
127.0.0.1. Then, each as a numbered, timed step:
  1. from kiosks with nothing on them, `ansible-playbook site.yml` installs the .deb,
     pairs each kiosk with a code from the admin API (token in an ansible-vault file made
     for this run), templates kiosk.toml, and every kiosk ends READY, doctor green, paired;
  2. a second run changes nothing (changed=0 on every kiosk);
  3. a rollout of the next release and a new shop setting, where kiosk 2 cannot become
     READY (its service gets an SDL video driver that does not exist): kiosk 1 is
     upgraded, the rollout stops at kiosk 2, kiosk 3 keeps its package and its config.
Timings (per kiosk) are printed at the end. Root only (unshare, cgroups); not in CI.

    python deploy/systest/fleet_test.py [--debs DIR] [--keep]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO / "scripts"), str(REPO)]

import build_deb  # noqa: E402
import rootfs  # noqa: E402
from crash_loop import simulate_reboots  # noqa: E402
from machine import Machine  # noqa: E402
from system_test import DROPIN, DROPIN_TEXT, Check, wait_until  # noqa: E402

from tests.support.refserver import RefServer  # noqa: E402

WORK = Path("/var/tmp/stamp-kiosk-fleettest")
ANSIBLE = REPO / "deploy" / "ansible"
BIN = Path(sys.executable).parent
NAMES = ("kiosk-1", "kiosk-2", "kiosk-3")
SHOP = {"kiosk-1": "shop_a", "kiosk-2": "shop_a", "kiosk-3": "shop_b"}
SSHD_CONF = """# fleet test: this kiosk's own sshd on the host's loopback (no network namespace)
Port {port}
ListenAddress 127.0.0.1
PermitRootLogin prohibit-password
PasswordAuthentication no
# no PAM: logind is masked in the harness, and pam_systemd would wait for it at each login
UsePAM no
UseDNS no
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FleetTest:
    def __init__(self, debs: Path | None, keep: bool) -> None:
        self.keep = keep
        self.check = Check()
        self.t = self.check.timings
        self.work = WORK / str(os.getpid())
        self.debs_dir = debs
        self.server = RefServer(db=self.work / "refserver.sqlite")
        self.machines = {n: Machine(self.work / n / "root") for n in NAMES}
        self.ports = {n: free_port() for n in NAMES}
        self.inv = self.work / "inventory"
        self.per_host: dict[str, dict[str, float]] = {}

    # -- setup ------------------------------------------------------------------------------
    def build(self) -> str:
        ver = build_deb.version()
        self.versions = (ver, f"{ver}+fleet2")
        names = [f"stamp-kiosk_{v}_amd64.deb" for v in self.versions]
        if self.debs_dir and all((self.debs_dir / n).exists() for n in names):
            self.debs = [self.debs_dir / n for n in names]
            return f"reused {', '.join(names)} from {self.debs_dir}"
        start = time.monotonic()
        out, bw = self.work / "debs", REPO / "build" / "deb"
        self.debs = [build_deb.build("amd64", v, out, bw) for v in self.versions]
        self.t["build both packages"] = time.monotonic() - start
        return ", ".join(d.name for d in self.debs)

    def boot(self) -> str:
        tar, made = rootfs.ensure("amd64", ("openssh-server",), "fleet")
        if made:
            self.t["make the fleet rootfs (cached after)"] = made
        self.work.mkdir(parents=True, exist_ok=True)
        key = self.work / "id_ed25519"
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fleet-test",
                        "-f", str(key)], check=True)  # fmt: skip
        pub = key.with_suffix(".pub").read_text()
        for name, m in self.machines.items():
            start = time.monotonic()
            rootfs.unpack(tar, m.root)
            conf = m.root / "etc/ssh/sshd_config.d/fleet-test.conf"
            conf.write_text(SSHD_CONF.format(port=self.ports[name]))
            ssh = m.root / "root/.ssh"
            ssh.mkdir(mode=0o700, parents=True, exist_ok=True)
            (ssh / "authorized_keys").write_text(pub)
            (ssh / "authorized_keys").chmod(0o600)
            # the system test's one drop-in (no display here), before the package exists
            dropin = m.root / DROPIN.lstrip("/")
            dropin.parent.mkdir(parents=True)
            dropin.write_text(DROPIN_TEXT)
            simulate_reboots(m.root)  # a crash-looping kiosk never reboots the test host
            m.boot()
            self.t[f"{name}: unpack + boot"] = time.monotonic() - start
        for name in NAMES:
            wait_until(f"{name}'s sshd", lambda n=name: self.ssh_ok(n), 60)
        return "sshd on 127.0.0.1:" + ", ".join(str(self.ports[n]) for n in NAMES)

    def ssh_ok(self, name: str) -> bool:
        res = subprocess.run(
            ["ssh", *self.ssh_opts(), "-p", str(self.ports[name]), "root@127.0.0.1", "true"],
            capture_output=True,
            timeout=30,
        )
        return res.returncode == 0

    def ssh_opts(self) -> list[str]:
        return ["-i", str(self.work / "id_ed25519"), "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
                "-o", "LogLevel=ERROR"]  # fmt: skip

    def inventory(self) -> str:
        """An inventory of the three kiosks, with the admin token in a vault made now."""
        self.server.start()
        hosts = {
            "kiosks": {
                "children": {
                    shop: {
                        "hosts": {
                            n: {"ansible_port": self.ports[n]} for n in NAMES if SHOP[n] == shop
                        }
                    }
                    for shop in ("shop_a", "shop_b")
                }
            }
        }
        (self.inv / "group_vars" / "all").mkdir(parents=True)
        (self.inv / "host_vars").mkdir()
        (self.inv / "hosts.yml").write_text(json.dumps(hosts, indent=2))
        common = {
            "ansible_host": "127.0.0.1",
            "ansible_user": "root",
            "ansible_ssh_private_key_file": str(self.work / "id_ed25519"),
            "ansible_ssh_common_args": "-o StrictHostKeyChecking=no "
            "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR",
            "ansible_python_interpreter": "/usr/bin/python3",
            "kiosk_deb": str(self.debs[0]),
            "kiosk_server_url": self.server.url,
            "kiosk_service_environment": {"SDL_VIDEODRIVER": "offscreen"},
            "kiosk_render_dir": str(self.work / "render"),
            # no camera, printer or display in the harness: the checks that need them
            "kiosk_doctor_skip": ["camera", "printer", "display", "decoder", "speech"],
            "kiosk_toml_shop": {},
        }
        self.write_vars("group_vars/all/main.yml", common)
        self.write_vars("group_vars/shop_a.yml", {"kiosk_location_name": "Shop A",
                                                  "kiosk_toml_shop": {"ui": {"language": "et"}}})  # fmt: skip
        self.write_vars("group_vars/shop_b.yml", {"kiosk_location_name": "Shop B",
                                                  "kiosk_rotation": 90})  # fmt: skip
        (self.work / "vault-pass").write_text("fleet-test-" + os.urandom(8).hex() + "\n")
        plain = self.work / "vault-plain.yml"
        plain.write_text(f"vault_kiosk_admin_token: {self.server.admin_token}\n")
        subprocess.run([str(BIN / "ansible-vault"), "encrypt", "--vault-password-file",
                        str(self.work / "vault-pass"), "--output",
                        str(self.inv / "group_vars/all/vault.yml"), str(plain)],
                       check=True, env=self.env(), capture_output=True)  # fmt: skip
        plain.unlink()
        return f"3 kiosks in 2 shops; cloud {self.server.url}; admin token in ansible-vault"

    def write_vars(self, rel: str, data: dict) -> None:
        (self.inv / rel).write_text(json.dumps(data, indent=2) + "\n")  # JSON is YAML

    def env(self) -> dict[str, str]:
        return {**os.environ, "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
                "LC_ALL": "C.UTF-8", "ANSIBLE_CONFIG": str(ANSIBLE / "ansible.cfg"),
                "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"}  # fmt: skip

    def playbook(self, label: str, *extra: str) -> tuple[int, str, dict[str, dict[str, int]]]:
        """Run site.yml; (exit code, output, recap per host). Output goes to a log file;
        each host's time is from its first line to the next host's first line (serial 1)."""
        log = self.work / f"ansible-{label}.log"
        cmd = [str(BIN / "ansible-playbook"), "-i", str(self.inv), "site.yml",
               "--vault-password-file", str(self.work / "vault-pass"), *extra]  # fmt: skip
        start = time.monotonic()
        firsts: dict[str, float] = {}
        lines: list[str] = []
        with (
            log.open("w") as sink,
            subprocess.Popen(cmd, cwd=ANSIBLE, env=self.env(), stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) as proc,
        ):  # fmt: skip
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                sink.write(line)
                sink.flush()  # `tail -f` it while the run goes on
                if line.startswith("PLAY RECAP"):
                    firsts.setdefault("recap", time.monotonic())
                for n in NAMES:
                    if f"[{n}]" in line:
                        firsts.setdefault(n, time.monotonic())
            code = proc.wait(timeout=1800)
        end = firsts.get("recap", time.monotonic())
        out = "".join(lines)
        order = sorted((t, n) for n, t in firsts.items() if n != "recap")
        for i, (t, n) in enumerate(order):
            nxt = order[i + 1][0] if i + 1 < len(order) else end
            self.per_host.setdefault(label, {})[n] = nxt - t
        self.t[f"ansible-playbook ({label})"] = time.monotonic() - start
        recap = {
            m.group(1): {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(2))}
            for m in re.finditer(r"^(kiosk-\d)\s*:\s*(ok=.*)$", out, re.M)
        }
        return code, out, recap

    # -- facts on a kiosk --------------------------------------------------------------------
    def sh(self, name: str, cmd: str) -> str:
        return self.machines[name].run("sh", "-c", cmd, check=False).stdout.strip()

    def version(self, name: str) -> str:
        return self.sh(name, "dpkg-query -W -f='${Version}' stamp-kiosk 2>/dev/null")

    def config_hash(self, name: str) -> str:
        return hashlib.sha256(self.sh(name, "cat /etc/kiosk/kiosk.toml").encode()).hexdigest()

    def active(self, name: str) -> bool:
        return self.sh(name, "systemctl is-active kiosk.service") == "active"

    # -- steps ------------------------------------------------------------------------------
    def first_run(self) -> str:
        code, out, recap = self.playbook("first run")
        assert code == 0, out[-6000:]
        for n in NAMES:
            assert self.active(n), f"{n} not active"
            assert self.version(n) == self.versions[0], (n, self.version(n))
            assert self.sh(n, "test -s /var/lib/kiosk/device.token && echo y") == "y", n
            doctor = json.loads(self.sh(n, "kiosk doctor --json --skip camera,printer,display,"
                                           "decoder,speech"))  # fmt: skip
            assert doctor["ok"], (n, doctor)
        devices = self.server.admin("GET", "/admin/devices")["devices"]
        assert sorted(d["name"] for d in devices) == list(NAMES), devices
        assert "rotation = 90" in self.sh("kiosk-3", "cat /var/lib/kiosk/kivy/config.ini")
        assert 'language = "et"' in self.sh("kiosk-1", "cat /etc/kiosk/kiosk.toml")
        per = self.per_host["first run"]
        return "READY, doctor green, paired: " + ", ".join(f"{n} {per[n]:.0f} s" for n in NAMES)

    def second_run(self) -> str:
        code, out, recap = self.playbook("second run")
        assert code == 0, out[-6000:]
        changed = {n: recap[n]["changed"] for n in NAMES}
        assert changed == dict.fromkeys(NAMES, 0), (changed, out[-6000:])
        per = self.per_host["second run"]
        return "changed=0 on every kiosk: " + ", ".join(f"{n} {per[n]:.0f} s" for n in NAMES)

    def failing_rollout(self) -> str:
        before = {n: (self.version(n), self.config_hash(n)) for n in NAMES}
        self.write_vars("host_vars/kiosk-2.yml", {"kiosk_service_environment": {
            "SDL_VIDEODRIVER": "no-such-driver"}})  # fmt: skip
        self.write_vars("group_vars/shop_b.yml", {"kiosk_location_name": "Shop B",
                                                  "kiosk_rotation": 90,
                                                  "kiosk_toml_shop": {"ui": {"idle_timeout_s": 25.0}}})  # fmt: skip
        shop_a = {"kiosk_location_name": "Shop A",
                  "kiosk_toml_shop": {"ui": {"language": "et", "idle_timeout_s": 25.0}}}  # fmt: skip
        self.write_vars("group_vars/shop_a.yml", shop_a)
        code, out, recap = self.playbook(
            "rollout, kiosk 2 fails", "-e", f"kiosk_deb={self.debs[1]}",
            "-e", "kiosk_ready_retries=30", "-e", "kiosk_ready_delay=2",
        )  # fmt: skip
        assert code != 0, "the rollout did not fail"
        assert recap.get("kiosk-2", {}).get("failed") == 1, (recap, out[-6000:])
        assert "kiosk.service on kiosk-2 is not READY" in out, out[-6000:]
        assert self.version("kiosk-1") == self.versions[1], self.version("kiosk-1")
        assert "idle_timeout_s = 25.0" in self.sh("kiosk-1", "cat /etc/kiosk/kiosk.toml")
        assert self.active("kiosk-1")
        assert not self.active("kiosk-2")
        assert (self.version("kiosk-3"), self.config_hash("kiosk-3")) == before["kiosk-3"]
        assert self.active("kiosk-3")
        assert "[kiosk-3]" not in out, "a task ran on kiosk 3"
        assert recap.get("kiosk-3", {}).get("ok", 0) == 0, recap
        per = self.per_host["rollout, kiosk 2 fails"]
        return (f"kiosk-1 upgraded to {self.versions[1]} ({per['kiosk-1']:.0f} s), kiosk-2 "
                f"failed its health check after {per['kiosk-2']:.0f} s, kiosk-3 untouched "
                f"({before['kiosk-3'][0]}, config unchanged)")  # fmt: skip

    def run(self) -> int:
        c = self.check
        try:
            c.step("build the release and the next one", self.build)
            c.step("three kiosks: fresh roots booted, each with sshd on 127.0.0.1", self.boot)
            c.step("inventory, cloud and vault", self.inventory)
            c.step("site.yml from nothing: installed, paired, READY, doctor green",
                   self.first_run)  # fmt: skip
            c.step("site.yml again: changed=0", self.second_run)
            c.step("rollout where kiosk 2 fails: stops there, kiosk 3 untouched",
                   self.failing_rollout)  # fmt: skip
        finally:
            self.report()
            self.cleanup()
        print(f"fleet test: {c.n} steps passed", flush=True)
        return 0

    def report(self) -> None:
        print("\ntimings:")
        for what, secs in self.t.items():
            print(f"  {what:<48} {secs:7.1f} s")
        for label, per in self.per_host.items():
            print(f"  {label}: " + ", ".join(f"{n} {s:.1f} s" for n, s in per.items()))

    def cleanup(self) -> None:
        self.server.stop()
        for m in self.machines.values():
            m.shutdown() if self.keep else m.destroy()
        if not self.keep:
            shutil.rmtree(self.work, ignore_errors=True)
        else:
            print(f"kept: {self.work}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--debs", type=Path, help="a folder with both packages already built")
    p.add_argument("--keep", action="store_true", help="keep the roots and logs (not running)")
    args = p.parse_args()
    if os.geteuid() != 0:
        print("fleet test: needs root (unshare, cgroups, a root file system)", file=sys.stderr)
        return 2
    return FleetTest(args.debs, args.keep).run()


if __name__ == "__main__":
    sys.exit(main())
