"""Writes that sync: a writer upserts its records by its own external id, without keeping ours.

``GET|PUT <resource>/by-external-id/{external_id}/`` reads, or creates (201) or replaces (200),
one record; ``POST <resource>/bulk/`` upserts a JSON list of up to ``BULK_MAX_ITEMS`` records,
each in its own transaction, and answers with a result per item. The view's
``upsert_serializer_class`` validates one record and its ``upsert()`` calls the record kind's
upsert service. External ids are per organisation: a writer only ever reaches its own records.
"""

from __future__ import annotations

import json
import logging

from django.db import DatabaseError, transaction
from django.http import Http404
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response

from api.errors import PreconditionFailed, flatten_detail
from api.idempotency import idempotent
from api.sync import etag_matches, etag_of

logger = logging.getLogger(__name__)

#: The most records one bulk request may carry; a longer list is refused whole (a 400).
BULK_MAX_ITEMS = 500
#: What happened to each item of a bulk request.
OUTCOMES = ("created", "updated", "unchanged", "error")


class BulkItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="The item's position in the list sent, from 0.")
    external_id = serializers.CharField(allow_null=True, help_text="As sent (null when it was not text).")
    status = serializers.ChoiceField(choices=OUTCOMES)
    id = serializers.CharField(allow_null=True, help_text="The record's id as you read it; null on error.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Field errors; empty unless status is error.",
    )


class BulkCountsSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class BulkResultSerializer(serializers.Serializer):
    counts = BulkCountsSerializer()
    results = BulkItemResultSerializer(many=True)


