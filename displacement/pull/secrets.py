"""Connection secrets (API tokens, passwords), encrypted with Fernet under keys derived from
``PULL_SECRET_KEYS``.

Each entry of the setting is a passphrase; its Fernet key is HKDF-SHA256 of it. The first
encrypts; every one decrypts (``MultiFernet``), so a key is rotated by putting the new
passphrase first, running ``manage.py pull_secrets_rotate`` (which re-encrypts every stored
secret under it), then removing the old one.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_SALT = b"displacement.pull.connection-secrets"


class SecretUnreadable(Exception):
    """The stored secret was encrypted under a key no longer in ``PULL_SECRET_KEYS``."""


def _fernet_key(passphrase: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"fernet").derive(passphrase.encode())
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=4)
def _keys(passphrases: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_fernet_key(p)) for p in passphrases])


def _current() -> MultiFernet:
    return _keys(tuple(settings.PULL_SECRET_KEYS))


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable from None


def rotate(token: str) -> str:
    """``token`` encrypted again under the first key (raises ``SecretUnreadable``)."""
    try:
        return _current().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError):
        raise SecretUnreadable from None
