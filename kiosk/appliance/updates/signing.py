"""Detached ed25519 release signatures in minisign's format, read with `cryptography`.

Why minisign's format: a release manager can sign with the stock `minisign -S -H` tool
(or `scripts/release_sign.py`), the key files are two short lines, and the prehashed
("ED") variant signs a BLAKE2b-512 digest, so a 150 MB .deb is hashed in chunks instead of
being held in memory on a 1 GB Pi. The trusted comment is signed too (the global signature)
and carries the version and architecture the signer meant.

Public key file: "untrusted comment: ..." then base64("Ed" + key id (8) + key (32)).
Signature file:  "untrusted comment: ..." then base64("ED" + key id (8) + sig (64)),
                 "trusted comment: ..."  then base64(global sig (64)) over sig + comment.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

CHUNK = 1 << 20


class SignatureError(Exception):
    """The release is not signed by a trusted key (the message says what to do)."""


class UnsignedError(SignatureError):
    """No signature file at all."""


@dataclass(frozen=True)
class PublicKey:
    key_id: bytes
    key: Ed25519PublicKey
    source: str

    @property
    def id_hex(self) -> str:
        return self.key_id[::-1].hex().upper()  # as minisign prints it


@dataclass(frozen=True)
class Verified:
    key: PublicKey
    trusted_comment: str


def _b64line(lines: list[str], index: int, what: str) -> bytes:
    try:
        return base64.b64decode(lines[index].strip(), validate=True)
    except (IndexError, binascii.Error) as exc:
        raise SignatureError(f"{what}: not in minisign format (line {index + 1})") from exc


def parse_public_key(text: str, source: str = "key") -> PublicKey:
    lines = [ln for ln in text.splitlines() if ln.strip()]
    body = lines[1:] if lines and lines[0].startswith("untrusted comment:") else lines
    raw = _b64line(body, 0, source)
    if len(raw) != 42 or raw[:2] != b"Ed":
        raise SignatureError(f"{source}: not an ed25519 minisign public key")
    return PublicKey(raw[2:10], Ed25519PublicKey.from_public_bytes(raw[10:]), source)


def trusted_keys(folder: Path) -> list[PublicKey]:
    """Every *.pub in `folder`; a file that is no key is skipped (and named by doctor)."""
    keys: list[PublicKey] = []
    for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
        try:
            keys.append(parse_public_key(path.read_text(), str(path)))
        except (OSError, SignatureError, ValueError):
            continue
    return keys


def file_digest(path: Path) -> bytes:
    """BLAKE2b-512 of the file, read in chunks (minisign's prehash)."""
    h = hashlib.blake2b(digest_size=64)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.digest()


def verify(release: Path, signature: Path, keys: list[PublicKey]) -> Verified:
    """The key that signed `release` and the signed comment; SignatureError otherwise."""
    if not signature.is_file():
        raise UnsignedError(f"no signature {signature.name} beside {release.name}")
    lines = [ln for ln in signature.read_text(errors="replace").splitlines() if ln.strip()]
    if len(lines) < 4 or not lines[2].startswith("trusted comment: "):
        raise SignatureError(f"{signature.name}: not a minisign signature file")
    raw = _b64line(lines, 1, signature.name)
    if len(raw) != 74 or raw[:2] != b"ED":
        raise SignatureError(f"{signature.name}: not a prehashed ed25519 (minisign -H) signature")
    key_id, sig = raw[2:10], raw[10:]
    key = next((k for k in keys if k.key_id == key_id), None)
    if key is None:
        raise SignatureError(
            f"signed by key {key_id[::-1].hex().upper()}, which is not in the trusted keys"
        )
    comment = lines[2].removeprefix("trusted comment: ")
    global_sig = _b64line(lines, 3, signature.name)
    try:
        key.key.verify(sig, file_digest(release))
        key.key.verify(global_sig, sig + comment.encode())
    except InvalidSignature as exc:
        raise SignatureError(
            f"the signature of {release.name} does not match (file changed or damaged)"
        ) from exc
    return Verified(key, comment)


# -- the signing side (release manager; tests) -------------------------------------------


def generate(comment: str = "stamp-kiosk release key") -> tuple[str, Ed25519PrivateKey, bytes]:
    """A new key pair: (public key file text, private key, key id)."""
    private = Ed25519PrivateKey.generate()
    key_id = os.urandom(8)
    return public_key_text(private, key_id, comment), private, key_id


def public_key_text(private: Ed25519PrivateKey, key_id: bytes, comment: str) -> str:
    pub = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    body = base64.b64encode(b"Ed" + key_id + pub).decode()
    return f"untrusted comment: {comment}\n{body}\n"


def sign(release: Path, private: Ed25519PrivateKey, key_id: bytes, trusted_comment: str) -> str:
    """The text of `release`'s .minisig-style signature file."""
    sig = private.sign(file_digest(release))
    global_sig = private.sign(sig + trusted_comment.encode())
    return (
        f"untrusted comment: signature from stamp-kiosk release key\n"
        f"{base64.b64encode(b'ED' + key_id + sig).decode()}\n"
        f"trusted comment: {trusted_comment}\n"
        f"{base64.b64encode(global_sig).decode()}\n"
    )
