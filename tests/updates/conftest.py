"""Real release packages and real keys for the update tests (dpkg-deb builds tiny .debs)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.appliance.updates.package import this_arch
from kiosk.appliance.updates.releases import Layout
from kiosk.appliance.updates.signing import generate, sign
from tests.support.refserver import RefServer

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


# -- a cloud that offers releases (tests/updates/test_offer_*.py) ----------------------


@pytest.fixture
def cloud(tmp_path):
    """The reference cloud, serving the release files in tmp/published/."""
    folder = tmp_path / "published"
    folder.mkdir()
    server = RefServer(db=tmp_path / "cloud.sqlite", extra_args=["--releases-dir", str(folder)])
    server.start(timeout=60)
    server.published = folder  # type: ignore[attr-defined]
    yield server
    server.stop()


def publish(cloud: RefServer, signer: Signer, version: str, *, sig_as_url: bool = False) -> dict:
    """A signed release in the cloud's folder, and the offer that announces it."""
    deb = make_deb(cloud.published, version)  # type: ignore[attr-defined]
    sig = signer.sign(deb)
    body = deb.read_bytes()
    return {
        "version": version,
        "url": f"{cloud.url}/releases/{deb.name}",
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "signature": f"{cloud.url}/releases/{sig.name}" if sig_as_url else sig.read_text(),
    }


def wait_for(pred, timeout: float = 30.0) -> None:
    """For the worker thread only (a real download over real HTTP)."""
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "the offer worker did not finish"
        time.sleep(0.02)
