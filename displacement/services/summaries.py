"""Keeping the summary tables: a full rebuild, and a refresh of the weeks a change touched.

Both compute with the same function, so an incremental refresh is, by construction, the
full rebuild restricted to some weeks; ``tests/services/test_summaries.py`` checks that
they agree after random series of creates, updates and deletes.

A place's oblast and raion are the 4- and 6-character prefixes of its P-code (P-codes nest
by prefix: UA12 ⊃ UA1214 ⊃ UA1214025). Repeated displacement is a household's second or
later move in date order. When only part of a household moved (``people_count``), the
children among them are estimated as at most that many.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Substr, TruncMonth

from displacement import models as m
from displacement.models.summaries import CaseSummary, FlowSummary, WeeklySummary
from displacement.models.vocab import CHILD_AGE_BANDS, ConsentPurpose
from displacement.selectors.sharing import consenting_household_ids
from displacement.services import summary_sql

METRICS = summary_sql.METRICS


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def part_of(day: datetime.date) -> datetime.date:
    """The first day of ``day``'s part (``summary_sql.PART``): its Monday, or the 1st of its month."""
    return max(week_of(day), day.replace(day=1))


def _adm(pcode: str | None, level: int | None) -> tuple[str, str]:
    if not pcode or level is None or level < 1:
        return "", ""
    return pcode[:4], (pcode[:6] if level >= 2 else "")


def _fetch(cells: summary_sql.Cells) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(cells.sql, cells.params)
        return cursor.fetchall()


def compute(*, organization_id: int, weeks: set[datetime.date] | None = None):
    """The rows the summary tables should hold for an organisation (all weeks, or only
    ``weeks``), as two dicts of cells, both values of ``counted`` summed (households are
    either counted or not, so the sums count each once): what the rebuild and the refresh
    insert, read back."""
    cells = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for row in _fetch(summary_sql.weekly_cells(organization_id, weeks)):
        for metric, value in zip(METRICS, row[7:], strict=True):
            cells[tuple(row[:6])][metric] += int(value)
    flows = defaultdict(lambda: {"households": 0, "people": 0})
    for row in _fetch(summary_sql.flow_cells(organization_id, weeks)):
        flows[tuple(row[:3])]["households"] += int(row[4])
        flows[tuple(row[:3])]["people"] += int(row[5])
    return dict(cells), dict(flows)


def member_count(**conditions):
    """The number of members (matching ``conditions``) of each row's household, as a subquery."""
    members = m.Person.objects.filter(household=OuterRef("household_id"), **conditions)
    return Coalesce(Subquery(members.order_by().values("household").annotate(n=Count("pk")).values("n")), 0)


def displacement_cells(moves, weeks, cells, flows, *, selected=None) -> None:
    """Add the displacements of ``moves`` (whole trajectories of the households in it) to
    ``cells`` (by week) and ``flows`` (by part), counting only moves in ``weeks`` (None: every week) and, when
    ``selected`` (a queryset of displacements) is given, only the moves it holds.

    Rows are streamed in household order, so memory holds the cells, never the moves.
    """
    rows = (
        moves.order_by("household_id", "left_on", "id")
        .annotate(
            household_size=member_count(),
            household_children=member_count(age_band__in=CHILD_AGE_BANDS),
            selected=Exists(selected.filter(pk=OuterRef("pk"))) if selected is not None else Value(True),
        )
        .values(
            "selected",
            "household_id",
            "left_on",
            "people_count",
            "household_size",
            "household_children",
            "origin__pcode",
            "origin__admin_level",
            "destination__pcode",
            "destination__admin_level",
            "cause__category",
            "cause__event_type",
            "cause__sub_event_type",
        )
    )
    current, rank = None, 0
    counted: dict[tuple, set[int]] = defaultdict(set)
    flow_households: dict[tuple, set[int]] = defaultdict(set)
    for row in rows.iterator(chunk_size=5000):
        household = row["household_id"]
        current, rank = household, (rank + 1 if household == current else 1)
        week = week_of(row["left_on"])
        if (weeks is not None and week not in weeks) or not row["selected"]:
            continue
        origin = _adm(row["origin__pcode"], row["origin__admin_level"])
        key = (
            week,
            *origin,
            row["cause__category"] or "",
            row["cause__event_type"] or "",
            row["cause__sub_event_type"] or "",
        )
        people = row["people_count"] if row["people_count"] is not None else row["household_size"]
        cell = cells[key]
        if household not in counted[key]:
            counted[key].add(household)
            cell["households_displaced"] += 1
            if rank > 1:
                cell["repeat_households"] += 1
        cell["people_displaced"] += people
        cell["children_displaced"] += min(row["household_children"], people)
        destination = _adm(row["destination__pcode"], row["destination__admin_level"])[0]
        flow_key = (part_of(row["left_on"]), origin[0], destination)
        flows[flow_key]["people"] += people
        if household not in flow_households[flow_key]:
            flow_households[flow_key].add(household)
            flows[flow_key]["households"] += 1


