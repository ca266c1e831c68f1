"""Per-partner pseudonymous ids that the server can read back but partners cannot join.

An id is the record's primary key enciphered with a key derived from the secret key, the
record kind and the partner: a four-round Feistel network over 64 bits, keyed by HMAC.
The same record has unrelated ids for two partners, so their files cannot be joined; the
server deciphers an id from a URL to find the record, and a forged id finds nothing.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

_MASK32 = 0xFFFFFFFF
_ROUNDS = 4


def _key(kind: str, audience_id: int) -> bytes:
    material = f"displacement-pseudonym:{kind}:{audience_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), material, hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    digest = hmac.new(key, bytes([number]) + half.to_bytes(4, "big"), hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big")


def encode(kind: str, pk: int, audience_id: int) -> str:
    key = _key(kind, audience_id)
    left, right = (pk >> 32) & _MASK32, pk & _MASK32
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    return f"{kind[:2]}_{(left << 32 | right):016x}"


def decode(kind: str, token: str, audience_id: int) -> int | None:
    prefix, _, digits = token.partition("_")
    if prefix != kind[:2] or len(digits) != 16 or digits != digits.lower():
        return None  # one spelling per id
    try:
        value = int(digits, 16)
    except ValueError:
        return None
    key = _key(kind, audience_id)
    left, right = value >> 32, value & _MASK32
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    pk = left << 32 | right
    return pk if 0 < pk < 2**63 else None
