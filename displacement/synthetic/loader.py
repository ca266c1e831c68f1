"""Loading the dataset: the tables it fills, indexes and history triggers set aside meanwhile, and its removal.

Only pghistory's triggers are switched off, by name (``history_triggers``): every other trigger
(a testimony's consent column, the events' corroboration) runs during the load as during any
write, so that no trigger's rule is written a second time here."""

from __future__ import annotations

import time
from collections.abc import Callable

import pghistory.trigger
import pgtrigger
from django.db import connection, transaction

from displacement import models as m
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
        _history(enabled=False)
        indexes = _drop_indexes()
        generator.run()
        _rebuild_indexes(indexes, progress)
        _history(enabled=True)
    return SyntheticResult(rows=generator.rows, seconds=time.monotonic() - started)


def _drop_indexes() -> list[str]:
    """Drop the loaded tables' secondary indexes (not the unique ones: they hold a rule, and the
    triggers that run during the load read by them), returning how to build them again: one
    build after the load is several times faster than keeping full-text and other indexes up
    to date row by row."""
    tables = [model._meta.db_table for model in TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            JOIN pg_class c ON c.relname = i.indexname AND c.relkind = 'i'
            JOIN pg_index x ON x.indexrelid = c.oid
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT x.indisunique
            """,
            [tables],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in found]


def _rebuild_indexes(definitions: list[str], progress: Progress | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the load's foreign keys, checked before a build
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)
    if progress is not None:
        progress.out.write(f"{len(definitions)} indexes rebuilt.\n")


def synthetic_delete() -> int:
    """Delete every synthetic record (history triggers off, as for the load). Raw SQL, not
    ``services.deletions.record_delete``: it leaves no tombstones, as it never did (its
    raw SQL fired no delete signal either)."""
    organizations = list(m.Organization.objects.filter(slug__startswith=SLUG).values_list("pk", flat=True))
    if not organizations:
        return 0
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        _history(enabled=False)
        for model, where in [
            # The duplicate queues and aliases a pass may have made over the synthetic records.
            (m.HouseholdDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventDuplicateCandidate, "organization_id = ANY(%s)"),
            (m.EventAlias, "organization_id = ANY(%s)"),
            # The links before the consents: a consent's removal recomputes its testimony's consent
            # column, and each testimony so changed recounts the events it still speaks of.
            (
                m.TestimonyEvent,
                "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))",
            ),
            (m.Consent, "testimony_id IN (SELECT id FROM displacement_testimony WHERE organization_id = ANY(%s))"),
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
        _history(enabled=True)
        for model in (m.WeeklySummary, m.FlowSummary, m.CaseSummary):
            model.objects.filter(organization_id__in=organizations).delete()
    return deleted


def history_triggers() -> list[tuple[str, str]]:
    """(table, trigger) of pghistory's triggers on the loaded tables, named as pgtrigger names them."""
    return [
        (model._meta.db_table, trigger.get_pgid(model))
        for model, trigger in pgtrigger.registered()
        if model in TABLES and isinstance(trigger, pghistory.trigger.Event)
    ]


def _history(*, enabled: bool) -> None:
    """Switch the history triggers of the loaded tables, and only them; constraints stay on."""
    action = "ENABLE" if enabled else "DISABLE"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Foreign keys are checked at commit; check them now, or ALTER TABLE refuses.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in history_triggers():
            cursor.execute(f"ALTER TABLE {quote(table)} {action} TRIGGER {quote(trigger)}")
        # Then at commit again: the load writes consents before their testimonies.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Every pgtrigger trigger first asks whether it is ignored; unset, the question raises
        # and catches an error, and each caught error scans the transaction's pending foreign
        # key checks (a million of them in a load): 1 ms a row. Set, it answers "none".
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
