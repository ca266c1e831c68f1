"""CSV lines made by PostgreSQL: the projections of ``selectors.projections``, flattened for
a file, for the exports that stream every record of a kind.

A projection builds one dict per record from model instances: right for a page of fifty,
far too slow for a million rows. Here one SELECT makes each line of the file: it applies
the same rules (which narrative may be read, which event links a partner may see, the
owner's codes), quotes cells as Python's ``csv`` module does and neutralises formulas as
``exports.safe_cell`` does. Python only adds what PostgreSQL cannot make: partners'
pseudonymous ids, enciphered a batch of rows at a time with AES (``pseudonyms.encode_many``;
the embedded PostgreSQL has no pgcrypto) and filled into the lines. The result is the
same file, byte for byte, as the projections flattened by ``selectors.columns.csv_rows``:
``tests/api/test_csv_flat.py`` checks it for a partner and for each staff role.

The rows come in libpq's chunked-rows mode (``_streamed``), not COPY: COPY sends a message
per row, and reading each one through psycopg cost Python more than the rest of the line.
The SELECT reads the rows and their links in the table's order, sorts them, and only then
makes the cells, as the lines leave (``_made_after_sort``).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice, pairwise

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Func, Q, QuerySet, TextChoices, TextField, Value, When
from django.db.models.functions import Cast, Concat

from displacement import models as m
from displacement.exports import safe_cell
from displacement.models.vocab import Language, Sensitivity, WitnessRole
from displacement.selectors import person_dates, pseudonyms
from displacement.selectors.access import Viewer, narrative_visible_q
from displacement.selectors.projections import visible_links
from displacement.selectors.sharing import narrative_shared

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
        # Each test stops the search at the first sign found (a sum of four read the text four times).
        "WHEN strpos(%(expressions)s, ',') > 0 OR strpos(%(expressions)s, '\"') > 0 "
        "OR strpos(%(expressions)s, chr(10)) > 0 OR strpos(%(expressions)s, chr(13)) > 0 THEN '\"' || replace("
        f"CASE WHEN {_FORMULA} THEN '''' ELSE '' END || %(expressions)s, '\"', '\"\"') || '\"' "
        f"WHEN {_FORMULA} THEN '''' || %(expressions)s "
        "ELSE %(expressions)s END"
    )


def vocabulary_cell(column: str, vocabulary: type[TextChoices]):
    """The cell of a NOT NULL column that the database holds to ``vocabulary`` (a check
    constraint of its model): the column as it is when no word of the vocabulary needs quotes
    or an apostrophe, which is checked here; else a ``Cell``. Testing words that never need
    either was more than half of what the cells of a testimony cost PostgreSQL."""
    if any(word != safe_cell(word) or any(sign in word for sign in ',"\r\n') for word in vocabulary.values):
        return Cell(column)
    return F(column)


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


def _streamed(values: QuerySet | tuple[str, list]) -> Iterator[list[tuple]]:
    """The rows of ``values``, ``BATCH`` at a time. One query in libpq's chunked-rows mode:
    PostgreSQL plans it for the whole result (a server-side cursor plans for its first rows)
    and sends rows as it makes them, while Python works on those it has; psycopg reads each
    chunk at once, where COPY costs a message, and a Python step, per row."""
    if isinstance(values, tuple):
        sql, params = values  # made to be read as it is (``_made_after_sort``)
    else:
        sql, params = values.query.sql_with_params()
        # LIMIT ALL limits nothing, but with a LIMIT PostgreSQL computes the costly cells after
        # its sort rather than before it: the first rows leave once the rows are sorted, and
        # Python works on them while PostgreSQL makes the next (without it, every cell of the
        # file was made before the first row left, and Python waited).
        sql = f"{sql} LIMIT ALL"
    # In a transaction (or a savepoint) of its own: a client that goes away mid-file cancels
    # the query, and the rollback leaves the connection (and any enclosing transaction) usable.
    with transaction.atomic(), connection.cursor() as cursor:
        # A client that stops reading holds the statement (and its snapshot) open: not forever.
        # Its sort gets memory enough for PostgreSQL to prefer it to a walk along an index.
        # No JIT: it compiled the line's expressions (80 functions, 0.16 s for 34,500 lines)
        # before the first row left, for a statement whose work is text, not arithmetic.
        cursor.execute(_CURRENT)
        before = cursor.fetchone()
        cursor.execute(_SETTINGS, [f"{settings.EXPORT_TIMEOUT_SECONDS}s", f"{settings.EXPORT_WORK_MEM_MB}MB", "off"])
        rows = cursor.cursor.stream(sql, params, size=BATCH)
        try:
            yield from _batches(rows)
        finally:
            rows.close()  # cancels the query if the reader stopped early, before the rollback
        # For this statement only, within an enclosing transaction too (a rollback undoes them).
        cursor.execute(_SETTINGS, before)


_CURRENT = "SELECT current_setting('statement_timeout'), current_setting('work_mem'), current_setting('jit')"
_SETTINGS = (
    "SELECT set_config('statement_timeout', %s, true), set_config('work_mem', %s, true), set_config('jit', %s, true)"
)


def _event_links(audience: m.Organization | None):
    """A partner sees a testimony's link to an event only if it may read that event; links are
    listed in the order they were made (as the projection lists them). The owner's cell as it
    stands, "E-12,witnessed; E-34,heard_about" (quoted: it has commas); a partner's with a
    placeholder for each event's pseudonym (``testimony_rows``)."""
    if audience is None:
        parts = _joined(Value("E-"), Cast("event_id", TextField()), Value(","), "relation")
    else:
        parts = _joined(_placeholder("event", "event_id"), Value(","), "relation")
    listed = Func(
        ArraySubquery(visible_links(audience).values_list(parts)),
        Value("; "),
        function="array_to_string",
        output_field=TextField(),
    )
    return Quoted(listed)


