"""CSV lines made by PostgreSQL: the projections of ``selectors.projections``, flattened for
a file, for the exports that stream every record of a kind.

A projection builds one dict per record from model instances: right for a page of fifty,
far too slow for a million rows. Here one SELECT, read with COPY, makes each line of the
file: it applies the same rules (which narrative may be read, which event links a partner
may see, the owner's codes), quotes cells as Python's ``csv`` module does and neutralises
formulas as ``exports.safe_cell`` does. Python only adds what PostgreSQL cannot make:
partners' pseudonymous ids, enciphered a batch of rows at a time with AES
(``pseudonyms.encode_many``; the embedded PostgreSQL has no pgcrypto). The result is the
same file, byte for byte, as the projections flattened by ``api.csv.csv_rows``:
``tests/api/test_csv_flat.py`` checks it for a partner and for each staff role.

COPY sends one message per row (the protocol guarantees it), in PostgreSQL's text format:
tab-separated, with backslash escapes inside a cell, which are undone only where a line
has any.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import Case, Func, Q, QuerySet, TextField, Value, When
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
_ESCAPES = re.compile(rb"\\(.)")
_UNESCAPED = {b"\\": b"\\", b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"v": b"\v"}


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


def _copied(values: QuerySet) -> Iterator[bytes]:
    """Each row of ``values`` as PostgreSQL's text format gives it (no line end). COPY streams
    the whole result with the plan PostgreSQL would use for all of it (a server-side cursor
    plans for its first rows), and sends a message per row."""
    sql, params = values.query.sql_with_params()
    # In a transaction (or a savepoint) of its own: a client that goes away mid-file cancels
    # the COPY, and the rollback leaves the connection (and any enclosing transaction) usable.
    with transaction.atomic(), connection.cursor() as cursor:
        # A client that stops reading holds the statement (and its snapshot) open: not forever.
        # Its sort gets memory enough for PostgreSQL to prefer it to a walk along an index.
        cursor.execute("SELECT current_setting('statement_timeout'), current_setting('work_mem')")
        before = cursor.fetchone()
        cursor.execute(_SETTINGS, [f"{settings.EXPORT_TIMEOUT_SECONDS}s", f"{settings.EXPORT_WORK_MEM_MB}MB"])
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT", params) as copy:
            for data in copy:
                yield bytes(data)[:-1]
        # For this statement only, within an enclosing transaction too (a rollback undoes them).
        cursor.execute(_SETTINGS, before)


_SETTINGS = "SELECT set_config('statement_timeout', %s, true), set_config('work_mem', %s, true)"


def _unescape(cell: bytes) -> bytes:
    return _ESCAPES.sub(lambda match: _UNESCAPED.get(match.group(1), match.group(1)), cell) if b"\\" in cell else cell


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
        household = Coalesce(Cast("household_id", TextField()), Value(""), output_field=TextField())
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
    as csv.writer's. Small batches keep PostgreSQL busy while Python works on the last one
    (a socket holds a few hundred rows)."""
    audience = viewer.organization if viewer.is_partner else None
    batches = _batches(line.split(b"\t", 2) for line in _copied(testimony_lines(queryset, viewer=viewer)))
    if audience is None:
        for batch in batches:
            yield (
                [int(pk) for pk, _, _ in batch],
                [int(owner) for _, owner, _ in batch],
                b"".join(_unescape(rest.replace(b"\t", b",")) + b"\r\n" for _, _, rest in batch),
            )
        return
    for batch in batches:
        rows = [rest.split(b"\t") for _, _, rest in batch]
        pks = [int(pk) for pk, _, _ in batch]
        ids = pseudonyms.encode_many_bytes("testimony", pks, audience.pk)
        named = iter(pseudonyms.encode_many_bytes("household", [int(row[2]) for row in rows if row[2]], audience.pk))
        links = [link.split(b":") for row in rows if row[4] for link in row[4].split(b" ")]
        events = iter(pseudonyms.encode_many_bytes("event", [int(event) for event, _ in links], audience.pk))
        relations = iter(relation for _, relation in links)
        lines = []
        for identifier, row in zip(ids, rows, strict=True):
            household = next(named) if row[2] else b""
            listed = (
                b'"' + b"; ".join(next(events) + b"," + next(relations) for _ in row[4].split(b" ")) + b'"'
                if row[4]
                else b""
            )
            lines.append(b",".join((identifier, _unescape(row[1]), household, _unescape(row[3]), listed, b"")))
        lines.append(b"")
        yield pks, [int(owner) for _, owner, _ in batch], b"\r\n".join(lines)


#: Record kinds whose CSV export is made here, by kind.
ROWS = {"testimonies": testimony_rows}
