"""Aggregate report files for partners: whole tables of fixed periods, then chosen.

Two partner files that overlap (the previous 7 days and the previous month, everything and
one oblast's displacements of one event type) could be subtracted to isolate a household.
So a partner's aggregate, like a partner's ``/api/v1/summaries/`` answer, is by construction
a choice of published cells: each kind has one table per owner and fixed period (flows and
case status: a calendar month; the displacement summary: an ISO week), built from everything
the owner shares with partners and suppressed whole. A run's period chooses the whole
periods that lie inside it, and a definition's only filter, ``place`` (an oblast), chooses
rows; neither counts anything again. Flows are the same tables, with the same suppression,
as the API's summaries (``selectors.aggregates.published_flows``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.models.reports import ReportKind, ReportPeriod
from displacement.selectors.aggregates import month_end, month_of, monthly_flow_counts
from displacement.services.summaries import member_count

#: The aggregates, and the run periods that hold at least one of their whole periods.
AGGREGATES = {
    ReportKind.FLOWS: {ReportPeriod.MONTH, ReportPeriod.ALL},
    ReportKind.CASE_STATUS: {ReportPeriod.MONTH, ReportPeriod.ALL},
    ReportKind.DISPLACEMENT_SUMMARY: {ReportPeriod.WEEK, ReportPeriod.MONTH, ReportPeriod.ALL},
}


def applies(definition: m.ReportDefinition) -> bool:
    return bool(definition.audience_id) and definition.kind in AGGREGATES


def check_filters(definition: m.ReportDefinition) -> None:
    """A partner aggregate's filters: ``place`` (an oblast) only, which chooses rows."""
    filters = definition.filters or {}
    if not isinstance(filters, dict):
        raise ValidationError({"filters": [_("Filters are an object of names and values.")]})
    others = sorted(set(filters) - {"place"})
    if others:
        raise ValidationError(
            {
                "filters": [
                    _(
                        "A partner's aggregate is chosen from whole published tables: filter it by oblast "
                        "(place) only, not by %(names)s."
                    )
                    % {"names": ", ".join(others)}
                ]
            }
        )
    if "place" in filters and oblast(definition) is None:
        raise ValidationError({"filters": [_("place: use an oblast P-code, e.g. UA14.")]})


def check_period(definition: m.ReportDefinition) -> None:
    """A partner aggregate's period must hold whole periods of its tables."""
    if definition.period not in AGGREGATES[definition.kind]:
        unit = _("ISO weeks") if definition.kind == ReportKind.DISPLACEMENT_SUMMARY else _("calendar months")
        raise ValidationError(
            {
                "period": [
                    _("A partner's %(kind)s counts whole %(unit)s: choose one of %(periods)s.")
                    % {
                        "kind": definition.get_kind_display(),
                        "unit": unit,
                        "periods": ", ".join(sorted(AGGREGATES[definition.kind])),
                    }
                ]
            }
        )


def oblast(definition: m.ReportDefinition) -> str | None:
    """The oblast whose rows the definition chooses (None: every row, or not an oblast)."""
    value = str((definition.filters or {}).get("place", "")).strip().upper()
    if value and m.Place.objects.filter(pcode=value, admin_level=1).exists():
        return value
    return None


def whole_weeks(span) -> tuple[datetime.date, datetime.date] | None:
    """The first Monday and last Sunday of the ISO weeks inside ``span`` (None: no span)."""
    if span is None:
        return None
    first, last = span
    monday = first + datetime.timedelta(days=-first.weekday() % 7)
    sunday = last - datetime.timedelta(days=(last.weekday() + 1) % 7)
    return monday, sunday


def _inside(month: datetime.date, span) -> bool:
    return span is None or (span[0] <= month and month_end(month) <= span[1])


def generate(definition: m.ReportDefinition, base, span):
    from displacement.reports import kinds

    check_filters(definition)
    check_period(definition)
    chosen = oblast(definition)
    builder = {
        ReportKind.FLOWS: _flows,
        ReportKind.CASE_STATUS: _case_status,
        ReportKind.DISPLACEMENT_SUMMARY: _displacement_summary,
    }[definition.kind]
    return builder(kinds, base, span, definition.audience, chosen)


