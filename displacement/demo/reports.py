"""The demo's scheduled reports: one that runs every two minutes, so that `make run` shows a
report produced on its own within minutes, and a weekly one for the demo partner."""

from __future__ import annotations

from displacement.models import ReportDefinition
from displacement.models.reports import ReportKind, ReportPeriod
from displacement.services.reports import report_definition_save

DEMO_REPORTS = [
    {
        "slug": "demo-flows",
        "name": "Origin-destination flows (demo: every 2 minutes)",
        "kind": ReportKind.FLOWS,
        "cron": "*/2 * * * *",
        "period": ReportPeriod.ALL,
        "recipients": "coordinator@example.org",
        "audience": None,
    },
    {
        "slug": "demo-esa-weekly-events",
        "name": "Events of the past week, for the Eastern Shelter Alliance",
        "kind": ReportKind.EVENTS,
        "cron": "0 6 * * 1",
        "period": ReportPeriod.WEEK,
        "recipients": "partner@example.org",
        "audience": "esa",
    },
]


def demo_reports(result, organizations) -> None:
    """Create the demo report definitions that are missing (and their beat entries)."""
    for spec in DEMO_REPORTS:
        if ReportDefinition.objects.filter(slug=spec["slug"]).exists():
            result.unchanged[ReportDefinition.__name__] += 1
            continue
        audience = organizations[spec["audience"]] if spec["audience"] else None
        fields = {key: value for key, value in spec.items() if key != "audience"}
        report_definition_save(ReportDefinition(organization=organizations["dpn"], audience=audience, **fields))
        result.created[ReportDefinition.__name__] += 1