def case_cells(cases) -> dict[tuple, int]:
    """Cases of the queryset ``cases`` by the case summary's cell (``summary_sql.case_cells``):
    (month opened, oblast of the household's current place, status, whether the household may
    be counted outside), in SQL. Staff reports of any filter count with it."""
    counted = Q(household_id__in=consenting_household_ids(ConsentPurpose.STATISTICS))
    rows = (
        cases.annotate(
            month=TruncMonth("opened_on"),
            adm1=Substr(Coalesce("household__current_place__pcode", Value("")), 1, 4),
            counted=ExpressionWrapper(counted, output_field=BooleanField()),
        )
        .order_by()
        .values("month", "adm1", "status", "counted")
        .annotate(n=Count("pk"))
    )
    return {(row["month"], row["adm1"], row["status"], row["counted"]): row["n"] for row in rows}


def _lock(organization_id: int) -> None:
    """One writer of an organisation's summaries at a time (two refreshes of the same weeks
    would both delete, then both insert), until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, organization_id])


_LOCK_NAMESPACE = 7301  # arbitrary: this application's advisory locks for summaries


@transaction.atomic
def case_summary_rebuild(*, organization_id: int) -> int:
    _lock(organization_id)
    return summary_sql.replace(CaseSummary._meta.db_table, summary_sql.case_cells(organization_id), organization_id)


def _write(organization_id: int, weeks: set | None, parts=tuple(summary_sql.PARTS)) -> int:
    """Recompute the weekly and flow summaries (of ``weeks``, or all); the number of rows written."""
    written = summary_sql.replace(
        WeeklySummary._meta.db_table, summary_sql.weekly_cells(organization_id, weeks, parts), organization_id, weeks
    )
    if "displacements" in parts:
        flows = summary_sql.flow_cells(organization_id, weeks)
        written += summary_sql.replace(FlowSummary._meta.db_table, flows, organization_id, weeks)
    return written


@transaction.atomic
def summaries_rebuild(*, organization_id: int) -> int:
    """Recompute every summary of the organisation, all or nothing."""
    _lock(organization_id)
    return _write(organization_id, None) + case_summary_rebuild(organization_id=organization_id)


@transaction.atomic
def summaries_refresh(
    *, organization_id: int, weeks: Iterable[datetime.date], parts: Iterable[str] | None = None
) -> int:
    """Recompute the weekly and flow summaries of ``weeks`` (any day of them) only, and only
    what the ``parts`` that changed (source tables, ``summary_sql.PARTS``; default all) count:
    a new testimony changes no event or displacement count, so it need not rank trajectories."""
    weeks = {week_of(w) for w in weeks}
    parts = tuple(summary_sql.PARTS) if parts is None else tuple(parts)
    if unknown := set(parts) - set(summary_sql.PARTS):
        raise ValueError(f"unknown summary parts: {sorted(unknown)}")
    if not weeks or not parts:
        return 0
    _lock(organization_id)
    return _write(organization_id, weeks, parts)
