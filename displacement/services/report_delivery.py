"""Delivering partner and staff report files: links, downloads, and which runs a partner
sees. A partner lists the runs made for it, withdrawn ones included with their reason
(``services.report_withdrawal``), and downloads only those an agreement in force still covers."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core import signing
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone

from displacement import models as m
from displacement.models.reports import ReportRun, RunStatus, WithdrawalReason
from displacement.reports import kinds
from displacement.selectors.sharing import active_agreements

_LINK_SALT = "displacement.report-link"


def download_link(run: ReportRun) -> tuple[str, datetime.datetime | None]:
    """Staff get the admin download (behind their login); a partner gets a signed link that
    expires after ``REPORTS_LINK_DAYS`` (its API key also downloads the run)."""
    if not run.audience_id:
        return settings.SITE_URL + reverse("admin:displacement_reportrun_download", args=[run.pk]), None
    token = signing.dumps({"run": run.pk}, salt=_LINK_SALT)
    expires = timezone.now() + datetime.timedelta(days=settings.REPORTS_LINK_DAYS)
    return settings.SITE_URL + reverse("report-download", args=[token]), expires


def file_response(run: ReportRun) -> FileResponse:
    """The run's file as a download; a 404 if it has gone (purged meanwhile, storage lost)."""
    try:
        handle = run.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("The file of this run is no longer kept.") from None
    name = run.file.name.rsplit("/", 1)[-1]
    response = FileResponse(handle, as_attachment=True, filename=name)
    if name.endswith(".csv"):  # guessed as text/csv alone; some tools then read it as Latin-1
        response["Content-Type"] = "text/csv; charset=utf-8"
    return response


def run_from_link(token: str) -> ReportRun | None:
    """The partner run a signed link names, while the link is valid and the run is listed
    for its partner (withdrawn ones too: ``partner_run_withdrawal`` says whether it may be
    downloaded)."""
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=datetime.timedelta(days=settings.REPORTS_LINK_DAYS))
    except signing.BadSignature:
        return None
    run = ReportRun.objects.select_related("definition", "audience").filter(pk=data.get("run")).first()
    if run is None or run.audience is None:
        return None
    return partner_runs_listed(run.audience).filter(pk=run.pk).first()


def _shared_now(partner: m.Organization) -> Q:
    """Runs whose kind an agreement in force from the report's owner still gives ``partner``."""
    allowed = Q(pk__in=[])
    for kind, spec in kinds.KINDS.items():
        owners = active_agreements(partner=partner, kind=spec.record_kind).values("owner_id")
        allowed |= Q(definition__kind=kind, definition__organization__in=owners)
    return allowed


_KEPT = Q(status=RunStatus.SUCCEEDED) & ~Q(file="")


def partner_runs_listed(partner: m.Organization):
    """The runs listed for a partner: made for it and succeeded, while the file is kept; and
    withdrawn ones, with their reason, until their file would have been purged. Each carries
    ``available``: succeeded, and an agreement from the report's owner still shares that kind
    of record with the partner (else it reads as withdrawn because the agreement ended)."""
    withdrawn = Q(status=RunStatus.WITHDRAWN, purged_at__isnull=True)
    available = ExpressionWrapper(_KEPT & _shared_now(partner), output_field=BooleanField())
    return (
        ReportRun.objects.filter(_KEPT | withdrawn, audience=partner)
        .annotate(available=available)
        .select_related("definition")
    )


def partner_runs(partner: m.Organization):
    """The runs a partner may download: made for it, succeeded, still kept, and only while an
    agreement from the report's owner still shares that kind of record with it."""
    return ReportRun.objects.filter(_KEPT & _shared_now(partner), audience=partner).select_related("definition")


def partner_run_withdrawal(run: ReportRun) -> str:
    """'' if a partner may download ``run`` (from ``partner_runs_listed``); else why it was withdrawn."""
    if run.available:
        return ""
    return run.withdrawal_reason or WithdrawalReason.AGREEMENT_ENDED
