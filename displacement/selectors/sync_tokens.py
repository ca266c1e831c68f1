"""Sync tokens and watermarks (``updated_since``, ``deletions?since=``), keyed per audience;
and the sealing (enciphered, signed) that tokens and the API's cursors share.

An exact change time shared by every partner would let two partners join their files: each
could binary-search ``updated_since`` for the microsecond a record changed and match its
pseudonyms by that time. So a partner never names an exact time:

- a **sync token** (the ``Sync-Token`` header of every list answer) stands for the moment
  that answer began; it is sealed (enciphered and signed) and bound to whoever received
  it, so it names a time only to the server, and only for that caller;
- a **date or time** from a partner counts from the start of its UTC day: the most a
  binary search learns is the day, which the deletions feed gives anyway (``deleted_on``).

Staff (who read ``updated_at`` in their rows) may also give an exact ISO 8601 time. ETags
are keyed by the audience too, so that two partners' ETags for one record differ.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import hmac
import os
from base64 import urlsafe_b64decode, urlsafe_b64encode

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from displacement.models.dates import QUERY_WINDOW
from displacement.selectors.access import Viewer

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


#: What a sync token starts with: tells it apart from a date or time.
SEALED_PREFIX = "st_"


def audience_key(viewer: Viewer) -> str:
    """Whom a token or an ETag is for: one partner organisation, or one organisation's staff."""
    organization = getattr(viewer.organization, "pk", None)
    return f"partner:{organization}" if viewer.is_partner else f"staff:{organization}"


def token_for(viewer: Viewer, moment: datetime.datetime) -> str:
    """A sync token standing for ``moment``, readable back only for ``viewer``'s audience."""
    stamp = moment.astimezone(datetime.UTC).isoformat()
    return SEALED_PREFIX + seal(f"sync|{audience_key(viewer)}|{stamp}")


def moment_of(value: str, *, viewer: Viewer, name: str) -> datetime.datetime:
    """The time a ``updated_since``/``since`` value stands for, as this viewer may ask it; a
    value that is neither a token of the caller's nor a date or time is a 400 on ``name``."""
    value = value.strip()
    if value.startswith(SEALED_PREFIX):
        return _token_moment(value[len(SEALED_PREFIX) :], viewer=viewer, name=name)
    moment = _parsed(value, name=name)
    try:
        QUERY_WINDOW(moment)  # as every date and time parameter (``models.dates``)
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None
    if viewer.is_partner:
        return datetime.datetime.combine(moment.date(), datetime.time.min, tzinfo=datetime.UTC)
    return moment


def _token_moment(sealed: str, *, viewer: Viewer, name: str) -> datetime.datetime:
    refused = ValidationError({name: ["Not a sync token of yours: use the Sync-Token header of an earlier answer."]})
    try:
        marker, audience, stamp = unseal(sealed).split("|")
        moment = datetime.datetime.fromisoformat(stamp)
    except (signing.BadSignature, TypeError, ValueError, UnicodeError):
        raise refused from None
    if marker != "sync" or not hmac.compare_digest(audience, audience_key(viewer)):
        raise refused
    return moment


def _parsed(value: str, *, name: str) -> datetime.datetime:
    """An ISO 8601 time (any UTC offset) or date, in UTC; anything else, or a time that does not
    exist in UTC (``0001-01-01T00:00:00+14:00``), is a 400."""
    try:
        if len(value) == 10:
            day = datetime.date.fromisoformat(value)
            return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
        moment = forms.DateTimeField().to_python(value)
        if moment is None:
            raise ValueError(value)
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.astimezone(datetime.UTC)
    except (forms.ValidationError, ValueError, OverflowError):
        raise ValidationError(
            {name: ["Use the Sync-Token header of an earlier answer, or an ISO 8601 date or time."]}
        ) from None
