"""Ids, tokens, codes and the hashes the server stores instead of secrets.

- Device and staff-session tokens are 256-bit random: a plain SHA-256 is enough to store
  them (nobody can brute-force the preimage), and it allows an indexed lookup.
- Staff PINs and badges are short: each gets scrypt (memory-hard, in the standard
  library) with a salt of its own, so a leaked database must be attacked one secret at a
  time, 16 MiB and tens of ms per guess. A login sends only the PIN, so the server tries
  it against each staff member of the kiosk's shop (a handful), outside any write lock.
- An optional pepper (server config, never in the database) is mixed in first with HMAC:
  without it, the database alone does not allow even one offline guess.
- Redeem and pairing codes use an alphabet without look-alikes (no 0/O, 1/I/L) because
  people read them aloud and type them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# scrypt's "interactive login" cost (Percival): 2**14 x 8 x 128 bytes = 16 MiB per hash.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_card_token() -> str:
    """What a wallet pass carries: URL-safe, 32 chars (matches the scanner's token pattern)."""
    return secrets.token_urlsafe(24)


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _scrypt(secret: str, salt: bytes, pepper: bytes, n: int, r: int, p: int) -> bytes:
    material = hmac.new(pepper, secret.encode(), "sha256").digest() if pepper else secret.encode()
    return hashlib.scrypt(material, salt=salt, n=n, r=r, p=p, maxmem=SCRYPT_MAXMEM, dklen=32)


def hash_secret(secret: str, pepper: bytes = b"") -> str:
    """`scrypt$n$r$p$salt$hash` (hex): the parameters travel with the hash, so they can grow."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(secret, salt, pepper, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_secret(secret: str, stored: str | None, pepper: bytes = b"") -> bool:
    """True if `secret` is the one `stored` was made from (constant-time compare)."""
    if not stored or not stored.startswith("scrypt$"):
        return False  # no secret of this kind, or a hash from before scrypt: re-create it
    _, n, r, p, salt, digest = stored.split("$")
    got = _scrypt(secret, bytes.fromhex(salt), pepper, int(n), int(r), int(p))
    return hmac.compare_digest(got, bytes.fromhex(digest))


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
