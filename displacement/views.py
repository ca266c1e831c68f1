"""Views outside the admin and the API: the expiring download link of a partner report."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from displacement.models import AccessAction, AccessLog
from displacement.services.report_delivery import file_response, partner_run_withdrawal, run_from_link


@require_GET
@never_cache
def report_download(request, token: str):
    """A partner's report, by the signed link its e-mail carried, until the link expires: a 410
    once the run is withdrawn (a record in it may no longer be shared, or the agreement ended).
    Each download is logged for the owning organisation."""
    run = run_from_link(token)
    if run is None:
        raise Http404("This link has expired or is not valid; ask for a new one or use the API.")
    if partner_run_withdrawal(run):
        return HttpResponse(
            "This report was withdrawn: delete any copy you hold.", status=410, content_type="text/plain"
        )
    definition = run.definition
    AccessLog.objects.create(
        organization_id=definition.organization_id,
        action=AccessAction.EXPORT,
        model="displacement.ReportRun",
        object_ids=[run.pk],
        path=request.path[:60] + "…",
        detail={"report": definition.slug, "partner": run.audience.slug, "via": "link"},
    )
    return file_response(run)
