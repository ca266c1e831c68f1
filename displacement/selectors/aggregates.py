"""Flows of displaced households between oblasts.

Inside the owning organisation counts are exact, over any period (``displacement_flows``,
from the casework tables). Outside it (partners, donors, published reports) only households
whose consent to statistics is active are counted, read from the flow summary's ``counted``
cells (``selectors.moves``), and every table goes through small-cell suppression.
"""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import F
from django.db.models.functions import Substr

from displacement import models as m
from displacement.reports.suppression import TOTAL, SuppressedTable, suppress_table
from displacement.selectors import moves
from displacement.selectors.moves import month_end, month_of
from displacement.selectors.sharing import countable_displacements

__all__ = ["displacement_flows", "flow_cells", "flow_rows", "month_end", "month_of", "published_flows"]


def displacement_flows(
    *, organizations, outside: bool, left_after=None, left_before=None, origin: str | None = None
) -> SuppressedTable | dict:
    """Households displaced from each oblast (rows) to each oblast (columns).

    ``organizations`` are the owners counted (one, or every owner sharing summaries with a
    partner). P-codes nest by prefix, so an oblast is the first four characters of a
    Ukrainian P-code (UA12 in UA1214025).
    """
    if isinstance(organizations, m.Organization):
        organizations = [organizations]
    rows = m.Displacement.objects.none()
    for organization in organizations:
        rows = rows | countable_displacements(organization=organization, outside=outside)
    rows = rows.filter(destination__isnull=False)
    if left_after:
        rows = rows.filter(left_on__gte=left_after)
    if left_before:
        rows = rows.filter(left_on__lte=left_before)
    if origin:
        rows = rows.filter(origin__pcode__startswith=origin)
    rows = (
        rows.annotate(origin_oblast=Substr(F("origin__pcode"), 1, 4), dest_oblast=Substr(F("destination__pcode"), 1, 4))
        .values_list("origin_oblast", "dest_oblast", "household_id")
        .distinct()
    )
    counts = Counter((origin_oblast, destination) for origin_oblast, destination, _ in rows)
    if not outside:
        return dict(counts)
    return suppress_table(counts)


# --- what partners may read: fixed months, suppressed whole, then selected ----------------
#
# Two answers that overlap (January, then January to February) or that cut one table in two
# (an origin, then the rest) can be subtracted to isolate a household. So a partner's flows
# are by construction cells of one table per calendar month, built from everything the
# owners share (the sums of its parts, each suppressed whole: ``selectors.moves``); a
# partner's filters only choose which published cells of which months to show, and never
# count anything again.


def published_flows(
    *, organizations, first: datetime.date | None = None, last: datetime.date | None = None
) -> dict[tuple[str, datetime.date], SuppressedTable]:
    """Each owner's table of flows for each month as it leaves the owner, keyed by (owner's
    slug, month): counting only households whose consent to statistics is active (the flow
    summary's ``counted`` cells: refreshed after the changes that move them), the sums of
    the month's parts, each suppressed whole (``selectors.moves``: the same table as the
    weekly displacement summary's, so that the two cannot be set against each other), for the
    whole months from ``first``'s to ``last``'s. Owners are never summed: a partner's report
    from one owner would otherwise be subtracted from a sum over two."""
    tables = {}
    for organization in organizations:
        parts = moves.suppressed_parts(
            organization=organization,
            first=month_of(first) if first is not None else None,
            last=month_end(last) if last is not None else None,
        )
        for month, counted in moves.monthly_flows(parts).items():
            tables[(organization.slug, month)] = counted.households
    return tables


def flow_cells(table: SuppressedTable, *, origin: str | None = None) -> list[tuple[str, str, int | None]]:
    """The published table's cells and totals as (origin, destination, households or None),
    only the ``origin`` row's (its cells and its total) when one is chosen: a selection of
    what is published, never a new count."""
    cells = [(r, c, v) for (r, c), v in sorted(table.cells.items())]
    cells += [(r, TOTAL, v) for r, v in sorted(table.row_totals.items())]
    cells += [(TOTAL, c, v) for c, v in sorted(table.column_totals.items())]
    if origin is not None:
        cells = [cell for cell in cells if cell[0] == origin]
    return cells


def flow_rows(tables: dict[tuple, SuppressedTable], *, origin: str | None = None) -> list[tuple]:
    """A partner's answer: (owner, month, origin, destination, households or None) for each
    published cell of each table (``flow_cells``), table by table."""
    return [(*key, *cell) for key, table in sorted(tables.items()) for cell in flow_cells(table, origin=origin)]
