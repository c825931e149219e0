"""The Ansible role, fast (CI): the playbook parses, and the role's kiosk.toml tasks run for
real against a local connection in a temp folder: `kiosk check-config` validates the
rendered file before it replaces the old one, a bad key keeps the old file, a second run
changes nothing, and --check reports a change without writing it. (ansible-lint runs in
`make lint`; three real kiosks: make fleet-test.)
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ANSIBLE = REPO / "deploy" / "ansible"
ROLE = ANSIBLE / "roles" / "kiosk"
BIN = Path(sys.executable).parent
PLAYBOOK_BIN = BIN / "ansible-playbook"

pytestmark = pytest.mark.skipif(
    not PLAYBOOK_BIN.exists(), reason="ansible-core is not installed (pip install -e '.[fleet]')"
)

CONFIG_PLAY = f"""
- name: The role's kiosk.toml tasks, on this machine
  hosts: localhost
  connection: local
  gather_facts: false
  vars_files:
    - {ROLE}/defaults/main.yml
  tasks:
    - name: Configure
      ansible.builtin.import_tasks: {ROLE}/tasks/config.yml
  handlers:
    - name: Restart kiosk
      ansible.builtin.debug:
        msg: restart
    - name: Reload systemd
      ansible.builtin.debug:
        msg: reload
"""


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "LC_ALL": "C.UTF-8",
        "ANSIBLE_CONFIG": str(ANSIBLE / "ansible.cfg"),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_NOCOLOR": "1",
    }


def _play(tmp: Path, extra: dict, *args: str) -> tuple[int, str, int]:
    """(exit code, output, changed= of the recap)."""
    book = tmp / "config.yml"
    book.write_text(CONFIG_PLAY)
    if not (tmp / "templates").exists():  # the role's templates, as the role finds them
        (tmp / "templates").symlink_to(ROLE / "templates")
    (tmp / "vars.json").write_text(json.dumps(extra))
    res = subprocess.run(
        [str(PLAYBOOK_BIN), "-i", "localhost,", str(book), "-e", f"@{tmp / 'vars.json'}", *args],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=tmp,
        timeout=240,
    )
    out = res.stdout + res.stderr
    recap = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", out)
    return res.returncode, out, int(recap.group(1)) if recap else -1


def _vars(tmp: Path, ui: dict) -> dict:
    return {
        "ansible_python_interpreter": sys.executable,  # not whatever python3 PATH finds first
        "kiosk_config_path": str(tmp / "etc" / "kiosk.toml"),
        "kiosk_config_owner": pwd.getpwuid(os.getuid()).pw_name,
        "kiosk_config_group": grp.getgrgid(os.getgid()).gr_name,
        "kiosk_service_dropin": str(tmp / "etc" / "kiosk.service.d" / "60-ansible.conf"),
        "kiosk_name": "tln-counter-1",
        "kiosk_server_url": "https://loyalty.example.com",
        "kiosk_toml_shop": {"ui": ui, "printer": {"footer": 'Aitäh! "Vanalinn"\\cafe'}},
        "kiosk_toml_host": {"printer": {"paper_width_mm": 58}, "ui": {"idle_timeout_s": 45.0}},
        "kiosk_service_environment": {"SDL_VIDEODRIVER": "offscreen"},
    }


def test_site_yml_syntax_check_with_the_example_inventory_and_vault() -> None:
    res = subprocess.run(
        [str(PLAYBOOK_BIN), "-i", "inventory/example", "site.yml", "--syntax-check",
         "--vault-password-file", "inventory/example/vault-password.example.txt"],
        capture_output=True, text=True, env=_env(), cwd=ANSIBLE, timeout=120,
    )  # fmt: skip
    assert res.returncode == 0, res.stdout + res.stderr
    assert "playbook: site.yml" in res.stdout


def test_the_example_vault_opens_with_the_documented_test_password() -> None:
    res = subprocess.run(
        [str(BIN / "ansible-vault"), "view", "inventory/example/group_vars/all/vault.yml",
         "--vault-password-file", "inventory/example/vault-password.example.txt"],
        capture_output=True, text=True, env=_env(), cwd=ANSIBLE, timeout=60,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert "vault_kiosk_admin_token:" in res.stdout
    head = (ANSIBLE / "inventory/example/group_vars/all/vault.yml").read_text()
    assert head.startswith("$ANSIBLE_VAULT;1.1;AES256"), "the vault file must stay encrypted"


def test_kiosk_toml_is_templated_validated_and_idempotent(tmp_path: Path) -> None:
    (tmp_path / "etc").mkdir()
    good = _vars(tmp_path, {"language": "et", "languages": ["et", "en"]})
    code, out, changed = _play(tmp_path, good)
    assert code == 0, out
    assert changed == 3, out  # kiosk.toml, the drop-in folder and the drop-in
    config = tmp_path / "etc" / "kiosk.toml"
    data = tomllib.loads(config.read_text())
    assert data["device"] == {"name": "tln-counter-1", "token_file": "/var/lib/kiosk/device.token"}
    assert data["server"]["url"] == "https://loyalty.example.com"
    assert data["ui"] == {"language": "et", "languages": ["et", "en"], "idle_timeout_s": 45.0}
    assert data["printer"] == {"footer": 'Aitäh! "Vanalinn"\\cafe', "paper_width_mm": 58}
    assert oct(config.stat().st_mode & 0o777) == "0o640"
    check = subprocess.run(
        [str(BIN / "kiosk"), "check-config", str(config)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    dropin = (tmp_path / "etc" / "kiosk.service.d" / "60-ansible.conf").read_text()
    assert 'Environment="SDL_VIDEODRIVER=offscreen"' in dropin

    code, out, changed = _play(tmp_path, good)
    assert (code, changed) == (0, 0), out

    before = config.read_bytes()
    other = _vars(tmp_path, {"language": "ko"})
    code, out, changed = _play(tmp_path, other, "--check", "--diff")
    assert (code, changed) == (0, 1), out  # check mode: reported, validated, not written
    assert '-language = "et"' in out and '+language = "ko"' in out, out
    assert config.read_bytes() == before

    bad = _vars(tmp_path, {"language": "xx"})
    code, out, changed = _play(tmp_path, bad)
    assert code != 0, out
    assert "failed to validate" in out and "[ui] language" in out, out
    assert config.read_bytes() == before, "a file that failed check-config replaced the old one"


def test_image_settings_come_from_render_py(tmp_path: Path) -> None:
    """The role copies render.py's files; the renderer must still write them where the role
    reads them (a rename in deploy/image would break the role silently otherwise)."""
    out = tmp_path / "render"
    subprocess.run(
        [sys.executable, str(REPO / "deploy/image/render.py"), "--rotation", "90", "--out", str(out)],
        check=True, capture_output=True,
    )  # fmt: skip
    files = out / "stage-kiosk" / "00-kiosk" / "files"
    assert "rotation = 90" in (files / "kivy-config.ini").read_text()
    assert "consoleblank=0" in (files / "cmdline-extra.txt").read_text().split()
    image_tasks = (ROLE / "tasks" / "image.yml").read_text()
    assert "stage-kiosk/00-kiosk/files/kivy-config.ini" in image_tasks
    assert "stage-kiosk/00-kiosk/files/cmdline-extra.txt" in image_tasks
    shutil.rmtree(out)
