"""What every API resource shares; the views themselves hold no rules.

Querysets come from the access gate (``selectors.access`` for staff, ``selectors.sharing``
for partner machines), records leave through one projection per kind, writes go through
services. This base adds strict parameters, cursor paging, CSV with HXL, ETags with
If-Match on updates, Idempotency-Key on creates, and an access-log entry per request.
"""

from __future__ import annotations

from array import array
from itertools import islice

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from rest_framework import status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.authentication import APIKeyAuthentication
from api.csv import csv_response
from api.errors import PreconditionFailed, PreconditionRequired
from api.filters import FilterBackend, StrictOrderingFilter
from api.idempotency import idempotent
from api.pagination import UpdatedCursorPagination
from api.permissions import IsMemberOrPartnerKey
from api.sync import etag_matches, etag_of, sync_header
from api.throttling import PrincipalRateThrottle
from displacement import exports
from displacement.models import AccessAction, AccessLog
from displacement.selectors import flat, pseudonyms
from displacement.selectors.access import Viewer, scope, scoped
from displacement.selectors.columns import csv_header
from displacement.selectors.projections import loaded, warm
from displacement.selectors.sharing import built, partner_readable
from displacement.services.audit import JSONText, access_entry, access_record, access_write


def _loggable_path(request) -> str:
    """The request path with its filters, but not the words of a full-text search, which may
    be a name or a phone number."""
    params = request.GET.copy()
    if "q" in params:
        params["q"] = "…"
    query = params.urlencode()
    return (request.path + (f"?{query}" if query else ""))[:300]