#: The letter before a record's pk in its placeholder, "%(t12)s" for testimony 12, by kind.
_KEYS = {"testimony": "t", "household": "h", "event": "e"}


def _placeholder(kind: str, column: str) -> Func:
    """A partner's line holds this where the pseudonym of the record at ``column`` goes."""
    return _joined(Value(f"%({_KEYS[kind]}"), Cast(column, TextField()), Value(")s"))


def _literal(text) -> Func:
    """``text`` put into a %-format template: each percent sign doubled."""
    return Func(text, Value("%"), Value("%%"), function="replace", output_field=TextField())


def testimony_lines(queryset: QuerySet, *, viewer: Viewer) -> tuple[str, list]:
    """The SELECT behind ``testimony_rows`` (SQL and parameters): per testimony its pk, its
    owner and its line (for a partner, a template for its pseudonyms, and its household's pk).

    In two steps (``_made_after_sort``): what another table gives (the event links a caller
    may see, the household's code) and which narratives may be read, row by row in the table's
    order; then the sort; then the cells, while the first lines leave."""
    audience = viewer.organization if viewer.is_partner else None
    if audience is not None:
        readable = narrative_shared()
    else:
        readable = Q(organization=viewer.organization) & narrative_visible_q(viewer)
    carried = {
        "links_cell": _event_links(audience),
        "readable": Case(When(readable, then=Value(True)), default=Value(False), output_field=BooleanField()),
    }
    recorded = IsoDate("recorded_on")
    if audience is not None:
        # At the precision the agreement sets (``selectors.person_dates``), as the projection.
        recorded = person_dates.date_cell("recorded_on", "testimonies", audience)
    may_read = Carried("readable", output_field=BooleanField())
    narrative = Case(When(may_read, then=Cell("narrative")), default=Value(""), output_field=TextField())
    comma = Value(",")
    language, role = vocabulary_cell("language", Language), vocabulary_cell("witness_role", WitnessRole)
    middle = _joined(recorded, comma, language, comma, role)
    later = _joined(Cell("summary"), comma, narrative, comma, vocabulary_cell("sensitivity", Sensitivity))
    end = Value("\r\n")
    if audience is None:
        carried["household_code"] = F("household__code")
        household = Case(
            When(household__isnull=True, then=Value("")),
            When(Carried("household_code", "= ''"), then=Cast("household_id", TextField())),
            default=Cell(Carried("household_code")),
            output_field=TextField(),
        )
        identifier = Case(When(code="", then=Cast("pk", TextField())), default=Cell("code"), output_field=TextField())
        line = _joined(
            identifier, comma, middle, comma, household, comma, later, comma, Carried("links_cell"), comma,
            IsoTime("updated_at"), end,
        )  # fmt: skip
        return _made_after_sort(queryset, ["pk", "organization_id", line], carried)
    # The ids as placeholders, "%(t12)s", for Python to fill with their pseudonyms in one
    # formatting of a batch's lines; no time of change for partners.
    identifier = _placeholder("testimony", "pk")
    household = Case(
        When(household__isnull=True, then=Value("")),
        default=_placeholder("household", "household_id"),
        output_field=TextField(),
    )
    line = _joined(
        identifier, comma, _literal(middle), comma, household, comma, _literal(later), comma, Carried("links_cell"),
        comma, end,
    )  # fmt: skip
    return _made_after_sort(queryset, ["pk", "organization_id", line, "household_id"], carried)


class Carried(Func):
    """A column of the first step's rows (``_made_after_sort``), by name: text, or with
    ``test`` (SQL after the column, from constants) a condition on it. A boolean column is
    ``Carried(name, "")`` with ``output_field=BooleanField()``."""

    def __init__(self, name: str, test: str = "", *, output_field=None):
        if output_field is None:
            output_field = BooleanField() if test else TextField()
        super().__init__(output_field=output_field)
        self.name, self.test = name, test

    def as_sql(self, compiler, connection, **extra):
        return f'({_STEP}."{self.name}" {self.test})', []


