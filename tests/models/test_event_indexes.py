"""The events table is written 200,000 rows at a time by imports: each index is one more to
update a row, so none repeats what another already serves."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexes(table: str) -> dict[str, tuple[tuple[str, ...], bool]]:
    """Each btree index of ``table``: (its columns, whether it is partial)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.relname, array_agg(a.attname ORDER BY k.n), x.indpred IS NOT NULL
               FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am am ON am.oid = i.relam
                    CROSS JOIN LATERAL unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                    JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
               WHERE x.indrelid = %s::regclass AND am.amname = 'btree'
               GROUP BY i.relname, x.indpred IS NOT NULL""",
            [table],
        )
        return {name: (tuple(columns), partial) for name, columns, partial in cursor.fetchall()}


@pytest.mark.parametrize("table", ["displacement_event", "displacement_event_sources"])
def test_no_index_on_events_or_their_links_is_the_leading_part_of_another(table):
    indexes = _indexes(table)
    for name, (columns, _partial) in indexes.items():
        for other, (longer, partial) in indexes.items():
            if other != name and not partial:
                assert longer[: len(columns)] != columns or len(longer) == len(columns), (
                    f"{name} {columns} is served by {other} {longer}"
                )


def test_each_foreign_key_of_events_leads_an_index():
    """Deleting a place, an organisation or a user looks its events up by the key."""
    leading = {columns[0] for columns, _partial in _indexes("displacement_event").values()}
    for column in ("organization_id", "place_id", "import_run_id", "created_by_id", "verified_by_id"):
        assert column in leading


def test_the_event_history_is_indexed_by_what_reads_it_only():
    """The history is read by its event and its context (``selectors.history``), and by import run."""
    columns = {columns for columns, _partial in _indexes("displacement_eventhistory").values()}
    assert columns == {("pgh_id",), ("pgh_obj_id",), ("pgh_context_id",), ("import_run_id",)}
