"""Aggregates computed from the casework tables (the summary tables build on the same rules).

Inside the owning organisation counts are exact. Outside it (``outside=True``: partners,
donors, published reports) only people whose consent to statistics is active are counted,
and every table goes through small-cell suppression.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import F
from django.db.models.functions import Substr

from displacement import models as m
from displacement.reports.suppression import SuppressedTable, suppress_table
from displacement.selectors.sharing import countable_displacements


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
