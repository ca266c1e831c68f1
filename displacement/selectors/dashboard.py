"""What the staff dashboard shows, read from the summary tables only.

The summary tables hold an organisation's exact counts by week, oblast, raion and event
classification (``services.summaries``); nothing here scans testimonies, displacements or
cases, so the dashboard costs the same on a small NGO and on a million testimonies.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max, Sum

from displacement import models as m
from displacement.models.vocab import CaseStatus, EventType
from displacement.services.summaries import METRICS, week_of

DEFAULT_WEEKS = 52


@dataclass(frozen=True)
class DashboardFilters:
    since: datetime.date | None = None
    until: datetime.date | None = None
    adm1: str = ""
    event_type: str = ""


def default_period(organization: m.Organization) -> tuple[datetime.date, datetime.date]:
    """The 52 weeks up to the latest week with data (or up to this week)."""
    latest = m.WeeklySummary.objects.filter(organization=organization).aggregate(latest=Max("week"))["latest"]
    until = latest or week_of(datetime.date.today())
    return until - datetime.timedelta(weeks=DEFAULT_WEEKS - 1), until + datetime.timedelta(days=6)


def dashboard_data(organization: m.Organization, filters: DashboardFilters) -> dict:
    cells = m.WeeklySummary.objects.filter(organization=organization)
    if filters.since:
        cells = cells.filter(week__gte=week_of(filters.since))
    if filters.until:
        cells = cells.filter(week__lte=filters.until)
    if filters.adm1:
        cells = cells.filter(adm1=filters.adm1)
    if filters.event_type:
        cells = cells.filter(event_type=filters.event_type)

    sums = {metric: Sum(metric) for metric in METRICS}
    totals = {key: value or 0 for key, value in cells.aggregate(**sums).items()}
    weekly = list(cells.order_by("week").values("week").annotate(**sums))
    by_oblast = list(cells.exclude(adm1="").order_by("adm1").values("adm1").annotate(events=Sum("events")))
    by_type = list(
        cells.exclude(event_type="").order_by("event_type").values("event_type").annotate(events=Sum("events"))
    )
    names = dict(m.Place.objects.filter(admin_level=1).values_list("pcode", "name_en"))
    type_labels = dict(EventType.choices)

    cases = m.CaseSummary.objects.filter(organization=organization)
    if filters.adm1:
        cases = cases.filter(adm1=filters.adm1)
    by_status = {row["status"]: row["n"] for row in cases.values("status").annotate(n=Sum("cases"))}
    return {
        "totals": totals,
        "cases_total": sum(by_status.values()),
        "weekly": {
            "labels": [row["week"].isoformat() for row in weekly],
            "testimonies": [row["testimonies"] for row in weekly],
            "households_displaced": [row["households_displaced"] for row in weekly],
            "people_displaced": [row["people_displaced"] for row in weekly],
            "repeat_households": [row["repeat_households"] for row in weekly],
        },
        "by_oblast": {
            "labels": [str(names.get(row["adm1"], row["adm1"])) for row in by_oblast if row["events"]],
            "values": [row["events"] for row in by_oblast if row["events"]],
        },
        "by_type": {
            "labels": [str(type_labels.get(row["event_type"], row["event_type"])) for row in by_type if row["events"]],
            "values": [row["events"] for row in by_type if row["events"]],
        },
        "by_status": {
            "labels": [str(label) for value, label in CaseStatus.choices if by_status.get(value)],
            "values": [by_status[value] for value, _label in CaseStatus.choices if by_status.get(value)],
        },
    }