#: The first step's rows, as the second step names them.
_STEP = "step"
#: The testimony's columns a line is made from (and the page orders that an export may have).
_LINE_COLUMNS = (
    "id", "organization_id", "code", "recorded_on", "language", "witness_role", "household_id", "summary",
    "narrative", "sensitivity", "updated_at",
)  # fmt: skip


def _made_after_sort(queryset: QuerySet, columns: list, carried: dict) -> tuple[str, list]:
    """``queryset.values_list(*columns)`` as SQL, in two steps. First the rows, with the
    ``carried`` expressions (subqueries, joins, conditions), in the order PostgreSQL reads the
    table, so that each subquery finds its rows next to the last one's; then the sort, in the
    queryset's order; then the cells of ``columns``, which read only the first step's columns
    (by name: ``Carried``) and are made after the sort, as the lines leave (``LIMIT ALL``).

    In one step, the subqueries ran after the sort, in page order, each reading the links'
    index somewhere else: 2.4 s for 342,000 lines against 1.7 s; with the cells before the
    sort too, the first line left only when every cell was made, and Python waited for it.
    Kept (bench/results/2026-12-07-mechanisms.md): the export runs at 0.55x of PostgreSQL's own
    COPY against a target of 0.5x, and one step would cost it about 40%."""
    model = queryset.model
    table = connection.ops.quote_name(model._meta.db_table)
    order = []
    for term in queryset.query.order_by or model._meta.ordering or ("pk",):
        name = str(term).lstrip("-")
        column = model._meta.pk.column if name == "pk" else model._meta.get_field(name).column
        if column not in _LINE_COLUMNS:
            raise ValueError(f"an export cannot be ordered by {term}")
        order.append(f'{_STEP}."{column}"' + (" DESC" if str(term).startswith("-") else ""))
    first = queryset.order_by().select_related(None).prefetch_related(None).annotate(**carried)
    first_sql, first_params = first.values(*_LINE_COLUMNS, *carried).query.sql_with_params()
    # The cells, compiled over the table alone (no join, no condition), then read from the step.
    cells_sql, cells_params = model._base_manager.order_by().values_list(*columns).query.sql_with_params()
    select, found, rest = cells_sql.partition(f" FROM {table}")
    if not found or rest:
        raise ValueError("a line's cells must read the testimony's own columns and carried ones only")
    select = select.replace(f"{table}.", f"{_STEP}.")
    sql = f"{select} FROM ({first_sql} OFFSET 0) {_STEP} ORDER BY {', '.join(order)} LIMIT ALL"
    return sql, [*cells_params, *first_params]


def testimony_rows(queryset: QuerySet, *, viewer: Viewer) -> Iterator[tuple[list[int], list[int], bytes]]:
    """Every testimony of ``queryset``, in its order, a batch at a time: (pks, owners, CSV
    lines). The cells follow ``selectors.columns.COLUMNS["testimonies"]`` and each line ends with CRLF,
    as csv.writer's. Small batches keep PostgreSQL busy while Python works on the last one.

    A partner's lines come as %-format templates (their own percent signs doubled) with a
    placeholder for each pseudonym: a batch's ids are enciphered a kind at a time and filled
    in by one formatting, with no Python step per line but the lists of ids."""
    audience = viewer.organization if viewer.is_partner else None
    for batch in _streamed(testimony_lines(queryset, viewer=viewer)):
        pks, owners = [row[0] for row in batch], [row[1] for row in batch]
        lines = "".join([row[2] for row in batch])
        if audience is None:
            yield pks, owners, lines.encode()
            continue
        households = list({row[3] for row in batch if row[3] is not None})
        events = _events(lines)
        names = dict(_named("testimony", pks, audience))
        names.update(_named("household", households, audience))
        names.update(_named("event", events, audience))
        yield pks, owners, (lines % names).encode()


def _events(lines: str) -> list[int]:
    """The events whose placeholders ("%(e12)s") ``lines`` holds. Before a placeholder, an
    even number of percent signs (a partner's own are doubled): after an odd number, "%(e"
    is a partner's text."""
    pieces = lines.split(f"%({_KEYS['event']}")
    return list(
        {
            int(piece[: piece.index(")")])
            for before, piece in pairwise(pieces)
            if (len(before) - len(before.rstrip("%"))) % 2 == 0
        }
    )


def _named(kind: str, pks: list[int], audience: m.Organization):
    """(placeholder's key, pseudonym) for each of ``pks``: "t12" for testimony 12, and so on."""
    key = _KEYS[kind]
    return zip([f"{key}{pk}" for pk in pks], pseudonyms.encode_many(kind, pks, audience.pk), strict=True)


#: Record kinds whose CSV export is made here, by kind.
ROWS = {"testimonies": testimony_rows}