class UpsertMixin:
    """The two routes above, for a ``WritableMixin`` view whose records carry an external id."""

    upsert_serializer_class = None

    def get_serializer_class(self):
        upserting = self.action in ("by_external_id", "bulk")
        if upserting and self.request is not None and self.request.method not in SAFE_METHODS:
            return self.upsert_serializer_class
        return super().get_serializer_class()

    @action(
        detail=False,
        methods=["get", "put"],
        # Any character, "/" too (sent as %2F; a list may store "a/b"): the route's last "/" ends it.
        url_path=r"by-external-id/(?P<external_id>[\s\S]+)",
        url_name="by-external-id",
    )
    def by_external_id(self, request, external_id: str):
        if request.method == "GET":
            obj = self.get_object()
            self._log(records=[obj])
            response = Response(self._read(obj))
            response["ETag"] = etag_of(obj, self.viewer)
            return response
        self._check_external_id(external_id)  # before the Idempotency-Key stores the path
        respond = lambda: self._put(request, external_id)  # noqa: E731
        return idempotent(request, principal=self._principal(), respond=respond, replay=self._replay)

    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        items = request.data
        if not isinstance(items, list):
            raise ValidationError({"non_field_errors": ["Send a JSON list of records."]})
        if len(items) > BULK_MAX_ITEMS:
            raise ValidationError(
                {"non_field_errors": [f"At most {BULK_MAX_ITEMS} records a request; you sent {len(items)}: split it."]}
            )
        respond = lambda: self._bulk(items)  # noqa: E731
        replay = lambda outcome: Response(json.loads(outcome["json"]))  # noqa: E731
        return idempotent(request, principal=self._principal(), respond=respond, replay=replay)

    # --- one record ---------------------------------------------------------------------------

    def _check_external_id(self, external_id: str) -> None:
        """An id no record can have is a 400 before anything reads or stores it."""
        longest = self.filterset_class.Meta.model._meta.get_field("external_id").max_length
        if len(external_id) > longest or "\x00" in external_id or external_id != external_id.strip():
            raise ValidationError(
                {"external_id": [f"At most {longest} characters, no NUL character and no spaces at either end."]}
            )

    def get_object(self):
        """On these routes, one's own record by its external id (also for OPTIONS' description)."""
        if "external_id" not in self.kwargs:  # OPTIONS has no action: the route's argument decides
            return super().get_object()
        obj = self._own(self.kwargs["external_id"])
        if obj is None:
            raise Http404
        return obj

    def _own(self, external_id: str, *, lock: bool = False):
        """One's own record by ``external_id``."""
        self._check_external_id(external_id)
        records = self.get_writable_queryset()
        if lock:
            records = records.select_for_update()
        return self._known_by(records, external_id).first()

    def _known_by(self, records, external_id: str):
        """``records`` known by ``external_id`` (a view whose records take aliases widens it)."""
        return records.filter(external_id=external_id)

    def _put(self, request, external_id: str) -> Response:
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": ["Send a JSON object."]})
        if "external_id" in data and data["external_id"] != external_id:
            raise ValidationError({"external_id": ["Leave it out, or send the one in the URL."]})
        with transaction.atomic():
            _check_preconditions(request, self._own(external_id, lock=True), self.viewer)
            serializer = self.get_serializer(data={**data, "external_id": external_id})
            serializer.is_valid(raise_exception=True)
            upserted = serializer.upsert()
        self._log(records=[upserted.event], detail={"upsert": upserted.status})
        obj = self.get_writable_queryset().get(pk=upserted.event.pk)
        created = upserted.status == "created"
        response = Response(self._read(obj), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        response["ETag"] = etag_of(obj, self.viewer)
        response.outcome = {"pk": obj.pk}
        return response

    # --- a list -------------------------------------------------------------------------------

    def _bulk(self, items: list) -> Response:
        results, written, first_at = [], [], {}
        for index, item in enumerate(items):
            result, record = self._bulk_item(index, item, first_at)
            results.append(result)
            if record is not None:
                written.append(record)
        counts = {outcome: sum(result["status"] == outcome for result in results) for outcome in OUTCOMES}
        self._log(records=written, detail={"bulk": counts})
        body = {"counts": counts, "results": results}
        response = Response(body)
        # Ids as the writer reads them, outcomes and messages: no record's values. Kept as JSON
        # text, since messages may quote what was sent, which PostgreSQL's JSON may refuse (NUL).
        response.outcome = {"json": json.dumps(body)}
        return response

    def _bulk_item(self, index: int, item, first_at: dict) -> tuple[dict, object]:
        """One item's result, and its record if it was written; the item is written whole or not at all."""
        external_id = item.get("external_id") if isinstance(item, dict) else None
        result = {
            "index": index,
            "external_id": external_id if isinstance(external_id, str) else None,
            "status": "error",
            "id": None,
            "errors": {},
        }
        if not isinstance(item, dict):
            result["errors"] = {"non_field_errors": ["Send a JSON object."]}
            return result, None
        if isinstance(external_id, str) and external_id in first_at:
            result["errors"] = {"external_id": [f"Repeated in this list (first at index {first_at[external_id]})."]}
            return result, None
        if isinstance(external_id, str):
            first_at[external_id] = index
        serializer = self.upsert_serializer_class(data=item, context=self.get_serializer_context())
        try:
            with transaction.atomic():
                serializer.is_valid(raise_exception=True)
                upserted = serializer.upsert()
        except APIException as error:
            detail = error.detail
            result["errors"] = flatten_detail(detail if isinstance(detail, dict) else {"non_field_errors": detail})
            return result, None
        except DatabaseError as error:
            # A rule only the database knew: the item is refused, the others go on. Only the
            # kind of error is logged: its message may quote the values sent.
            logger.warning("bulk item %s refused by the database: %s", index, type(error).__name__)
            result["errors"] = {"non_field_errors": ["The database refused this record; nothing of it was written."]}
            return result, None
        result.update(status=upserted.status, id=self._read(upserted.event)["id"])
        return result, upserted.event


def _check_preconditions(request, current, viewer) -> None:
    """``If-Match`` (optional here): the record must exist and, unless ``*``, be as last read;
    ``If-None-Match: *``: it must not exist yet (create only)."""
    expected = request.headers.get("If-Match", "").strip()
    if expected and (current is None or (expected != "*" and not etag_matches(expected, current, viewer))):
        raise PreconditionFailed()
    if request.headers.get("If-None-Match", "").strip() == "*" and current is not None:
        raise PreconditionFailed("A record with this external id exists; If-None-Match: * only creates.")
