"""requirements.lock matches pyproject.toml: every runtime dependency (and nothing from the
[server]/[dev]/[fleet] extras) is pinned to a version its specifier allows, each with sha256 hashes,
and packages with compiled code carry one hash per architecture (x86_64 and aarch64)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent


def pins() -> dict[str, tuple[str, list[str]]]:
    text = (ROOT / "requirements.lock").read_text().replace("\\\n", " ")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split()[0].split("==")
            out[name] = (version, re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return out


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_runtime_dependency_is_pinned_within_its_specifier():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = pins()
    for spec in project["dependencies"]:
        req = Requirement(spec)
        version, hashes = locked[norm(req.name)]
        assert req.specifier.contains(version), f"{req.name}=={version} breaks {spec}"
        assert hashes, req.name
    for extra in ("server", "dev", "fleet"):
        for spec in project["optional-dependencies"][extra]:
            assert norm(Requirement(spec).name) not in locked, f"{spec} must not go on a kiosk"
    assert "evdev" not in locked  # no wheel anywhere: it would compile on the kiosk


def test_compiled_packages_have_a_wheel_per_architecture():
    locked = pins()
    for name in ("kivy", "numpy", "opencv-python-headless", "zxing-cpp", "pillow", "pydantic-core"):
        assert len(locked[name][1]) >= 2, f"{name}: one hash for x86_64 and one for aarch64"
