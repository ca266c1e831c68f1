"""Rows written with COPY into a model's own table: for imports of many records at once.

``copy_rows(model, rows)`` takes the ids from the table's sequence first (one query), then COPYs
every row with its id, so that the caller links the rows of the next table to them without a
``RETURNING``. Each row is a dict by attribute name (``household_id``); a field left out takes
its model default (a new code for each row where the default is a function), ``created_at``
and ``updated_at`` the time of the write. Triggers fire as for INSERT: history (statement-level
for the models written this way), CHECKs, generated columns, foreign keys. No model instance
is made and no SQL is compiled per row: the values are the ones a mapper validated against the
fields' own rules, and the database's constraints hold them again.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter


def _plan(model):
    """(attname, column, constant default, default function) of each stored, non-generated field."""
    plan = []
    for field in model._meta.concrete_fields:
        if field.generated or field.primary_key:
            continue
        function = field.default if field.has_default() and callable(field.default) else None
        constant = None if function or not field.has_default() else field.get_default()
        if isinstance(constant, DatabaseDefault):
            constant = None
        if not field.has_default() and not field.null and field.empty_strings_allowed:
            constant = ""
        plan.append((field.attname, field.column, constant, function))
    return plan


def copy_into(table: str, columns: list[str], rows) -> None:
    """COPY the iterable ``rows`` (sequences in ``columns``' order) into ``table``, streamed:
    ``QueuedLibpqWriter`` sends from a thread of its own, so PostgreSQL writes (and indexes)
    what it has received while this thread makes the next rows."""
    names = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f'COPY "{table}" ({names}) FROM STDIN', writer=QueuedLibpqWriter(raw)) as copy:
            for row in rows:
                copy.write_row(row)


def take_ids(model, count: int) -> list[int]:
    """``count`` new ids from ``model``'s sequence, for rows written later with ``copy_rows``."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [i for (i,) in cursor.fetchall()]


def copy_rows(model, rows: list[dict], ids: list[int] | None = None) -> list[int]:
    """COPY ``rows`` into ``model``'s table; their ids, in order (``ids`` if given, from
    ``take_ids``: rows of another table may then be written first, their foreign keys being
    checked at commit)."""
    if not rows:
        return []
    table = model._meta.db_table
    pk = model._meta.pk.column
    ids = ids if ids is not None else take_ids(model, len(rows))
    plan = _plan(model)
    now = timezone.now()
    stamps = {"created_at", "updated_at"}
    copy_into(
        table,
        [pk, *(column for _, column, _, _ in plan)],
        (
            [
                pk_value,
                *(
                    row[name] if name in row else now if name in stamps else function() if function else constant
                    for name, _, constant, function in plan
                ),
            ]
            for pk_value, row in zip(ids, rows, strict=True)
        ),
    )
    return ids
