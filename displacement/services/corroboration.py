"""Recomputing events' independent sources by hand, after a load that ran without triggers.

The database keeps every event's count as its inputs change (``models.corroboration``); a bulk
load with its triggers switched off (``generate_synthetic``) calls this once at its end.
"""

from __future__ import annotations

from django.db import connection


def corroboration_rebuild(*, organization_ids: list[int] | None = None) -> int:
    """Recompute the counts of every event (of ``organization_ids``); return how many events."""
    where, params = ("", []) if organization_ids is None else ("WHERE organization_id = ANY(%s)", [organization_ids])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT array_agg(id) FROM displacement_event {where}", params)  # noqa: S608 (constant)
        (ids,) = cursor.fetchone()
        cursor.execute("SELECT dsp_corroboration_refresh(%s::bigint[])", [ids or []])
    return len(ids or [])
