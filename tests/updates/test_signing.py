"""Detached ed25519 signatures (minisign format) with real keys and real files."""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest

from kiosk.appliance.updates.signing import (
    SignatureError,
    UnsignedError,
    parse_public_key,
    trusted_keys,
    verify,
)
from tests.updates.conftest import make_signer


def test_a_signed_file_verifies_with_its_key(tmp_path, signer, keys_dir):
    f = tmp_path / "r.deb"
    f.write_bytes(b"release bytes" * 1000)
    sig = signer.sign(f, "version:1.0.0 arch:amd64")
    got = verify(f, sig, trusted_keys(keys_dir))
    assert got.trusted_comment == "version:1.0.0 arch:amd64"
    assert got.key.key_id == signer.key_id


def test_one_changed_byte_fails(tmp_path, signer, keys_dir):
    f = tmp_path / "r.deb"
    f.write_bytes(b"a" * 5000)
    sig = signer.sign(f)
    f.write_bytes(b"a" * 4999 + b"b")
    with pytest.raises(SignatureError, match="does not match"):
        verify(f, sig, trusted_keys(keys_dir))


def test_another_key_is_not_trusted(tmp_path, keys_dir):
    f = tmp_path / "r.deb"
    f.write_bytes(b"x")
    sig = make_signer().sign(f)
    with pytest.raises(SignatureError, match="not in the trusted keys"):
        verify(f, sig, trusted_keys(keys_dir))


def test_a_forged_key_id_does_not_help(tmp_path, signer, keys_dir):
    """Someone else's signature relabelled with our key id still fails the maths."""
    f = tmp_path / "r.deb"
    f.write_bytes(b"x")
    sig = make_signer().sign(f)
    lines = sig.read_text().splitlines()
    raw = base64.b64decode(lines[1])
    lines[1] = base64.b64encode(raw[:2] + signer.key_id + raw[10:]).decode()
    sig.write_text("\n".join(lines) + "\n")
    with pytest.raises(SignatureError, match="does not match"):
        verify(f, sig, trusted_keys(keys_dir))


def test_the_trusted_comment_is_signed_too(tmp_path, signer, keys_dir):
    f = tmp_path / "r.deb"
    f.write_bytes(b"x")
    sig = signer.sign(f, "version:1.0.0")
    sig.write_text(sig.read_text().replace("version:1.0.0", "version:9.9.9"))
    with pytest.raises(SignatureError):
        verify(f, sig, trusted_keys(keys_dir))


def test_no_signature_file_is_unsigned(tmp_path, keys_dir):
    f = tmp_path / "r.deb"
    f.write_bytes(b"x")
    with pytest.raises(UnsignedError):
        verify(f, tmp_path / "r.deb.minisig", trusted_keys(keys_dir))


def test_garbage_keys_are_skipped(tmp_path, keys_dir):
    (keys_dir / "broken.pub").write_text("untrusted comment: x\nnot base64!!\n")
    (keys_dir / "notes.txt").write_text("ignored")
    assert len(trusted_keys(keys_dir)) == 1
    assert trusted_keys(tmp_path / "missing") == []


@pytest.mark.skipif(shutil.which("minisign") is None, reason="minisign not installed")
def test_stock_minisign_reads_our_signature(tmp_path, signer):
    """Interop: the format is minisign's own (minisign -V checks ours)."""
    f = tmp_path / "r.deb"
    f.write_bytes(b"x" * 100)
    sig = signer.sign(f)
    pub = tmp_path / "k.pub"
    pub.write_text(signer.pub_text)
    res = subprocess.run(["minisign", "-V", "-p", str(pub), "-m", str(f), "-x", str(sig)],
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert parse_public_key(signer.pub_text).key_id == signer.key_id


@pytest.mark.skipif(shutil.which("minisign") is None, reason="minisign not installed")
def test_we_read_a_signature_made_by_stock_minisign(tmp_path):
    """A release manager may sign with `minisign -S` (prehashed by default) instead."""
    pub, sec, f = tmp_path / "k.pub", tmp_path / "k.sec", tmp_path / "r.deb"
    subprocess.run(["minisign", "-G", "-W", "-p", str(pub), "-s", str(sec)], check=True,
                   capture_output=True)  # fmt: skip
    f.write_bytes(b"release" * 999)
    subprocess.run(["minisign", "-S", "-s", str(sec), "-m", str(f), "-t", "v1 amd64"], check=True,
                   capture_output=True)  # fmt: skip
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "k.pub").write_text(pub.read_text())
    got = verify(f, tmp_path / "r.deb.minisig", trusted_keys(tmp_path / "keys"))
    assert got.trusted_comment == "v1 amd64"
    f.write_bytes(b"changed")
    with pytest.raises(SignatureError):
        verify(f, tmp_path / "r.deb.minisig", trusted_keys(tmp_path / "keys"))