def _flows(kinds, base, span, partner, chosen):
    """Per calendar month: households (the API's table) and people, from oblast to oblast."""
    first, last = span if span is not None else (None, None)
    counts = monthly_flow_counts(base, first=first, last=last)
    people = defaultdict(dict)
    moves = base.filter(destination__isnull=False)
    if span is not None:
        moves = moves.filter(left_on__range=(month_of(first), month_end(last)))
    for row in (
        moves.annotate(
            month=TruncMonth("left_on"),
            moved=Coalesce("people_count", member_count()),
            o=Substr("origin__pcode", 1, 4),
            d=Substr("destination__pcode", 1, 4),
        )
        .order_by()
        .values("month", "o", "d")
        .annotate(people=Sum("moved"))
    ):
        people[row["month"]][(row["o"], row["d"])] = row["people"]
    names, rows, hidden = kinds._oblast_names(), [], 0
    for month in sorted(month for month in counts if _inside(month, span)):
        records = {key: {"households": n, "people": people[month].get(key, 0)} for key, n in counts[month].items()}
        records, suppressed = kinds._suppressed(records, ("households", "people"), (0, 1), partner)
        hidden += suppressed
        for (origin, dest), values in sorted(records.items()):
            if chosen is None or origin == chosen:
                named = [origin, names.get(origin, ""), dest, names.get(dest, "")]
                rows.append([_month(month), *named, values["households"], values["people"]])
    columns = [kinds.Column("month", "#date+month"), *kinds.FLOW_COLUMNS]
    return kinds.Output(columns, rows, {"suppressed_cells": hidden})


def _case_status(kinds, base, span, partner, chosen):
    """Per calendar month of opening: cases by oblast and status."""
    cases = base
    if span is not None:
        cases = cases.filter(opened_on__range=(month_of(span[0]), month_end(span[1])))
    months = defaultdict(dict)
    for row in (
        cases.annotate(
            month=TruncMonth("opened_on"), adm1=Substr(Coalesce("household__current_place__pcode", Value("")), 1, 4)
        )
        .order_by()
        .values("month", "adm1", "status")
        .annotate(n=Count("pk"))
    ):
        months[row["month"]][(row["adm1"], row["status"])] = {"cases": row["n"]}
    names, rows, hidden = kinds._oblast_names(), [], 0
    for month in sorted(month for month in months if _inside(month, span)):
        records, suppressed = kinds._suppressed(months[month], ("cases",), (0, 1), partner)
        hidden += suppressed
        for (adm1, status), values in sorted(records.items()):
            if chosen is None or adm1 == chosen:
                rows.append([_month(month), adm1, names.get(adm1, ""), status, values["cases"]])
    columns = [kinds.Column("month", "#date+month"), *kinds.CASE_COLUMNS]
    return kinds.Output(columns, rows, {"suppressed_cells": hidden})


def _displacement_summary(kinds, base, span, partner, chosen):
    """Per ISO week: households, people and children displaced, and households displaced
    again, by oblast of origin."""
    weeks = whole_weeks(span)
    selected = base if weeks is None else base.filter(left_on__range=weeks)
    by_week = defaultdict(dict)
    if weeks is None or weeks[0] <= weeks[1]:
        for (week, adm1), values in kinds.weekly_cells(selected, base).items():
            by_week[week][(week, adm1)] = values
    names, rows, hidden = kinds._oblast_names(), [], 0
    for week in sorted(by_week):
        records, suppressed = kinds._suppressed(by_week[week], kinds.WEEKLY_METRICS, (1, 0), partner)
        hidden += suppressed
        for (_week, adm1), values in sorted(records.items()):
            if chosen is None or adm1 == chosen:
                rows.append([week.isoformat(), adm1, names.get(adm1, ""), *(values[n] for n in kinds.WEEKLY_METRICS)])
    return kinds.Output(kinds.WEEKLY_COLUMNS, rows, {"suppressed_cells": hidden})


def _month(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
