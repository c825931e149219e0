"""Real release packages and real keys for the update tests (dpkg-deb builds tiny .debs)."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.appliance.updates.package import this_arch
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.signing import generate, sign

needs_dpkg_deb = pytest.mark.skipif(
    shutil.which("dpkg-deb") is None, reason="dpkg-deb is not installed (package 'dpkg')"
)


@dataclass
class Signer:
    pub_text: str
    private: object
    key_id: bytes

    def sign(self, deb: Path, comment: str = "stamp-kiosk release") -> Path:
        sig = deb.with_name(deb.name + ".minisig")
        sig.write_text(sign(deb, self.private, self.key_id, comment))  # type: ignore[arg-type]
        return sig


def make_signer() -> Signer:
    pub, private, key_id = generate("test key")
    return Signer(pub, private, key_id)


def make_deb(
    out: Path, version: str, arch: str | None = None, package: str = "stamp-kiosk"
) -> Path:
    """A minimal stamp-kiosk .deb: releases/<version>/ with a marker file and a venv bin."""
    arch = arch or this_arch()
    root = out / f"build-{version}-{arch}"
    rel = root / "opt" / "stamp-kiosk" / "releases" / version
    (rel / "venv" / "bin").mkdir(parents=True)
    (rel / "VERSION").write_text(version + "\n")
    (rel / "venv" / "bin" / "kiosk").write_text(f"#!/bin/sh\necho kiosk {version}\n")
    (root / "etc" / "kiosk").mkdir(parents=True)
    (root / "etc" / "kiosk" / "kiosk.toml").write_text("# from the package\n")
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN" / "control").write_text(
        f"Package: {package}\nVersion: {version}\nArchitecture: {arch}\n"
        "Maintainer: t <t@localhost>\nDescription: test release\n"
    )
    deb = out / f"{package}_{version}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", str(root),
                    str(deb)], check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    shutil.rmtree(root)
    return deb


@pytest.fixture
def signer() -> Signer:
    return make_signer()


@pytest.fixture
def keys_dir(tmp_path: Path, signer: Signer) -> Path:
    folder = tmp_path / "release-keys"
    folder.mkdir()
    (folder / "release.pub").write_text(signer.pub_text)
    return folder


@pytest.fixture
def layout_v1(tmp_path: Path) -> Layout:
    """/opt/stamp-kiosk in a tmp dir with 1.0.0 installed and current."""
    layout = Layout(tmp_path / "opt")
    layout.install(make_deb(tmp_path, "1.0.0"), "1.0.0")
    layout.switch("1.0.0", None)
    return layout
