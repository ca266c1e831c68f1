"""The bulk write of imported events: set-based, the service for an import's many rows.

The rows of events the organisation does not hold yet are copied (COPY) straight into the
events table as the file is mapped; the others go into a temporary table, from which one
UPDATE revises the events whose source revision is newer. History is on (statement-level
triggers), so every created or revised event has its history row and its import run, and an
unchanged row writes nothing at all. The rules a single event obeys (``services.events``,
``Event.clean``) hold for every row: the mapper checks the type and sub-type against
``vocab.EVENT_TYPE_OF_SUB_TYPE`` and the database's constraints check the rest.
"""

from __future__ import annotations

import datetime
import itertools
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from django.db import connection

from displacement import models as m
from displacement.importers.pipeline import Counts
from displacement.models.vocab import EventCategory, Origin, SourceKind
from displacement.services import event_duplicate_queue, summary_tracking
from displacement.services.bulk_copy import copy_into

#: Marks the Source records an import made from a publisher's name (an update re-links only these).
IMPORTED_SOURCE_NOTE = "Publisher named by an imported record."
_SEP = "\x1f"  # between publishers in one cell of the temporary table
_LOCK_NAMESPACE = 7302  # arbitrary: this application's advisory locks for imports


class EventRow(NamedTuple):
    external_id: str
    title: str
    description: str
    event_type: str
    sub_event_type: str
    start: datetime.date
    date_precision: str
    place_id: int
    geo_precision: int
    latitude: str | None
    longitude: str | None
    killed: int | None
    civilian_targeting: bool
    actor1: str
    actor2: str
    assoc_actor1: str
    assoc_actor2: str
    inter1: str
    inter2: str
    source_timestamp: int | None
    publishers: tuple[str, ...]
    source_scale: str


_TYPES = {
    "start": "date",
    "place_id": "integer",
    "geo_precision": "smallint",
    "latitude": "numeric(9, 6)",
    "longitude": "numeric(9, 6)",
    "killed": "integer",
    "civilian_targeting": "boolean",
    "source_timestamp": "bigint",
}
_LINK_FIELDS = ("publishers", "source_scale")  # not the event's: its links to sources
#: The columns copied from the row into the event, as they are.
_COPIED = [f for f in EventRow._fields if f not in ("external_id", *_LINK_FIELDS)]
_HELD_COLUMNS = ["external_id", *_COPIED]
#: What a new event is copied with: the organisation, the row, then what every imported event has.
_EVENT_COLUMNS = [
    "organization_id", "external_id", *_COPIED, "category", "displacement_kind", "weapon", "target", "origin",
    "import_run_id", "verification_status", "created_by_id", "created_at", "updated_at",
]  # fmt: skip


