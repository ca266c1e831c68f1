"""Loading the dataset: the tables it fills, indexes and history triggers set aside meanwhile, and its removal."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import connection, transaction

from displacement import models as m
from displacement.services.corroboration import corroboration_rebuild
from displacement.synthetic.generator import _Generator
from displacement.synthetic.shape import SLUG
from displacement.synthetic.support import (
    Progress,
    SyntheticRefused,
    SyntheticResult,
    real_data_present,
    synthetic_households,
)

TABLES = [m.Event, m.Household, m.Person, m.Displacement, m.Testimony, m.TestimonyEvent, m.Consent, m.Case]


def expected_rows(households: int) -> int:
    """About how many rows ``households`` makes (for the progress bar)."""
    return round(households * (2 / 3 + 1 + 2.8 + 1.45 + 10 / 3 + 1.23 * 10 / 3 + 2.25 * 10 / 3 + 0.6))


def generate_synthetic(
    *,
    households: int,
    seed: int,
    force: bool = False,
    progress: Progress | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> SyntheticResult:
    """Write the dataset, all or nothing. Refuses a database holding real casework unless
    ``force``, and one already holding synthetic data (delete it with ``synthetic_delete``)."""
    if households < 1:
        raise SyntheticRefused("Ask for at least one household.")
    if real_data_present() and not force:
        raise SyntheticRefused(
            "This database holds casework that is not synthetic: refusing to fill it with fake people. "
            "Use a separate database, or --force if you are sure."
        )
    if synthetic_households():
        raise SyntheticRefused(
            f"Synthetic data is already here ({synthetic_households():,} households): use --replace to start over."
        )
    started = time.monotonic()
    generator = _Generator(households, seed, progress)
    with transaction.atomic():
        _triggers(enabled=False)
        indexes = _drop_indexes()
        generator.run()
        _rebuild_indexes(indexes, progress)
        _triggers(enabled=True)
        # The events' independent sources, which the triggers switched off would have kept.
        corroboration_rebuild(
            organization_ids=list(m.Organization.objects.filter(slug__startswith=SLUG).values_list("pk", flat=True))
        )
    return SyntheticResult(rows=generator.rows, seconds=time.monotonic() - started)


def _drop_indexes() -> list[str]:
    """Drop the loaded tables' secondary indexes (not those behind a primary key or unique
    constraint), returning how to build them again: one build after the load is several
    times faster than keeping full-text and other indexes up to date row by row."""
    tables = [model._meta.db_table for model in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _rebuild_indexes(definitions: list[str], progress: Progress | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
    if progress is not None:
        progress.out.write(f"{len(definitions)} indexes rebuilt.\n")


def synthetic_delete() -> int:
    """Delete every synthetic record (history triggers off, as for the load)."""
    organizations = list(m.Organization.objects.filter(slug__startswith=SLUG).values_list("pk", flat=True))
    if not organizations:
        return 0
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _triggers(enabled=False)
        for model, where in [
            # The duplicate queues and aliases a pass may have made over the synthetic records.
            (m.HouseholdDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventAlias, "organization_id = ANY(%s)"),
            (m.Consent, "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))"),
            (
                m.TestimonyEvent,
                "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))",
            ),
            (m.Case, "organization_id = ANY(%s)"),
            (m.Testimony, "organization_id = ANY(%s)"),
            (m.Displacement, "organization_id = ANY(%s)"),
            (m.Person, "household_id IN (SELECT id FROM displacement_household WHERE organization_id = ANY(%s))"),
            (m.Household, "organization_id = ANY(%s)"),
            (m.EventCorroboration, "event_id IN (SELECT id FROM displacement_event WHERE organization_id = ANY(%s))"),
            (m.Event, "organization_id = ANY(%s)"),
        ]:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {where}", [organizations])  # noqa: S608
            deleted += cursor.rowcount
        _triggers(enabled=True)
        for model in (m.WeeklySummary, m.FlowSummary, m.CaseSummary):
            model.objects.filter(organization_id__in=organizations).delete()
    return deleted


def _triggers(*, enabled: bool) -> None:
    """Switch the user triggers of the loaded tables (pghistory's, and those keeping
    ``Testimony.sharing_consent``, which the load writes itself); constraints stay on."""
    action = "ENABLE" if enabled else "DISABLE"
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; check them now, or ALTER TABLE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for model in TABLES:
            cursor.execute(f"ALTER TABLE {connection.ops.quote_name(model._meta.db_table)} {action} TRIGGER USER")
