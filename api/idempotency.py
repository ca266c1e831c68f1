"""Idempotency-Key on writes: a retry after a dropped connection gets the first answer.

Only the outcome is kept (status and the record's key, or for a bulk write the per-item
results), never a copy of a record: a replay of a single record re-reads it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.errors import IdempotencyConflict
from api.models import IdempotencyRecord


def idempotent(request, *, principal: str, respond: Callable[[], Response], replay: Callable[[dict], Response]):
    """``respond()`` once per (``principal``, key); a retry of the same request gets ``replay(outcome)``
    with ``Idempotent-Replayed: true``, a different request under the same key a 422.

    ``respond`` sets ``response.outcome`` (a small JSON object) to what ``replay`` needs. Without
    the header, ``respond()`` alone. Both run in the transaction that holds the key.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return respond()
    if len(key) > 200 or "\x00" in key:
        raise ValidationError({"Idempotency-Key": ["At most 200 characters, and no NUL character."]})
    digest = hashlib.sha256(
        json.dumps(request.data, sort_keys=True, default=str).encode() + request.path.encode()
    ).hexdigest()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    principal=principal, key=key, method=request.method, path=request.path, request_hash=digest
                )
        except IntegrityError:
            record = IdempotencyRecord.objects.select_for_update().get(principal=principal, key=key)
            if record.request_hash != digest:
                raise IdempotencyConflict() from None
            response = replay(record.body or {})
            response.status_code = record.status_code
            response["Idempotent-Replayed"] = "true"
            return response
        response = respond()
        record.status_code = response.status_code
        record.body = response.outcome
        record.save(update_fields=["status_code", "body"])
        return response
