"""Per-partner pseudonymous ids that the server can read back but partners cannot join.

An id is the record's primary key enciphered with AES-256 under a key derived (HMAC-SHA256)
from the secret key, the record kind and the partner: one 128-bit block holding eight zero
bytes and the key, written as 32 hex digits after a two-letter kind (``te_…``). The same
record has unrelated ids for two partners, so their files cannot be joined. The server
deciphers an id from a URL to find the record; a forged or altered id deciphers to a block
whose first eight bytes are not zero (but for a chance of 2**-64) and finds nothing.

Each block is enciphered on its own (ECB): the same record must always get the same id, and
no two records share a block. Enciphering a list of keys is one AES call, which is what lets
an export of a million rows spend well under a microsecond per id.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import sys
import threading
from array import array
from collections.abc import Sequence
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings

_ZERO = bytes(8)
_DIGITS = re.compile(r"[0-9a-f]{32}")


@lru_cache(maxsize=1024)
def _context(secret: str, kind: str, audience_id: int, decrypt: bool, thread: int):
    """An AES context, kept per thread: ECB holds no state between whole blocks, so one context
    serves every call, and making one costs more than enciphering a page of ids."""
    material = f"displacement-pseudonym:{kind}:{audience_id}".encode()
    key = hmac.new(secret.encode(), material, hashlib.sha256).digest()
    # One block per id, deterministic by design (see the module's docstring).
    cipher = Cipher(algorithms.AES(key), modes.ECB())  # noqa: S305
    return cipher.decryptor() if decrypt else cipher.encryptor()


def _run(kind: str, audience_id: int, data: bytes, *, decrypt: bool = False) -> bytes:
    return _context(settings.SECRET_KEY, kind, audience_id, decrypt, threading.get_ident()).update(data)


def encode_many(kind: str, pks: Sequence[int], audience_id: int) -> list[str]:
    """The ids of ``kind`` records ``pks`` as ``audience_id`` sees them, in one AES call."""
    return _listed(kind, pks, audience_id).split(" ") if pks else []


def encode_json(kind: str, pks: Sequence[int], audience_id: int) -> str:
    """``encode_many``'s ids as a JSON array (as ``json.dumps`` writes it), made from its text
    at once: an id holds only letters, digits and an underscore."""
    return '["' + _listed(kind, pks, audience_id).replace(" ", '", "') + '"]' if pks else "[]"


def _listed(kind: str, pks: Sequence[int], audience_id: int) -> str:
    """The ids, space-separated, made without a Python step per id: the blocks are an array of
    big-endian integer pairs, the ids their hex split every 16 bytes."""
    blocks = array("Q", bytes(16 * len(pks)))
    blocks[1::2] = array("Q", pks)  # each block: eight zero bytes, then the key
    if sys.byteorder == "little":
        blocks.byteswap()
    prefix = f"{kind[:2]}_"
    return prefix + _run(kind, audience_id, blocks.tobytes()).hex(" ", 16).replace(" ", " " + prefix)


def encode(kind: str, pk: int, audience_id: int) -> str:
    """One id: its block is the key as 16 big-endian bytes (the first eight zero, as in
    ``_listed``). A page enciphers one at a time (up to 200 ids, with a testimony's events):
    about half the time of a batch of one."""
    return f"{kind[:2]}_" + _run(kind, audience_id, pk.to_bytes(16, "big")).hex()


def decode(kind: str, token: str, audience_id: int) -> int | None:
    prefix, _, digits = token.partition("_")
    if prefix != kind[:2] or not _DIGITS.fullmatch(digits):
        return None  # one spelling per id: lower-case hex, 32 digits
    plain = _run(kind, audience_id, bytes.fromhex(digits), decrypt=True)
    if plain[:8] != _ZERO:
        return None
    pk = int.from_bytes(plain[8:], "big")
    return pk if 0 < pk < 2**63 else None
