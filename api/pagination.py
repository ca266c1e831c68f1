"""Cursor pagination: stable while records are added, no COUNT over the table, opaque cursors.

DRF's cursors are base64 of the last row's position (here an ``updated_at``), which would
hand every partner the exact time of change: a key to join two partners' files. Cursors
here are enciphered (an HMAC keystream) and signed, so they reveal nothing and cannot be
forged; a tampered cursor is a 404 like any unknown page.
"""

import functools
import hashlib
import hmac
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass
from urllib import parse

from django.conf import settings
from django.core import signing
from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, _positive_int
from rest_framework.utils.urls import replace_query_param

_SALT = "displacement.api.cursor"


@functools.lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256(f"{_SALT}:{secret}".encode()).digest()


@functools.lru_cache(maxsize=4)
def _signer(secret: str) -> signing.Signer:
    return signing.Signer(key=secret, salt=_SALT)


def _keystream(nonce: bytes, length: int) -> bytes:
    key = _key(settings.SECRET_KEY)
    out, counter = b"", 0
    while len(out) < length:
        out += hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    """``data`` XOR ``stream`` (as long), at once rather than a Python step per byte."""
    return (int.from_bytes(data, "big") ^ int.from_bytes(stream, "big")).to_bytes(len(data), "big")


def seal(text: str) -> str:
    """Every list answer seals a cursor or two and a sync token: the key and the signer are
    made once per secret key."""
    nonce = os.urandom(12)
    data = text.encode()
    token = urlsafe_b64encode(nonce + _xor(data, _keystream(nonce, len(data)))).decode().rstrip("=")
    return _signer(settings.SECRET_KEY).sign(token)


def unseal(sealed: str) -> str:
    token = _signer(settings.SECRET_KEY).unsign(sealed)
    raw = urlsafe_b64decode(token + "=" * (-len(token) % 4))
    nonce, cipher = raw[:12], raw[12:]
    return _xor(cipher, _keystream(nonce, len(cipher))).decode()


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

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # A filter that read only a page's first candidates (``PageWindow``) marks the query: if
        # the page came out short, others may have filtered some of them out, and the page is
        # read again from every candidate. A full page is right as it is (``api.filters``).
        if getattr(queryset.query, "window_bounded", False) and not self._followed():
            request.unbounded_window = True
            page = super().paginate_queryset(view.filter_queryset(view.get_queryset()), request, view)
        return page

    def _followed(self) -> bool:
        """Did the last query give a row past the page (so that the page is whole)?"""
        return self.has_previous if self.cursor is not None and self.cursor.reverse else self.has_next


#: The page orders that ``page_window`` describes.
_WINDOW_ORDERS = {("updated_at", "id"): False, ("-updated_at", "-id"): True}


@dataclass(frozen=True)
class PageWindow:
    """Where a list's page starts, in the order of ``updated_at`` and ``id``: a filter whose
    matches are read from an index in that order can stop at the page's end."""

    #: The page's rows come strictly after this ``updated_at`` (in ``descending`` order), if given.
    after: str | None
    descending: bool
    #: How many rows the page's query reads: DRF's offset, the page and one more.
    rows: int


def page_window(request, view) -> PageWindow | None:
    """The window of the page ``request`` asks ``view`` for, or None: not a cursor page in
    ``updated_at`` order (another order, an export, a read of the page again in full)."""
    paginator = getattr(view, "paginator", None)
    if not isinstance(paginator, UpdatedCursorPagination) or getattr(request, "unbounded_window", False):
        return None
    if request.query_params.get("format") == "csv":
        return None
    descending = _WINDOW_ORDERS.get(tuple(paginator.get_ordering(request, None, view)))
    if descending is None:
        return None
    cursor = paginator.decode_cursor(request)  # a bad cursor is the 404 the page gives anyway
    offset, reverse, position = cursor if cursor is not None else (0, False, None)
    return PageWindow(
        after=position, descending=descending != reverse, rows=offset + paginator.get_page_size(request) + 1
    )
