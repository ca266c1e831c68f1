"""CSV lines made by PostgreSQL: the projections of ``selectors.projections``, flattened for
a file, for the exports that stream every record of a kind.

A projection builds one dict per record from model instances: right for a page of fifty,
far too slow for a million rows. Here one SELECT makes the cells of each line: it applies
the same rules (which narrative may be read, which event links a partner may see, the
owner's codes), quotes cells as Python's ``csv`` module does and neutralises formulas as
``exports.safe_cell`` does. Python joins the cells and adds what PostgreSQL cannot make:
partners' pseudonymous ids, enciphered a batch of rows at a time with AES
(``pseudonyms.encode_many``; the embedded PostgreSQL has no pgcrypto). The result is the
same file, byte for byte, as the projections flattened by ``api.csv.csv_rows``:
``tests/api/test_csv_flat.py`` checks it for a partner and for each staff role.

The rows come in libpq's chunked-rows mode (``_streamed``), not COPY: COPY sends a message
per row, and reading each one through psycopg cost Python more than the rest of the line.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Case, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from displacement import models as m
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors import pseudonyms
from displacement.selectors.access import Viewer, narrative_visible_q
from displacement.selectors.projections import visible_links
from displacement.selectors.sharing import active_consent

#: Rows whose ids are enciphered together.
BATCH = 250

# A cell starting with one of these would run as a formula (as in ``exports.safe_cell``).
_FORMULA = "left(%(expressions)s, 1) IN ('=', '+', '-', '@', chr(9), chr(13))"


class Cell(Func):
    """A text cell as ``csv.writer`` writes what ``exports.safe_cell`` gives: '' for NULL, an
    apostrophe before a leading = + - @ tab or CR, quotes when it holds a comma, a quote or a
    line break. PostgreSQL does not share repeated sub-expressions: give it a plain column."""

    output_field = TextField()
    template = (
        "CASE WHEN %(expressions)s IS NULL THEN '' "
        "WHEN strpos(%(expressions)s, ',') + strpos(%(expressions)s, '\"') + strpos(%(expressions)s, chr(10)) "
        "+ strpos(%(expressions)s, chr(13)) > 0 THEN '\"' || replace("
        f"CASE WHEN {_FORMULA} THEN '''' ELSE '' END || %(expressions)s, '\"', '\"\"') || '\"' "
        f"WHEN {_FORMULA} THEN '''' || %(expressions)s "
        "ELSE %(expressions)s END"
    )


class Quoted(Func):
    """A cell that holds a comma whenever it is not empty: quoted (quotes doubled); '' for NULL or ''."""

    output_field = TextField()
    template = "coalesce('\"' || replace(nullif(%(expressions)s, ''), '\"', '\"\"') || '\"', '')"


class IsoDate(Func):
    """``date.isoformat()``; '' for NULL."""

    output_field = TextField()
    template = "coalesce(to_char(%(expressions)s, 'YYYY-MM-DD'), '')"


class IsoTime(Func):
    """``datetime.isoformat()`` of a UTC time: microseconds only when there are some."""

    output_field = TextField()
    template = (
        "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        "|| CASE WHEN to_char(%(expressions)s, 'US') = '000000' THEN '' "
        "ELSE to_char(%(expressions)s AT TIME ZONE 'UTC', '.US') END || '+00:00'"
    )


def _joined(*parts) -> Concat:
    return Concat(*parts, output_field=TextField())


def _batches(iterable) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _streamed(values: QuerySet) -> Iterator[list[tuple]]:
    """The rows of ``values``, ``BATCH`` at a time. One query in libpq's chunked-rows mode:
    PostgreSQL plans it for the whole result (a server-side cursor plans for its first rows)
    and sends rows as it makes them, while Python works on those it has; psycopg reads each
    chunk at once, where COPY costs a message, and a Python step, per row."""
    sql, params = values.query.sql_with_params()
    # In a transaction (or a savepoint) of its own: a client that goes away mid-file cancels
    # the query, and the rollback leaves the connection (and any enclosing transaction) usable.
    with transaction.atomic(), connection.cursor() as cursor:
        # A client that stops reading holds the statement (and its snapshot) open: not forever.
        # Its sort gets memory enough for PostgreSQL to prefer it to a walk along an index.
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('work_mem')")
        before = cursor.fetchone()
        cursor.execute(_SETTINGS, [f"{settings.EXPORT_TIMEOUT_SECONDS}s", f"{settings.EXPORT_WORK_MEM_MB}MB"])
        # LIMIT ALL limits nothing, but with a LIMIT PostgreSQL computes the costly cells after
        # its sort rather than before it: the first rows leave once the rows are sorted, and
        # Python works on them while PostgreSQL makes the next (without it, every cell of the
        # file was made before the first row left, and Python waited).
        rows = cursor.cursor.stream(f"{sql} LIMIT ALL", params, size=BATCH)
        try:
            yield from _batches(rows)
        finally:
            rows.close()  # cancels the query if the reader stopped early, before the rollback
        # For this statement only, within an enclosing transaction too (a rollback undoes them).
        cursor.execute(_SETTINGS, before)


_SETTINGS = "SELECT set_config('statement_timeout', %s, true), set_config('work_mem', %s, true)"


def _event_links(audience: m.Organization | None):
    """A partner sees a testimony's link to an event only if it may read that event; links are
    listed in the order they were made (as the projection lists them)."""
    links = visible_links(audience)
    if audience is not None:
        # "12:witnessed 34:heard_about": event ids for Python to encipher.
        return Coalesce(
            Func(
                ArraySubquery(links.values_list(_joined(Cast("event_id", TextField()), Value(":"), "relation"))),
                Value(" "),
                function="array_to_string",
                output_field=TextField(),
            ),
            Value(""),
            output_field=TextField(),
        )
    # The owner's cell as it stands, "E-12,witnessed; E-34,heard_about": it has commas.
    listed = Func(
        ArraySubquery(links.values_list(_joined(Value("E-"), Cast("event_id", TextField()), Value(","), "relation"))),
        Value("; "),
        function="array_to_string",
        output_field=TextField(),
    )
    return Quoted(listed)


def testimony_lines(queryset: QuerySet, *, viewer: Viewer) -> QuerySet:
    """The SELECT behind ``testimony_rows``: per testimony its pk, its owner, then the cells."""
    audience = viewer.organization if viewer.is_partner else None
    if audience is not None:
        readable = Q(sensitivity=Sensitivity.PUBLIC) & active_consent(ConsentPurpose.SHARING)
    else:
        readable = Q(organization=viewer.organization) & narrative_visible_q(viewer)
    narrative = Case(When(readable, then=Cell("narrative")), default=Value(""), output_field=TextField())
    comma = Value(",")
    middle = _joined(IsoDate("recorded_on"), comma, Cell("language"), comma, Cell("witness_role"))
    later = _joined(Cell("summary"), comma, narrative, comma, Cell("sensitivity"))
    if audience is not None:
        # Raw ids for Python to encipher; no time of change for partners.
        household = F("household_id")
        identifier = updated = Value("", output_field=TextField())
    else:
        household = Case(
            When(household__isnull=True, then=Value("")),
            When(household__code="", then=Cast("household_id", TextField())),
            default=Cell("household__code"),
            output_field=TextField(),
        )
        identifier = Case(When(code="", then=Cast("pk", TextField())), default=Cell("code"), output_field=TextField())
        updated = IsoTime("updated_at")
    return (
        queryset.select_related(None)
        .prefetch_related(None)
        .values_list(
            "pk",
            "organization_id",
            identifier,
            middle,
            household,
            later,
            _event_links(audience),
            updated,
        )
    )


def testimony_rows(queryset: QuerySet, *, viewer: Viewer) -> Iterator[tuple[list[int], list[int], bytes]]:
    """Every testimony of ``queryset``, in its order, a batch at a time: (pks, owners, CSV
    lines). The cells follow ``api.csv.COLUMNS["testimonies"]`` and each line ends with CRLF,
    as csv.writer's. Small batches keep PostgreSQL busy while Python works on the last one."""
    audience = viewer.organization if viewer.is_partner else None
    for batch in _streamed(testimony_lines(queryset, viewer=viewer)):
        pks, owners = [row[0] for row in batch], [row[1] for row in batch]
        if audience is None:
            yield pks, owners, "".join(",".join(row[2:]) + "\r\n" for row in batch).encode()
            continue
        # pk, owner, identifier, first cells, household's pk, later cells, event links, time.
        ids = pseudonyms.encode_many("testimony", pks, audience.pk)
        named = iter(pseudonyms.encode_many("household", [row[4] for row in batch if row[4]], audience.pk))
        links = [link.split(":") for row in batch if row[6] for link in row[6].split(" ")]
        events = iter(pseudonyms.encode_many("event", [int(event) for event, _ in links], audience.pk))
        relations = iter(relation for _, relation in links)
        lines = []
        for identifier, row in zip(ids, batch, strict=True):
            household = next(named) if row[4] else ""
            listed = (
                '"' + "; ".join(next(events) + "," + next(relations) for _ in row[6].split(" ")) + '"' if row[6] else ""
            )
            lines.append(",".join((identifier, row[3], household, row[5], listed, "")) + "\r\n")
        yield pks, owners, "".join(lines).encode()


#: Record kinds whose CSV export is made here, by kind.
ROWS = {"testimonies": testimony_rows}
