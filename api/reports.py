"""/api/v1/report-runs/: the scheduled report files made for the caller, with their manifest.

A partner sees the runs of reports whose audience is its organisation, once they have
succeeded and until their file is purged; a run withdrawn (a record in it may no longer reach
the partner, or the agreement ended) stays listed as ``withdrawn`` with its reason, and its
download is a 410. Staff see their organisation's runs. The file is at
``/report-runs/{id}/download/``; its SHA-256 in the run lets the receiver check it.
"""

import django_filters as df
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.base import APIViewSet, ListMixin
from api.errors import Withdrawn
from displacement import models as m
from displacement.models.reports import ReportKind, RunStatus, WithdrawalReason
from displacement.selectors import pseudonyms
from displacement.selectors.access import scoped
from displacement.selectors.filters import StrictChoiceFilter, StrictFilterSet, UTCDateTimeFilter
from displacement.services.report_delivery import file_response, partner_run_withdrawal, partner_runs_listed


def _withdrawal(run, audience) -> str:
    """Why ``run`` may not be downloaded by its reader: '' if it may."""
    if audience is not None:
        return partner_run_withdrawal(run)
    return run.withdrawal_reason if run.status == RunStatus.WITHDRAWN else ""


class RunStatusFilter(StrictChoiceFilter):
    """A partner's run reads as withdrawn once no agreement covers it (``available``)."""

    def filter(self, qs, value):
        if value in (None, "") or "available" not in qs.query.annotations:
            return super().filter(qs, value)
        if value == RunStatus.WITHDRAWN:
            return qs.filter(available=False)
        return qs.filter(available=True, status=value)


class ReportRunFilter(StrictFilterSet):
    report = df.CharFilter(field_name="definition__slug", help_text="A report definition's slug.")
    kind = StrictChoiceFilter(field_name="definition__kind", choices=ReportKind.choices)
    slot_after = UTCDateTimeFilter(field_name="slot", lookup_expr="gte", help_text="Slots at or after this time.")
    status = RunStatusFilter(
        choices=RunStatus.choices,
        help_text="Partners see succeeded runs, and withdrawn ones (a record in the file may no longer reach "
        "them, or the agreement ended).",
    )
    updated_since = None

    class Meta:
        model = m.ReportRun
        fields = []


class ReportRunSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="Partners: a pseudonymous id of their own; staff: the run's number.")
    report = serializers.CharField(help_text="The report definition's slug.")
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    slot = serializers.DateTimeField(help_text="The scheduled time the run stands for.")
    status = serializers.ChoiceField(choices=RunStatus.choices)
    rows = serializers.IntegerField(allow_null=True)
    bytes = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField(allow_blank=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    manifest = serializers.DictField(help_text="Columns with HXL hashtags, period, filters, rows and checksum.")
    download = serializers.CharField(allow_null=True, help_text="Where to download the CSV, while it is kept.")
    withdrawal_reason = serializers.ChoiceField(
        choices=WithdrawalReason.choices,
        allow_null=True,
        help_text="Set when the run is withdrawn: delete the file. consent_withdrawn, unshared or deleted: a "
        "record in it may no longer reach you; agreement_ended: no agreement covers its kind any more.",
    )

    def to_representation(self, instance):
        audience = self.context.get("audience")
        request = self.context.get("request")
        identifier = pseudonyms.encode("report_run", instance.pk, audience.pk) if audience else str(instance.pk)
        withdrawal = _withdrawal(instance, audience)
        available = instance.status == RunStatus.SUCCEEDED and bool(instance.file) and not withdrawal
        download = (
            request.build_absolute_uri(f"/api/v1/report-runs/{identifier}/download/") if available and request else None
        )
        return {
            "id": identifier,
            "report": instance.definition.slug,
            "name": instance.definition.name,
            "kind": instance.definition.kind,
            "slot": serializers.DateTimeField().to_representation(instance.slot),
            "status": RunStatus.WITHDRAWN if withdrawal else instance.status,
            "rows": instance.rows,
            "bytes": instance.size,
            "sha256": instance.sha256,
            "finished_at": serializers.DateTimeField().to_representation(instance.finished_at)
            if instance.finished_at
            else None,
            "manifest": instance.manifest,
            "download": download,
            "withdrawal_reason": withdrawal or None,
        }


class ReportRunViewSet(ListMixin, APIViewSet):
    """Runs of scheduled reports, newest slots last in each page's order of production."""

    kind = "report-runs"
    pseudonym_kind = "report_run"
    filterset_class = ReportRunFilter
    ordering = ("slot", "id")
    ordering_fields = ["slot"]
    partner_serializer_class = ReportRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return m.ReportRun.objects.none()
        viewer = self.viewer
        queryset = partner_runs_listed(viewer.organization) if viewer.is_partner else scoped(m.ReportRun, viewer)
        return queryset.select_related("definition")

    def retrieve(self, request, *args, **kwargs):
        """One run with its manifest (no ETag: a run is never edited through the API)."""
        run = self.get_object()
        self._log(records=[run])
        return Response(self.get_serializer(run).data)

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="The report file."),
            404: OpenApiResponse(description="Unknown run, or its file was purged."),
            410: OpenApiResponse(description="The run was withdrawn: delete any copy you hold."),
        },
        parameters=[],
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def download(self, request, *args, **kwargs):
        """The run's CSV file (UTF-8 with BOM, a header row, an HXL hashtag row, then rows)."""
        run = self.get_object()
        if _withdrawal(run, self.audience):
            raise Withdrawn
        if run.status != RunStatus.SUCCEEDED or not run.file:
            raise Http404
        self._log(records=[run], detail={"download": run.sha256})
        return file_response(run)

    def owner_of(self, record) -> int | None:
        """A run belongs to its report's organisation: partners' reads go to that access log."""
        return record.definition.organization_id