def _execute(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _rowcount(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _temp_tables() -> None:
    columns = ", ".join(f"{f} {_TYPES.get(f, 'text')}" for f in _HELD_COLUMNS)
    _execute(
        "DROP TABLE IF EXISTS pg_temp.import_event; DROP TABLE IF EXISTS pg_temp.import_written;"
        " DROP TABLE IF EXISTS pg_temp.import_source; DROP TABLE IF EXISTS pg_temp.import_link"
    )
    _execute(f"CREATE TEMP TABLE import_event (row_number serial, {columns}, alias_of bigint) ON COMMIT DROP")
    _execute(
        "CREATE TEMP TABLE import_written (event_id integer, external_id text, old_start date, start date,"
        " inserted boolean) ON COMMIT DROP"
    )
    _execute(
        "CREATE TEMP TABLE import_link (row_number serial, external_id text, publishers text, source_scale text)"
        " ON COMMIT DROP"
    )


def _spooled(spool) -> Iterator[EventRow]:
    spool.seek(0)
    while True:
        try:
            yield pickle.load(spool)  # noqa: S301 (our own rows, written just before, never read from outside)
        except EOFError:
            return


def _copy_rows(rows: Iterable[EventRow], organization_id: int, run_id: int, status: str, user_id: int | None):
    """COPY the rows of events the organisation does not hold straight into the events table;
    the others (to revise, perhaps) into ``import_event``; every row's publishers into
    ``import_link``. Returns (rows, rows copied as new events)."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:  # nothing to write (the same file again): not even the ids are read
        return 0, 0
    # The ids the organisation holds, staff's included: a row naming one is a revision, perhaps;
    # any other is a new event (one created meanwhile by another writer fails the import whole).
    held = set(
        m.Event.objects.filter(organization_id=organization_id)
        .exclude(external_id="")
        .values_list("external_id", flat=True)
        .iterator(chunk_size=10_000)
    )
    # and the ids events took in merges (``EventAlias``): their rows revise the survivor.
    held.update(m.EventAlias.objects.filter(organization_id=organization_id).values_list("external_id", flat=True))
    now = _execute("SELECT statement_timestamp()")[0][0]
    fixed = (EventCategory.VIOLENCE, "", "", "", Origin.ACLED, run_id, status, user_id, now, now)
    # Every row's publishers, in file order (the first row names a source's scale): the tuples
    # the mapper keeps once per source text, and each scale's text once, ~70 bytes a row.
    links: list[tuple] = []
    scales: dict[str, str] = {}
    counts = [0, 0]
    # A held event's row waits on disk, not in memory: a file that revises everything stays small.
    with tempfile.TemporaryFile() as spool:

        def new_events():
            for row in itertools.chain((first,), rows):
                counts[0] += 1
                links.append((row.external_id, row.publishers, scales.setdefault(row.source_scale, row.source_scale)))
                if row.external_id in held:
                    pickle.dump(row, spool, pickle.HIGHEST_PROTOCOL)
                    continue
                counts[1] += 1
                yield (organization_id, row.external_id, *row[1:-2], *fixed)

        copy_into("displacement_event", _EVENT_COLUMNS, new_events())
        _execute(
            "INSERT INTO import_written SELECT id, external_id, NULL, start, true FROM displacement_event"
            " WHERE organization_id = %s AND import_run_id = %s",
            [organization_id, run_id],
        )
        if counts[1] < counts[0]:
            copy_into("import_event", _HELD_COLUMNS, (row[:-2] for row in _spooled(spool)))
            _execute("CREATE UNIQUE INDEX ON import_event (external_id); ANALYZE import_event")
    copy_into(
        "import_link",
        ["external_id", "publishers", "source_scale"],
        ((external_id, _SEP.join(publishers), scale) for external_id, publishers, scale in links),
    )
    return counts[0], counts[1]


def _resolve_aliases(organization_id: int) -> None:
    """Rows under an id that an event took in a merge (``EventAlias``) revise that event."""
    _execute(
        """UPDATE import_event t SET alias_of = a.event_id FROM displacement_eventalias a
           WHERE a.organization_id = %s AND a.external_id = t.external_id""",
        [organization_id],
    )


def _upsert(organization_id: int, run_id: int, status: str, user_id: int | None) -> tuple[int, int]:
    """(updated, created): revise what is newer, add what is new, touch nothing else. A merged
    event's rows (its own id's and its aliases') revise it in turn, the newest last: it ends with
    the newest revision, and the publishers of every row that revised it."""
    assignments = ", ".join(f"{c} = t.{c}" for c in _COPIED)
    updated = _rowcount(
        f"""WITH revised AS (
            UPDATE displacement_event e SET {assignments}, category = %s, displacement_kind = '',
                origin = %s, import_run_id = %s, updated_at = statement_timestamp()
            FROM import_event t, displacement_event o
            WHERE e.organization_id = %s AND e.external_id = t.external_id AND o.id = e.id
              AND t.source_timestamp IS NOT NULL
              AND (e.source_timestamp IS NULL OR t.source_timestamp > e.source_timestamp)
            RETURNING e.id, e.external_id, o.start AS old_start, e.start
        ) INSERT INTO import_written SELECT id, external_id, old_start, start, false FROM revised""",  # noqa: S608
        [EventCategory.VIOLENCE, Origin.ACLED, run_id, organization_id],
    )
    updated += _rowcount(
        f"""WITH revised AS (
            UPDATE displacement_event e SET {assignments}, category = %s, displacement_kind = '',
                origin = %s, import_run_id = %s, updated_at = statement_timestamp()
            FROM (SELECT DISTINCT ON (alias_of) * FROM import_event
                  WHERE alias_of IS NOT NULL AND source_timestamp IS NOT NULL
                  ORDER BY alias_of, source_timestamp DESC, row_number) t, displacement_event o
            WHERE e.id = t.alias_of AND e.organization_id = %s AND o.id = e.id
              AND (e.source_timestamp IS NULL OR t.source_timestamp > e.source_timestamp)
            RETURNING e.id, t.external_id, o.start AS old_start, e.start
        ) INSERT INTO import_written SELECT id, external_id, old_start, start, false FROM revised""",  # noqa: S608
        [EventCategory.VIOLENCE, Origin.ACLED, run_id, organization_id],
    )
    columns = ", ".join(_COPIED)
    created = _rowcount(
        f"""WITH added AS (
            INSERT INTO displacement_event (organization_id, external_id, {columns}, category,
                displacement_kind, weapon, target, origin, import_run_id, verification_status,
                created_by_id, created_at, updated_at)
            SELECT %s, t.external_id, {", ".join(f"t.{c}" for c in _COPIED)}, %s, '', '', '', %s, %s, %s, %s,
                statement_timestamp(), statement_timestamp()
            FROM import_event t
            WHERE t.alias_of IS NULL AND NOT EXISTS (SELECT FROM displacement_event e
                              WHERE e.organization_id = %s AND e.external_id = t.external_id)
            ORDER BY t.row_number
            RETURNING id, external_id, start
        ) INSERT INTO import_written SELECT id, external_id, NULL, start, true FROM added""",  # noqa: S608
        [organization_id, EventCategory.VIOLENCE, Origin.ACLED, run_id, status, user_id, organization_id],
    )
    return updated, created


def _link_sources(organization_id: int, revised: bool) -> None:
    """One Source per publisher (split on ``;``), made when first named, with ACLED's scale."""
    # Each publisher's first row by a hash aggregate: a DISTINCT ON sorted all the written
    # (row, publisher) pairs (400,000 at 200,000 rows) and took twice as long.
    _execute(
        """INSERT INTO displacement_source (organization_id, kind, title, publisher, url, reliability,
               notes, scale, created_at, updated_at)
           SELECT %s, %s, p.publisher, p.publisher, '', 'unknown', %s, f.source_scale,
                  statement_timestamp(), statement_timestamp()
           FROM (SELECT publisher, min(t.row_number) AS first_row
                 FROM import_written w JOIN import_link t USING (external_id),
                      unnest(string_to_array(t.publishers, %s)) publisher
                 WHERE t.publishers <> '' GROUP BY publisher) p
           JOIN import_link f ON f.row_number = p.first_row
           WHERE NOT EXISTS (SELECT FROM displacement_source s WHERE s.organization_id = %s
                             AND s.kind = %s AND s.publisher = p.publisher)""",
        [organization_id, SourceKind.MEDIA, IMPORTED_SOURCE_NOTE, _SEP, organization_id, SourceKind.MEDIA],
    )
    if revised:  # a revision re-links the event to its current publishers
        _execute(
            """DELETE FROM displacement_event_sources l
           USING import_written w, import_link t, displacement_source s
           WHERE NOT w.inserted AND l.event_id = w.event_id AND t.external_id = w.external_id
             AND s.id = l.source_id AND s.notes = %s
             AND NOT (s.publisher = ANY (string_to_array(t.publishers, %s)))""",
            [IMPORTED_SOURCE_NOTE, _SEP],
        )
    # The publishers' sources in a small analysed table: joined to the links by hash. Joined to
    # displacement_source itself, whose statistics do not know the sources just made, the
    # planner looped over the written rows once a source (19 s of 47 at 200,000 rows).
    _execute(
        """CREATE TEMP TABLE import_source ON COMMIT DROP AS
           SELECT s.publisher, s.id AS source_id FROM displacement_source s
           WHERE s.organization_id = %s AND s.kind = %s
             AND s.publisher IN (SELECT unnest(string_to_array(publishers, %s)) FROM import_link)""",
        [organization_id, SourceKind.MEDIA, _SEP],
    )
    _execute("ANALYZE import_source")
    # A new event has no links yet: a plain INSERT (ON CONFLICT's speculative insertion cost a
    # third more at 400,000 links); a revised event may keep links, hence ON CONFLICT.
    for inserted, conflict in ((True, ""), (False, "ON CONFLICT DO NOTHING"))[: 1 + revised]:
        _execute(
            f"""INSERT INTO displacement_event_sources (event_id, source_id)
               SELECT w.event_id, s.source_id
               FROM import_written w JOIN import_link t USING (external_id),
                    unnest(string_to_array(t.publishers, %s)) p(publisher)
                    JOIN import_source s ON s.publisher = p.publisher
               WHERE t.publishers <> '' AND w.inserted = %s
               {conflict}""",  # noqa: S608
            [_SEP, inserted],
        )


def _touch_summaries(organization_id: int) -> None:
    """The weeks the written events left and entered, and those of their testimonies and
    displacements: refreshed after commit, like any other write."""
    days = _execute(
        """SELECT DISTINCT d FROM (
             SELECT start AS d FROM import_written UNION ALL SELECT old_start FROM import_written
             UNION ALL SELECT t.recorded_on FROM displacement_testimonyevent te
                JOIN import_written w ON te.event_id = w.event_id AND NOT w.inserted
                JOIN displacement_testimony t ON t.id = te.testimony_id
             UNION ALL SELECT dp.left_on FROM displacement_displacement dp
                JOIN import_written w ON dp.cause_id = w.event_id AND NOT w.inserted
           ) days WHERE d IS NOT NULL"""
    )
    if days:
        summary_tracking.touch(organization_id, *(d for (d,) in days))


def imported_revisions(organization_id: int) -> dict[str, int]:
    """The source revision (ACLED's timestamp) of each of the organisation's imported events,
    under their own ids and the ids they took in merges."""
    revisions = dict(
        m.Event.objects.filter(organization_id=organization_id, source_timestamp__isnull=False)
        .values_list("external_id", "source_timestamp")
        .iterator(chunk_size=10_000)
    )
    revisions.update(
        m.EventAlias.objects.filter(organization_id=organization_id, event__source_timestamp__isnull=False)
        .values_list("external_id", "event__source_timestamp")
        .iterator(chunk_size=10_000)
    )
    return revisions


def events_import(*, organization, run, rows: Iterable[EventRow], by=None) -> Counts:
    """Create or revise ``organization``'s events from ``rows`` (see the module); the caller's
    transaction holds it all, so a failure anywhere writes nothing."""
    if not connection.in_atomic_block:
        raise RuntimeError("events_import runs inside the import's transaction")
    _execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, organization.pk])
    # pgtrigger's triggers read this setting in every row; unset, each read raises and catches
    # an error (a subtransaction a row: half the cost of writing an event). Empty: nothing is
    # ignored, as when unset, for this transaction only.
    _execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    # The joins of the written rows (hash tables of 200,000 rows) in memory, not in batches on disk.
    _execute("SELECT set_config('work_mem', '64MB', true)")
    status, user_id = organization.acled_verification_status, getattr(by, "pk", None)
    _temp_tables()
    written, copied = _copy_rows(rows, organization.pk, run.pk, status, user_id)
    updated = created = 0
    if written > copied:  # rows of events the organisation holds: revise what is newer
        _resolve_aliases(organization.pk)
        updated, created = _upsert(organization.pk, run.pk, status, user_id)
    _execute("ANALYZE import_written")  # the joins that follow plan on its real size
    _link_sources(organization.pk, revised=updated > 0)
    _touch_summaries(organization.pk)
    event_duplicate_queue.check_run_after_commit(run.pk)
    return Counts(created=copied + created, updated=updated, unchanged=written - copied - created - updated)
