"""Ids, tokens, codes and the hashes the server stores instead of secrets.

- Device and staff-session tokens are 256-bit random: a plain SHA-256 is enough to store
  them (nobody can brute-force the preimage), and it allows an indexed lookup.
- Staff PINs are short, so they get PBKDF2 (slow). The salt is per server, not per PIN,
  because a login sends only the PIN: the server must find the staff member by the hash.
  Badges are treated the same way.
- Redeem and pairing codes use an alphabet without look-alikes (no 0/O, 1/I/L) because
  people read them aloud and type them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PIN_ITERATIONS = 60_000


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


def secret_hash(secret: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, PIN_ITERATIONS).hex()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
