"""Cursor pagination: stable while records are added, no COUNT over the table, opaque cursors.

DRF's cursors are base64 of the last row's position (here an ``updated_at``), which would
hand every partner the exact time of change: a key to join two partners' files. Cursors
here are enciphered (an HMAC keystream) and signed, so they reveal nothing and cannot be
forged; a tampered cursor is a 404 like any unknown page.
"""

import hashlib
import hmac
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode
from urllib import parse

from django.conf import settings
from django.core import signing
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, _positive_int
from rest_framework.utils.urls import replace_query_param

_SALT = "displacement.api.cursor"


def _keystream(nonce: bytes, length: int) -> bytes:
    key = hashlib.sha256(f"{_SALT}:{settings.SECRET_KEY}".encode()).digest()
    out, counter = b"", 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def seal(text: str) -> str:
    nonce = os.urandom(12)
    data = text.encode()
    cipher = bytes(a ^ b for a, b in zip(data, _keystream(nonce, len(data)), strict=True))
    token = urlsafe_b64encode(nonce + cipher).decode().rstrip("=")
    return signing.Signer(salt=_SALT).sign(token)


def unseal(sealed: str) -> str:
    token = signing.Signer(salt=_SALT).unsign(sealed)
    raw = urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce, cipher = raw[:12], raw[12:]
    return bytes(a ^ b for a, b in zip(cipher, _keystream(nonce, len(cipher)), strict=True)).decode()


class UpdatedCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("updated_at", "id")
    offset_cutoff = 1000

    def encode_cursor(self, cursor):
        tokens = {}
        if cursor.offset != 0:
            tokens["o"] = str(cursor.offset)
        if cursor.reverse:
            tokens["r"] = "1"
        if cursor.position is not None:
            tokens["p"] = cursor.position
        return replace_query_param(self.base_url, self.cursor_query_param, seal(parse.urlencode(tokens, doseq=True)))

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = parse.parse_qs(unseal(encoded), keep_blank_values=True)
            offset = _positive_int(tokens.get("o", ["0"])[0], cutoff=self.offset_cutoff)
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (signing.BadSignature, TypeError, ValueError, UnicodeError):
            raise NotFound(self.invalid_cursor_message) from None
        return Cursor(offset=offset, reverse=reverse, position=position)
