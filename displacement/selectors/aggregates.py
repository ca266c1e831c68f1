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


def displacement_flows(*, organization: m.Organization, outside: bool) -> SuppressedTable | dict:
    """Households displaced from each oblast (rows) to each oblast (columns).

    P-codes nest by prefix, so an oblast is the first four characters of a Ukrainian
    P-code (UA12 in UA1214025).
    """
    rows = (
        countable_displacements(organization=organization, outside=outside)
        .filter(destination__isnull=False)
        .annotate(
            origin_oblast=Substr(F("origin__pcode"), 1, 4), dest_oblast=Substr(F("destination__pcode"), 1, 4)
        )
        .values_list("origin_oblast", "dest_oblast", "household_id")
        .distinct()
    )
    counts = Counter((origin, destination) for origin, destination, _ in rows)
    if not outside:
        return dict(counts)
    return suppress_table(counts)
