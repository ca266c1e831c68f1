"""/api/v1/summaries/: households displaced between oblasts, suppressed for partners."""

import django_filters as df
from django.db.models import Q
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.base import APIViewSet, ListMixin
from api.csv import csv_response
from displacement import models as m
from displacement.models.sharing import RecordKind
from displacement.reports.suppression import TOTAL
from displacement.selectors.aggregates import displacement_flows, flow_rows, month_end, published_flows
from displacement.selectors.filters import StrictFilterSet
from displacement.selectors.sharing import active_agreements


class SummaryFilter(StrictFilterSet):
    occurred_after = df.DateFilter(help_text="Displacements that left on or after (YYYY-MM-DD).")
    occurred_before = df.DateFilter(help_text="Displacements that left on or before (YYYY-MM-DD).")
    place = df.CharFilter(help_text="Origin oblast P-code, e.g. UA14.")
    updated_since = None  # a summary is recomputed on every request
    # Partners: occurred_after must be the 1st of a month and occurred_before a month's last
    # day; they choose months, and place an origin row, of tables suppressed whole.

    class Meta:
        model = m.Displacement
        fields = []

    @classmethod
    def parameters(cls):
        return {"occurred_after", "occurred_before", "place", "format"}


class FlowSerializer(serializers.Serializer):
    owner = serializers.CharField(allow_null=True, help_text="The organisation whose records are counted (its slug).")
    month = serializers.CharField(
        allow_null=True, help_text="Partners: the calendar month (YYYY-MM) of the cell's table; staff: null."
    )
    origin_adm1_pcode = serializers.CharField(help_text="Origin oblast, or TOTAL for a column total.")
    destination_adm1_pcode = serializers.CharField(help_text="Destination oblast, or TOTAL for a row total.")
    households = serializers.IntegerField(allow_null=True, help_text="Null when suppressed.")
    suppressed = serializers.BooleanField()

    def to_representation(self, instance):
        return instance


class SummaryViewSet(ListMixin, APIViewSet):
    """Origin-destination flows of displaced households by oblast.

    Staff read their organisation's exact counts over the period and origin they ask for.
    Partners read one table per owner sharing summaries with them and per calendar month,
    counting only households with an active consent to statistics, suppressed as a whole
    (cells below the small-cell threshold, and cells that would reveal them); their period
    (whole months) and origin only choose which published cells they are shown.
    """

    kind = "summaries"
    filterset_class = SummaryFilter
    partner_serializer_class = FlowSerializer
    pagination_class = None
    filter_backends = [DjangoFilterBackend]

    def list(self, request, *args, **kwargs):
        viewer = self.viewer
        filters = self.filterset_class(request.query_params, queryset=m.Displacement.objects.none(), request=request)
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        params = filters.form.cleaned_data
        origin = (params.get("place") or "").strip().upper() or None
        if origin and not m.Place.objects.filter(pcode=origin, admin_level=1).exists():
            raise ValidationError({"place": ["Use an oblast P-code, e.g. UA14."]})
        if viewer.is_partner:
            # Whole months only: two queries a day apart must not isolate one household.
            after, before = params.get("occurred_after"), params.get("occurred_before")
            if after and after.day != 1:
                raise ValidationError({"occurred_after": ["Partners ask for whole months: use the 1st."]})
            if before and before != month_end(before):
                raise ValidationError({"occurred_before": ["Partners ask for whole months: use the last day."]})
        if viewer.is_partner:
            owners = m.Organization.objects.filter(
                Q(pk__in=active_agreements(partner=viewer.organization, kind=RecordKind.SUMMARIES).values("owner_id"))
            )
            tables = published_flows(
                organizations=list(owners), first=params.get("occurred_after"), last=params.get("occurred_before")
            )
            rows = [
                {
                    "owner": owner,
                    "month": f"{month.year:04d}-{month.month:02d}",
                    "origin_adm1_pcode": r,
                    "destination_adm1_pcode": c,
                    "households": v,
                    "suppressed": v is None,
                }
                for owner, month, r, c, v in flow_rows(tables, origin=origin)
            ]
        else:
            counts = displacement_flows(
                organizations=viewer.organization,
                outside=False,
                left_after=params.get("occurred_after"),
                left_before=params.get("occurred_before"),
                origin=origin,
            )
            rows = [
                {
                    "owner": getattr(viewer.organization, "slug", None),
                    "month": None,
                    "origin_adm1_pcode": r,
                    "destination_adm1_pcode": c,
                    "households": v,
                    "suppressed": False,
                }
                for (r, c), v in sorted(counts.items())
            ]
        rows = [row for row in rows if row["households"] != 0]  # a sparse table: zeros are implied
        for row in rows:
            for key in ("origin_adm1_pcode", "destination_adm1_pcode"):
                row[key] = "TOTAL" if row[key] == TOTAL else row[key]
        self._log(records=[], detail={"summary": "flows"})
        if request.query_params.get("format") == "csv":
            return csv_response("summaries", rows)
        return Response(rows)
