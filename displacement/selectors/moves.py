"""Households' moves as partners receive them: one suppressed table, two views.

A partner's monthly flows (``/api/v1/summaries/``, the ``flows`` report) and its weekly
displacement summary count the same moves. Suppressed each on its own, they could be set
against each other: over a month of whole ISO weeks the weeks' households from an oblast are
the month's flows from it, so a week hidden in one was the month's total less the published
weeks. So both are made from one table, suppressed once: for each **part** (the days of one
ISO week inside one calendar month) the moves from each oblast of origin to each oblast of
destination, or to none ('' when the destination is not known), counted as households that
moved (a household that left twice in a part, to two places, counts in both cells) and their
people. Each part's table is suppressed whole; a month's flows and a week's households and
people are sums of its parts' published numbers, hidden when one is (``suppression.combined``).
Parts hold disjoint moves, so no sums and differences of the two views give a hidden number.
The parts' counts are the flow summary's cells that may be counted outside (``counted``).
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass

from displacement import models as m
from displacement.reports.suppression import SuppressedTable, combined, hidden_positions, suppress_table

#: (the Monday of its ISO week, the first of its month).
Part = tuple[datetime.date, datetime.date]
#: The destination of a move whose destination is not known.
NOWHERE = ""


@dataclass(frozen=True)
class Counted:
    """One suppressed table's two metrics (rows: oblasts of origin; columns: of destination)."""

    households: SuppressedTable
    people: SuppressedTable
    #: The cells that hold a move (the others are zeros that a file leaves out).
    present: frozenset = frozenset()


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def part_counts(*, organization, first: datetime.date | None = None, last: datetime.date | None = None):
    """``{part: {(origin, destination): (households, people)}}`` of the moves of
    ``organization`` that may be counted outside it, in the parts from ``first`` to ``last``
    (give whole parts: whole weeks or whole months). Read from the flow summary's ``counted``
    cells (``services.summary_sql``, where the rules are written): oblasts of origin and
    destination as the weekly summary takes them ('' when there is none)."""
    cells = m.FlowSummary.objects.filter(organization=organization, counted=True)
    if first is not None:
        cells = cells.filter(week__gte=first)
    if last is not None:
        cells = cells.filter(week__lte=last)
    parts: dict[Part, dict] = defaultdict(dict)
    rows = cells.values_list("week", "origin_adm1", "destination_adm1", "households", "people")
    for start, origin, destination, households, people in rows:
        parts[(start - datetime.timedelta(days=start.weekday()), month_of(start))][(origin, destination)] = (
            households,
            people,
        )
    return dict(parts)


def suppressed_parts(*, organization, first=None, last=None) -> dict[Part, Counted]:
    """Each part's table of ``organization`` (``part_counts``), suppressed whole (``suppressed``)."""
    return suppressed(part_counts(organization=organization, first=first, last=last))


def suppressed(counts: dict[Part, dict]) -> dict[Part, Counted]:
    """Each part's table suppressed whole: households, then people with every position of
    the households' that is hidden hidden too."""
    tables = {}
    for part, cells in counts.items():
        households = suppress_table({key: h for key, (h, _p) in cells.items()})
        people = suppress_table({key: p for key, (_h, p) in cells.items()}, force=hidden_positions(households))
        tables[part] = Counted(households, people, frozenset(cells))
    return tables


def monthly_flows(parts: dict[Part, Counted]) -> dict[datetime.date, Counted]:
    """Per calendar month: households and people from oblast to oblast (moves with a
    destination), the sums of the month's parts."""
    months = defaultdict(list)
    for (_week, month), counted in parts.items():
        months[month].append(counted)
    return {
        month: Counted(
            combined([c.households for c in counted], drop={NOWHERE}),
            combined([c.people for c in counted], drop={NOWHERE}),
            frozenset(key for c in counted for key in c.present if key[1] != NOWHERE),
        )
        for month, counted in months.items()
    }


def weekly_moves(parts: dict[Part, Counted]) -> dict[datetime.date, dict[str, tuple[int | None, int | None]]]:
    """Per ISO week: ``{origin: (households, people)}`` of every move (with a destination or
    not), the sums of the week's parts (None: hidden)."""
    weeks = defaultdict(list)
    for (week, _month), counted in parts.items():
        weeks[week].append(counted)
    out = {}
    for week, counted in weeks.items():
        households = combined([c.households for c in counted])
        people = combined([c.people for c in counted])
        out[week] = {r: (households.row_totals[r], people.row_totals[r]) for r in households.rows}
    return out
