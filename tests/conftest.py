"""Shared fixtures. Environment first: Kivy must not parse pytest's argv or write to ~."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_KIVY_HOME = Path(tempfile.mkdtemp(prefix="kiosk-test-kivy-"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_HOME", str(_KIVY_HOME))
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.pop("KIOSK_CONFIG", None)

import pytest  # noqa: E402

from tests.support.refserver import RefServer  # noqa: E402


@pytest.fixture
def refserver(tmp_path: Path):
    """A fresh reference server (own SQLite file) for one test."""
    server = RefServer(db=tmp_path / "ref.sqlite").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def shared_refserver(tmp_path_factory: pytest.TempPathFactory):
    """One reference server for a whole run, for tests that only add their own data."""
    server = RefServer(db=tmp_path_factory.mktemp("ref") / "ref.sqlite").start()
    yield server
    server.stop()
