"""Sync watermarks (``updated_since``, ``deletions?since=``) and ETags, keyed per audience.
Tokens are made and read in ``selectors.sync_tokens``; here, the header and the ETags.

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
import hashlib
import hmac

from django.conf import settings

from displacement.selectors.access import Viewer
from displacement.selectors.sync_tokens import audience_key, token_for

#: The response header that carries a fresh token on every list.
HEADER = "Sync-Token"


def etag_of(obj, viewer: Viewer) -> str:
    """Keyed by the secret key and the audience, so that an ETag reveals neither the primary key
    nor the exact time of change, and two partners' ETags for one record differ."""
    stamp = f"{audience_key(viewer)}:{obj._meta.label}:{obj.pk}:{obj.updated_at.isoformat()}"
    return '"' + hmac.new(settings.SECRET_KEY.encode(), stamp.encode(), hashlib.sha256).hexdigest()[:32] + '"'


def etag_matches(header: str, obj, viewer: Viewer) -> bool:
    """Whether an ``If-Match`` value is ``viewer``'s ETag of ``obj`` as it is now (strong or weak)."""
    return header.strip() in {etag_of(obj, viewer), "W/" + etag_of(obj, viewer)}


#: A token stands for this long before its answer began: a change saved just before the
#: answer's reads, but committed after them, is then still in the next sync (overlaps are
#: harmless: upserts and deletions are idempotent).
MARGIN = datetime.timedelta(minutes=1)


def sync_header(response, request, viewer: Viewer):
    """Give a list's answer the ``Sync-Token`` for the next sync (when the list began, less
    ``MARGIN``)."""
    started = getattr(request, "sync_started", None)
    if started is not None:
        response[HEADER] = token_for(viewer, started - MARGIN)
    return response
