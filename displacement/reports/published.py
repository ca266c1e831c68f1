"""Aggregate report files for partners: whole tables of fixed periods, then chosen.

Two partner files that overlap (the previous 7 days and the previous month, everything and
one oblast's displacements of one event type) could be subtracted to isolate a household.
So a partner's aggregate, like a partner's ``/api/v1/summaries/`` answer, is by construction
a choice of published cells: each kind has one table per owner and fixed period (flows and
case status: a calendar month; the displacement summary: an ISO week), built from everything
the owner shares with partners and suppressed whole. A run's period chooses the whole
periods that lie inside it, and a definition's only filter, ``place`` (an oblast), chooses
rows; neither counts anything again. Flows are the same tables, with the same suppression,
as the API's summaries (``selectors.aggregates.published_flows``). Flows and the displacement
summary's households and people are sums of one finer table suppressed once, per ISO week's
days in a calendar month (``selectors.moves``), so that weeks and months cannot be set
against each other. All three read the summary tables' ``counted`` cells (``services.summary_sql``
holds the counting rules): the case status, per month of opening, reads the case summary's, so
no partner aggregate counts the casework tables again. What still does is staff's own: reports
of any filter (``reports.kinds``) and flows over any days, exact distinct counts that fixed cells
cannot answer, by the same rule functions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.models.reports import ReportKind, ReportPeriod
from displacement.reports.suppression import suppress_table
from displacement.selectors import moves
from displacement.selectors.moves import month_end, month_of

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


def generate(definition: m.ReportDefinition, span):
    from displacement.reports import kinds

    check_filters(definition)
    check_period(definition)
    chosen = oblast(definition)
    builder = {
        ReportKind.FLOWS: _flows,
        ReportKind.CASE_STATUS: _case_status,
        ReportKind.DISPLACEMENT_SUMMARY: _displacement_summary,
    }[definition.kind]
    return builder(kinds, definition, span, chosen)


def _flows(kinds, definition, span, chosen):
    """Per calendar month: households and people from oblast to oblast, the API's tables
    (``selectors.moves``: sums of the month's parts, suppressed once with the weekly summary's)."""
    first, last = span if span is not None else (None, None)
    parts = moves.suppressed_parts(
        organization=definition.organization,
        first=month_of(first) if first is not None else None,
        last=month_end(last) if last is not None else None,
    )
    names, rows, hidden = kinds._oblast_names(), [], 0
    for month, counted in sorted(moves.monthly_flows(parts).items()):
        if not _inside(month, span):
            continue
        # Every cell that holds a move, and every hidden one: a hidden zero left out would say it is one.
        for origin, dest in sorted(counted.present | counted.households.suppressed):
            households = counted.households.cells[(origin, dest)]
            people = None if households is None else counted.people.cells[(origin, dest)]
            hidden += (households is None) + (people is None)
            if chosen is None or origin == chosen:
                named = [origin, names.get(origin, ""), dest, names.get(dest, "")]
                rows.append([_month(month), *named, households, people])
    columns = [kinds.Column("month", "#date+month"), *kinds.FLOW_COLUMNS]
    return kinds.Output(columns, rows, {"suppressed_cells": hidden})


def _case_status(kinds, definition, span, chosen):
    """Per calendar month of opening: cases by oblast and status, the case summary's
    ``counted`` cells (cases of households whose consent to statistics is active)."""
    cells = m.CaseSummary.objects.filter(organization=definition.organization, counted=True)
    if span is not None:
        cells = cells.filter(month__range=(month_of(span[0]), month_end(span[1])))
    months = defaultdict(dict)
    for row in cells.order_by().values("month", "adm1", "status").annotate(n=Sum("cases")):
        months[row["month"]][(row["adm1"], row["status"])] = {"cases": row["n"]}
    names, rows, hidden = kinds._oblast_names(), [], 0
    for month in sorted(month for month in months if _inside(month, span)):
        records, suppressed = kinds._suppressed(months[month], ("cases",), (0, 1), definition.audience)
        hidden += suppressed
        for (adm1, status), values in sorted(records.items()):
            if chosen is None or adm1 == chosen:
                rows.append([_month(month), adm1, names.get(adm1, ""), status, values["cases"]])
    columns = [kinds.Column("month", "#date+month"), *kinds.CASE_COLUMNS]
    return kinds.Output(columns, rows, {"suppressed_cells": hidden})


def _weekly_others(owner, weeks) -> dict[tuple, dict[str, int]]:
    """Children displaced and households displaced again by (ISO week, oblast of origin), of
    the households that may be counted outside: the weekly summary's ``counted`` cells."""
    cells = m.WeeklySummary.objects.filter(organization=owner, counted=True)
    if weeks is not None:
        cells = cells.filter(week__range=weeks)
    rows = cells.order_by().values("week", "adm1").annotate(c=Sum("children_displaced"), r=Sum("repeat_households"))
    return {(row["week"], row["adm1"]): {"children_displaced": row["c"], "repeat_households": row["r"]} for row in rows}


def _displacement_summary(kinds, definition, span, chosen):
    """Per ISO week: households, people and children displaced, and households displaced
    again, by oblast of origin. Households and people are sums of the week's parts, the table
    suppressed once with the monthly flows' (``selectors.moves``); children and households
    displaced again, each week's table suppressed whole, hidden wherever households are."""
    weeks = whole_weeks(span)
    if weeks is not None and weeks[0] > weeks[1]:
        return kinds.Output(kinds.WEEKLY_COLUMNS, [], {"suppressed_cells": 0})
    first, last = weeks if weeks is not None else (None, None)
    owner = definition.organization
    moved = moves.weekly_moves(moves.suppressed_parts(organization=owner, first=first, last=last))
    others = _weekly_others(owner, weeks)
    names, rows, hidden = kinds._oblast_names(), [], 0
    for week in sorted(set(moved) | {week for week, _adm1 in others}):
        origins = sorted(set(moved.get(week, {})) | {adm1 for w, adm1 in others if w == week})
        counted = {origin: moved.get(week, {}).get(origin, (0, 0)) for origin in origins}
        unknown = {(origin, week) for origin in origins if counted[origin][0] is None}
        tables = {
            metric: suppress_table(
                {(origin, week): others.get((week, origin), {}).get(metric, 0) for origin in origins}, force=unknown
            )
            for metric in kinds.WEEKLY_METRICS[2:]
        }
        for origin in origins:
            households, people = counted[origin]
            people = None if households is None else people
            values = [households, people, *(table.cells[(origin, week)] for table in tables.values())]
            hidden += sum(value is None for value in values)
            if chosen is None or origin == chosen:
                rows.append([week.isoformat(), origin, names.get(origin, ""), *values])
    return kinds.Output(kinds.WEEKLY_COLUMNS, rows, {"suppressed_cells": hidden})


def _month(month: datetime.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"
