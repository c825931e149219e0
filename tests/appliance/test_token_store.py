"""The device token file: 0600 from the first byte, atomic, removable."""

from __future__ import annotations

import os
import stat

import pytest

from kiosk.appliance.token_store import TokenStore


def test_write_creates_0600_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        store = TokenStore(tmp_path / "sub" / "device.token")
        store.write("tok_abcdef123456")
    finally:
        os.umask(old)
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.mode() == 0o600
    assert store.read() == "tok_abcdef123456"


def test_rewrite_replaces_atomically_and_leaves_no_temp_files(tmp_path):
    store = TokenStore(tmp_path / "device.token")
    store.write("first-token-111")
    inode = store.path.stat().st_ino
    store.write("second-token-222")
    assert store.read() == "second-token-222"
    assert store.path.stat().st_ino != inode  # a new file renamed over, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["device.token"]


def test_missing_and_remove(tmp_path):
    store = TokenStore(tmp_path / "device.token")
    assert store.read() is None and store.mode() is None
    assert store.remove() is False
    store.write("x-token-123456")
    assert store.remove() is True and not store.path.exists()


@pytest.mark.parametrize("bad", ["", "  ", "two\nlines"])
def test_rejects_malformed_tokens(tmp_path, bad):
    with pytest.raises(ValueError):
        TokenStore(tmp_path / "t").write(bad)
    assert not (tmp_path / "t").exists()