class APIViewSet(viewsets.GenericViewSet):
    authentication_classes = [APIKeyAuthentication, SessionAuthentication]
    permission_classes = [IsMemberOrPartnerKey]
    throttle_classes = [PrincipalRateThrottle]
    pagination_class = UpdatedCursorPagination
    filter_backends = [FilterBackend, StrictOrderingFilter]
    lookup_value_regex = "[^/]+"
    ordering = ("updated_at", "id")
    ordering_fields = ["updated_at"]
    #: The record kind (events, testimonies, ...): names the projection, CSV columns and pseudonyms.
    kind: str = ""
    #: Singular used in pseudonyms ("event" -> "ev_..."); the projection functions use the same.
    pseudonym_kind: str = ""
    #: Serializers: what partners and analysts read, what staff read, what writers send.
    partner_serializer_class = None
    staff_serializer_class = None
    write_serializer_class = None

    # --- who is asking --------------------------------------------------------------------

    @property
    def viewer(self) -> Viewer:
        return Viewer.of(self.request.user)

    @property
    def audience(self):
        """Partners read projections with their own pseudonyms; staff read their own codes."""
        return self.viewer.organization if self.viewer.is_partner else None

    # --- the gate -------------------------------------------------------------------------

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.filterset_class.Meta.model.objects.none()
        viewer, kind, model = self.viewer, self.kind, self.filterset_class.Meta.model
        # Built once (a day, for partners: agreements are read as of a date) and cloned for
        # each request: building a testimony's annotations cost a page about a millisecond.
        if viewer.is_partner:
            partner, on = viewer.organization, timezone.localdate()
            return built(
                ("page", kind, partner.pk, on),
                lambda: loaded(kind, partner_readable(kind, partner=partner, on=on), audience=partner, on=on),
            )
        # Kept under the gate's own key (``access.scope``): whatever the gate narrows by.
        key, rows = scope(model, viewer)
        return built(("staff page", kind, key), lambda: loaded(kind, rows, audience=None))

    def get_object(self):
        identifier = self.kwargs[self.lookup_field]
        if self.audience is not None:
            pk = pseudonyms.decode(self.pseudonym_kind, identifier, self.audience.pk)
        else:
            pk = int(identifier) if identifier.isascii() and identifier.isdigit() and len(identifier) < 19 else None
        if pk is None:
            raise Http404
        obj = self.get_queryset().filter(pk=pk).first()
        if obj is None:
            raise Http404
        return obj

    def get_serializer_class(self):
        if self.request is not None and self.request.method not in ("GET", "HEAD", "OPTIONS"):
            return self.write_serializer_class
        if self.request is not None and self.viewer.is_partner:
            return self.partner_serializer_class
        return self.staff_serializer_class or self.partner_serializer_class

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "viewer": self.viewer, "audience": self.audience}

    # --- parameters -----------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action == "list":
            request.sync_started = timezone.now()  # before anything is read: the answer's Sync-Token
            allowed = self.filterset_class.parameters()
            unknown = sorted(set(request.query_params) - allowed)
            if unknown:
                raise ValidationError(
                    {name: [f"Unknown parameter; allowed: {', '.join(sorted(allowed))}."] for name in unknown}
                )
            fmt = request.query_params.get("format")
            if fmt not in (None, "json", "csv"):
                raise ValidationError({"format": ["Use json or csv."]})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return sync_header(response, request, self.viewer) if response.status_code == 200 else response

    # --- reads ----------------------------------------------------------------------------

    def represent(self, records) -> list[dict]:
        warm(self.kind, records)
        serializer = self.get_serializer(records, many=True)
        return serializer.data

    def _list(self, request):
        queryset = self.filter_queryset(self.get_queryset())
        if request.query_params.get("format") == "csv" and self.kind in flat.ROWS:
            return self._flat_csv(queryset)
        if request.query_params.get("format") == "csv":
            serializer_class = self.get_serializer_class()
            context = self.get_serializer_context()

            def rows():
                # Only ids and owners are kept for the log, in compact arrays: memory stays flat
                # however many rows stream out.
                exported = _Exported()
                records = queryset.iterator(chunk_size=500)
                try:
                    while chunk := list(islice(records, 500)):
                        warm(self.kind, chunk)  # the chunk's places in one query
                        for record in chunk:
                            exported.add(record.pk, self.owner_of(record))
                            yield serializer_class(record, context=context).data
                finally:
                    # Logged when the stream ends (or the client goes away), with every id sent.
                    self._log(records=exported, detail={"format": "csv"})

            return csv_response(self.kind, rows())
        page = self.paginate_queryset(queryset)
        self._log(records=page)
        return self.get_paginated_response(self.represent(page))

    def _flat_csv(self, queryset):
        """The whole list as a CSV computed by PostgreSQL (``selectors.flat``): the same file as
        the projections give, at a rate close to COPY's."""

        def rows():
            exported = _Exported()
            source = flat.ROWS[self.kind](queryset, viewer=self.viewer)
            try:
                for pks, owners, lines in source:
                    exported.extend(pks, owners)
                    yield lines
            finally:
                source.close()  # ends the COPY, if the client went away, before the log is written
                self._log(records=exported, detail={"format": "csv"})

        return exports.csv_lines_response(csv_header(self.kind), rows(), name=self.kind)

    def _retrieve(self, request):
        obj = self.get_object()
        self._log(records=[obj])
        response = Response(self.get_serializer(obj).data)
        response["ETag"] = etag_of(obj, self.viewer)
        return response

    def _log(self, *, records, detail=None):
        """One access-log entry for the caller, and, when a partner machine read another
        organisation's records, one for each owner, so that owners can audit partners.

        A partner's own entry carries the ids as the partner saw them (pseudonyms): the
        partner's coordinators must not learn real record numbers from their access log.
        An export logs its ids in parts of ``EXPORT_LOG_PART`` (numbered in ``detail``), so
        that a million-row file's log does not hold every id, and its SQL, in memory at once.
        """
        if isinstance(records, _Exported) and len(records) > EXPORT_LOG_PART:
            parts = -(-len(records) // EXPORT_LOG_PART)
            for number, part in enumerate(records.parts(EXPORT_LOG_PART), start=1):
                self._log(records=part, detail={**(detail or {}), "part": number, "parts": parts})
            return
        viewer = self.viewer
        model = self.filterset_class.Meta.model._meta.label
        common = {
            "action": AccessAction.API_REQUEST,
            "model": model,
            "path": _loggable_path(self.request),
            "api_key": viewer.api_key.prefix if viewer.api_key is not None else "",
            "detail": {"method": self.request.method, **(detail or {})},
        }
        if not viewer.is_partner or not self.pseudonym_kind:
            ids = records.pks if isinstance(records, _Exported) else [r.pk for r in records]
            access_record(who=viewer, ids=ids, **common)
            return
        if isinstance(records, _Exported):
            pks, owners = records.pks, records.owners
        else:
            pks, owners = [r.pk for r in records], [self.owner_of(r) for r in records]

        def entries():
            partner = viewer.organization.pk
            if isinstance(records, _Exported):
                # An export's part: its ids (one row each, so distinct) go to the log as the
                # JSON of the partner's pseudonyms, made at once: a list of them, sorted out and
                # serialised, took 30 ms of each part's 40, which the partner waited for.
                entry = access_entry(who=viewer, **common)
                entry.object_ids = JSONText(pseudonyms.encode_json(self.pseudonym_kind, pks, partner))
                yield entry
            else:
                yield access_entry(who=viewer, ids=pseudonyms.encode_many(self.pseudonym_kind, pks, partner), **common)
            for owner, ids in _by_owner(pks, owners, besides=partner).items():
                yield AccessLog(
                    organization_id=owner,
                    object_ids=sorted(ids),
                    **{**common, "detail": {**common["detail"], "partner": viewer.organization.slug}},
                )

        if isinstance(records, _Exported):
            # An export's part, an entry a statement: its ids are many.
            for entry in entries():
                access_write([entry])
        else:
            access_write(list(entries()))  # a page's entries in one statement

    def owner_of(self, record) -> int | None:
        """The organisation whose access log records a partner's read of ``record``."""
        return getattr(record, "organization_id", None)


def _by_owner(pks, owners, *, besides: int) -> dict:
    """The ids of each owner but ``besides`` (an owner of 0 or None: none). An export's part
    usually has one owner, whose ids are then taken whole, without a step per id."""
    distinct = set(owners)
    if len(distinct) == 1:
        (owner,) = distinct
        return {owner: pks} if owner and owner != besides else {}
    grouped: dict[int, list[int]] = {}
    for pk, owner in zip(pks, owners, strict=True):
        if owner and owner != besides:
            grouped.setdefault(owner, []).append(pk)
    return grouped


#: Ids per access-log entry of an export.
EXPORT_LOG_PART = 50_000


class _Exported:
    """The records a CSV export sent, as (pk, owner) pairs in two integer arrays (0: none)."""

    def __init__(self):
        self.pks, self.owners = array("q"), array("q")

    def add(self, pk: int, owner: int | None) -> None:
        self.pks.append(pk)
        self.owners.append(owner or 0)

    def extend(self, pks: list[int], owners: list[int]) -> None:
        self.pks.extend(pks)
        self.owners.extend(owners)

    def __len__(self):
        return len(self.pks)

    def parts(self, size: int):
        for start in range(0, len(self.pks), size):
            part = _Exported()
            part.pks, part.owners = self.pks[start : start + size], self.owners[start : start + size]
            yield part


class ListMixin:
    def list(self, request, *args, **kwargs):
        return self._list(request)


class RetrieveMixin:
    def retrieve(self, request, *args, **kwargs):
        return self._retrieve(request)


class WritableMixin:
    """Create (with Idempotency-Key) and update (with If-Match) through a write serializer.

    Updates lock the row between the If-Match check and the save, so two writers holding the
    same ETag cannot both succeed.
    """

    def create(self, request, *args, **kwargs):
        respond = lambda: self._create(request)  # noqa: E731
        return idempotent(request, principal=self._principal(), respond=respond, replay=self._replay)

    def _replay(self, outcome: dict) -> Response:
        """The first answer to a create, with the record as it reads now."""
        obj = self.get_writable_queryset().filter(pk=outcome.get("pk")).first()
        if obj is None:
            raise Http404  # created, then deleted since
        response = Response(self._read(obj))
        response["ETag"] = etag_of(obj, self.viewer)
        return response

    def _create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = serializer.save()
        self._log(records=[obj], detail={"created": True})
        obj = self.get_writable_queryset().get(pk=obj.pk)
        response = Response(self._read(obj), status=status.HTTP_201_CREATED)
        response["ETag"] = etag_of(obj, self.viewer)
        response.outcome = {"pk": obj.pk}
        return response

    def get_writable_queryset(self):
        """Only one's own organisation's records can be changed, never a record shared with one."""
        model = self.filterset_class.Meta.model
        viewer = self.viewer
        if viewer.is_partner:
            return model.objects.filter(organization=viewer.organization)
        return scoped(model, viewer)

    @transaction.atomic
    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        obj = self.get_writable_queryset().select_for_update().filter(pk=obj.pk).first()
        if obj is None:
            raise Http404
        expected = request.headers.get("If-Match")
        if not expected:
            raise PreconditionRequired()
        if not etag_matches(expected, obj, self.viewer):
            raise PreconditionFailed()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obj = serializer.save()
        self._log(records=[obj], detail={"updated": sorted(request.data)})
        obj = self.get_writable_queryset().get(pk=obj.pk)
        response = Response(self._read(obj))
        response["ETag"] = etag_of(obj, self.viewer)
        return response

    def _read(self, obj) -> dict:
        reader = (
            self.partner_serializer_class
            if self.viewer.is_partner
            else (self.staff_serializer_class or self.partner_serializer_class)
        )
        return reader(obj, context=self.get_serializer_context()).data

    def _principal(self) -> str:
        viewer = self.viewer
        return f"key:{viewer.api_key.pk}" if viewer.api_key is not None else f"user:{viewer.user.pk}"
