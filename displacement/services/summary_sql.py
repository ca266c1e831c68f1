"""The summary tables' rows in SQL: one GROUP BY per source table, merged per cell.

``services.summaries`` inserts what these SELECTs return straight into the summary tables
(``INSERT INTO ... SELECT``), for a whole organisation or for some weeks, so no row travels
through Python. They follow the same rules as the streamed computation used by reports
(``displacement_cells``): a place's oblast and raion are the 4- and 6-character prefixes of
its P-code, by its admin level; a testimony counts once per cell however many of its events
fall in it; a household counts once per cell, as displaced again when its first move in that
cell is not its first move ever (ranked over its whole trajectory); people are the move's
``people_count`` or the household's size, children at most that many.

**These are the counting rules, written once**: the dashboard, ``/api/v1/summaries/`` and the
partners' aggregate reports read the cells they make. Every cell of moves and of cases carries
the consent dimension that outputs leaving the organisation need: ``counted``, whether the household may
be counted outside it (``selectors.sharing.consenting_household_ids`` for statistics, the one
definition, compiled into the SQL); staff sum both values, partners read ``counted`` cells
only. Flow cells are per **part** (the days of one ISO week inside one calendar month, named
by its first day), of which partners' weeks and months are sums (``selectors.moves``).
"""

# The SQL below is assembled from constant fragments only; every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from django.db import connection

from displacement.models.corroboration import CORROBORATED_AT
from displacement.models.vocab import CHILD_AGE_BANDS, ConsentPurpose
from displacement.selectors.sharing import consenting_household_ids


class Cells(NamedTuple):
    """A SELECT of a summary table's rows; its first ``keys`` columns identify a cell. When
    ``counts`` names some of the other columns, only those are computed (the rest are 0)."""

    sql: str
    params: list
    columns: tuple[str, ...]
    keys: int
    counts: tuple[str, ...] | None = None


#: What a weekly summary cell counts.
METRICS = (
    "events",
    "killed",
    "injured",
    "single_source_events",
    "testimonies",
    "households_displaced",
    "people_displaced",
    "children_displaced",
    "repeat_households",
)
WEEKLY_COLUMNS = ("week", "adm1", "adm2", "category", "event_type", "sub_event_type", "counted", *METRICS)
FLOW_COLUMNS = ("week", "origin_adm1", "destination_adm1", "households", "people")
#: A flow cell's columns: its key, with whether it may be counted outside, then the counts.
FLOW_CELL_COLUMNS = (*FLOW_COLUMNS[:3], "counted", *FLOW_COLUMNS[3:])
CASE_COLUMNS = ("month", "adm1", "status", "counted", "cases")

_WEEK = "date_trunc('week', {})::date"
#: The first day of a day's part: its ISO week's Monday, or the 1st of its month if later.
PART = "greatest(date_trunc('week', {0}), date_trunc('month', {0}))::date"


def _adm(alias: str) -> str:
    """Oblast and raion of the place ``alias`` (empty when there is none, or for the country)."""
    return (
        f"coalesce(CASE WHEN {alias}.admin_level >= 1 THEN left({alias}.pcode, 4) END, ''), "
        f"coalesce(CASE WHEN {alias}.admin_level >= 2 THEN left({alias}.pcode, 6) END, '')"
    )


def _classification(alias: str) -> str:
    return f"coalesce({alias}.category, ''), coalesce({alias}.event_type, ''), coalesce({alias}.sub_event_type, '')"


def _in_weeks(column: str, weeks: Iterable[datetime.date] | None) -> tuple[str, list]:
    """``column`` (a date) falls in one of ``weeks``, as ``= ANY`` of their days: an index on
    the column serves that with one scan, where a disjunction of ranges defeats it."""
    if weeks is None:
        return "TRUE", []
    days = [week + datetime.timedelta(days=offset) for week in sorted(weeks) for offset in range(7)]
    return (f"{column} = ANY(%s::date[])", [days]) if days else ("FALSE", [])


def _among(column: str, subquery: str, weeks) -> str:
    """``column IN (subquery)``. For a refresh (some ``weeks``) the few values are gathered in
    an array first, which the planner looks up by index; given the subquery itself, it scans
    the whole table to hash-join it (a seq scan of every person to size a few households)."""
    return f"{column} IN ({subquery})" if weeks is None else f"{column} = ANY(ARRAY({subquery}))"


def _counted(weeks) -> tuple[str, list]:
    """CTE ``counted``: the households of ``moves`` (every consenting household when ``weeks``
    is None) that may be counted outside the organisation (the rule of ``selectors.sharing``,
    compiled; for a refresh, looked up by household)."""
    sql, params = consenting_household_ids(ConsentPurpose.STATISTICS).order_by().query.sql_with_params()
    # A rebuild joins every consenting household (hashed once); a refresh looks up its few.
    among = "TRUE" if weeks is None else _among("k.household_id", "SELECT household_id FROM moves", weeks)
    return f"counted AS (SELECT DISTINCT k.household_id FROM ({sql}) AS k (household_id) WHERE {among})", list(params)


def _moves(organization_id: int, weeks, *, ranked: bool) -> tuple[str, list]:
    """CTEs ``moves`` and ``people``: the moves in ``weeks`` with the people and children who
    moved, whether their household may be counted outside the organisation (``counted``) and,
    when ``ranked``, their rank in the household's whole trajectory (so ``moves`` then holds
    every move of the households with a move in ``weeks``)."""
    in_weeks, week_params = _in_weeks("left_on", weeks)
    touched, touched_params = in_weeks, week_params
    if ranked:
        households = f"SELECT household_id FROM displacement_displacement WHERE organization_id = %s AND {in_weeks}"
        touched = "TRUE" if weeks is None else _among("d.household_id", households, weeks)
        touched_params = [] if weeks is None else [organization_id, *week_params]
    rank = "row_number() OVER (PARTITION BY d.household_id ORDER BY d.left_on, d.id)" if ranked else "NULL::bigint"
    bands = ", ".join(["%s"] * len(CHILD_AGE_BANDS))
    counted, counted_params = _counted(weeks)
    sql = f"""
        moves AS (
            SELECT d.id, d.household_id, d.left_on, d.people_count, d.origin_id, d.destination_id, d.cause_id,
                   {rank} AS rank
            FROM displacement_displacement d
            WHERE d.organization_id = %s AND {touched}
        ), sizes AS (
            SELECT household_id, count(*) AS size, count(*) FILTER (WHERE age_band IN ({bands})) AS children
            FROM displacement_person WHERE {_among("household_id", "SELECT household_id FROM moves", weeks)}
            GROUP BY household_id
        ), {counted}, people AS (
            SELECT m.*, coalesce(m.people_count, s.size, 0) AS people,
                   least(coalesce(s.children, 0), coalesce(m.people_count, s.size, 0)) AS kids,
                   k.household_id IS NOT NULL AS counted
            FROM moves m LEFT JOIN sizes s ON s.household_id = m.household_id
            LEFT JOIN counted k ON k.household_id = m.household_id
            WHERE {in_weeks}
        )
    """
    return sql, [organization_id, *touched_params, *CHILD_AGE_BANDS, *counted_params, *week_params]


# Each part of the weekly summary: (its CTEs, their parameters, its SELECT, its parameters).
_Part = tuple[list[str], list, str, list]


def _events(organization_id: int, weeks) -> _Part:
    in_weeks, params = _in_weeks("e.start", weeks)
    select = f"""
        SELECT {_WEEK.format("e.start")}, {_adm("p")}, {_classification("e")}, FALSE,
               count(*)::int, coalesce(sum(e.killed), 0)::int, coalesce(sum(e.injured), 0)::int,
               count(*) FILTER (WHERE coalesce(c.independent, 0) < {CORROBORATED_AT})::int, 0, 0, 0, 0, 0
        FROM displacement_event e LEFT JOIN displacement_place p ON p.id = e.place_id
        LEFT JOIN displacement_eventcorroboration c ON c.event_id = e.id
        WHERE e.organization_id = %s AND {in_weeks}
        GROUP BY 1, 2, 3, 4, 5, 6
    """
    return [], [], select, [organization_id, *params]


def _testimonies(organization_id: int, weeks) -> _Part:
    """A testimony counts once per cell: the events it speaks of are numbered by cell first, so
    that the de-duplication compares integers, not six strings."""
    in_weeks, params = _in_weeks("t.recorded_on", weeks)
    ctes = f"""
        links AS (
            SELECT t.id, t.recorded_on, te.event_id
            FROM displacement_testimony t LEFT JOIN displacement_testimonyevent te ON te.testimony_id = t.id
            WHERE t.organization_id = %s AND t.recorded_on IS NOT NULL AND {in_weeks}
        ), spoken_of AS (
            SELECT k.*, dense_rank() OVER (ORDER BY adm1, adm2, category, event_type, sub_event_type) AS cell
            FROM (
                SELECT e.id, {_adm("p")}, {_classification("e")}
                FROM displacement_event e LEFT JOIN displacement_place p ON p.id = e.place_id
                WHERE {_among("e.id", "SELECT event_id FROM links", weeks)}
            ) AS k (id, adm1, adm2, category, event_type, sub_event_type)
        ), testimonies AS (
            SELECT {_WEEK.format("recorded_on")} AS week, cell, count(*)::int AS n
            FROM (
                SELECT DISTINCT l.id, l.recorded_on, s.cell FROM links l LEFT JOIN spoken_of s ON s.id = l.event_id
            ) AS x
            GROUP BY 1, 2
        )
    """
    select = """
        SELECT t.week, coalesce(c.adm1, ''), coalesce(c.adm2, ''), coalesce(c.category, ''),
               coalesce(c.event_type, ''), coalesce(c.sub_event_type, ''), FALSE, 0, 0, 0, 0, t.n, 0, 0, 0, 0
        FROM testimonies t LEFT JOIN (SELECT DISTINCT ON (cell) * FROM spoken_of) c ON c.cell = t.cell
    """
    return [ctes], [organization_id, *params], select, []


def _displacements(organization_id: int, weeks) -> _Part:
    """A household is displaced again in a cell unless its first move ever (rank 1; it has
    one, in one cell) is there."""
    moves, params = _moves(organization_id, weeks, ranked=True)
    select = f"""
        SELECT {_WEEK.format("m.left_on")}, {_adm("o")}, {_classification("c")}, m.counted, 0, 0, 0, 0, 0,
               count(DISTINCT m.household_id)::int, sum(m.people)::int, sum(m.kids)::int,
               (count(DISTINCT m.household_id) - count(*) FILTER (WHERE m.rank = 1))::int
        FROM people m
        JOIN displacement_place o ON o.id = m.origin_id
        LEFT JOIN displacement_event c ON c.id = m.cause_id
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """
    return [moves], params, select, []


# The source tables and the weekly counts that each one alone determines.
PARTS = {
    "events": (_events, ("events", "killed", "injured", "single_source_events")),
    "testimonies": (_testimonies, ("testimonies",)),
    "displacements": (_displacements, WEEKLY_COLUMNS[12:]),
}


def weekly_cells(organization_id: int, weeks, parts: Iterable[str] = tuple(PARTS)) -> Cells:
    """The weekly summary's rows, one per cell with anything in it: one GROUP BY per source
    table (of ``parts`` only, if given), merged by cell."""
    ctes, cte_params, selects, select_params, counts = [], [], [], [], []
    for name, (part, part_counts) in PARTS.items():
        if name in parts:
            part_ctes, part_cte_params, select, params = part(organization_id, weeks)
            ctes, cte_params, counts = ctes + part_ctes, cte_params + part_cte_params, counts + list(part_counts)
            selects.append(select)
            select_params += params
    sql = f"""
        {"WITH " + ", ".join(ctes) if ctes else ""}
        SELECT week, adm1, adm2, category, event_type, sub_event_type, counted,
               sum(events), sum(killed), sum(injured), sum(single_source), sum(testimonies),
               sum(households), sum(people), sum(children), sum(repeat)
        FROM ({" UNION ALL ".join(selects)})
          AS cells (week, adm1, adm2, category, event_type, sub_event_type, counted, events, killed, injured,
                    single_source, testimonies, households, people, children, repeat)
        GROUP BY 1, 2, 3, 4, 5, 6, 7
    """
    return Cells(sql, [*cte_params, *select_params], WEEKLY_COLUMNS, 7, tuple(counts))


def flow_cells(organization_id: int, weeks) -> Cells:
    """The flow summary's rows: households and people by part (``PART``), origin and
    destination oblast ('' when not known), and whether they may be counted outside."""
    moves, params = _moves(organization_id, weeks, ranked=False)
    sql = f"""
        WITH {moves}
        SELECT {PART.format("m.left_on")},
               CASE WHEN o.admin_level >= 1 THEN left(o.pcode, 4) ELSE '' END,
               coalesce(CASE WHEN t.admin_level >= 1 THEN left(t.pcode, 4) END, ''),
               m.counted, count(DISTINCT m.household_id), sum(m.people)
        FROM people m
        LEFT JOIN displacement_place o ON o.id = m.origin_id
        LEFT JOIN displacement_place t ON t.id = m.destination_id
        GROUP BY 1, 2, 3, 4
    """
    return Cells(sql, params, FLOW_CELL_COLUMNS, 4)


def case_cells(organization_id: int) -> Cells:
    """The case summary's rows: cases by the month they were opened, the oblast of the
    household's current place, status and whether the household may be counted outside (as
    ``services.summaries.case_cells``, which staff reports use)."""
    counted, params = _counted(None)
    sql = f"""
        WITH {counted}
        SELECT date_trunc('month', c.opened_on)::date, left(coalesce(p.pcode, ''), 4), c.status,
               k.household_id IS NOT NULL, count(*)
        FROM displacement_case c
        JOIN displacement_household h ON h.id = c.household_id
        LEFT JOIN displacement_place p ON p.id = h.current_place_id
        LEFT JOIN counted k ON k.household_id = c.household_id
        WHERE c.organization_id = %s
        GROUP BY 1, 2, 3, 4
    """
    return Cells(sql, [*params, organization_id], CASE_COLUMNS, 4)


def replace(table: str, cells: Cells, organization_id: int, weeks=None) -> int:
    """Make the organisation's rows of ``table`` (those of ``weeks``, if given) hold what
    ``cells`` computes, in the caller's transaction; the number of rows written.

    One MERGE of the new rows with the old: cells that did not change are not written, which
    spares a nightly rebuild most of its index and foreign-key work; the rest are updated,
    inserted or deleted. When ``cells`` computes only some counts, only those are set, and an
    old row is deleted only if its other counts are 0 too.
    """
    keys, counts = cells.columns[: cells.keys], cells.counts or cells.columns[cells.keys :]
    others = [column for column in cells.columns[cells.keys :] if column not in counts]
    in_weeks, week_params = _in_weeks("week", weeks)  # a flow cell's week is its part's first day
    same_cell = " AND ".join(f"old.{column} = new.{column}" for column in keys)
    empty = " AND ".join(["TRUE", *(f"target.{column} = 0" for column in others)])
    old = ", ".join(f"target.{column}" for column in counts)
    new = ", ".join(f"coalesce(source.{column}, 0)" for column in counts)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            MERGE INTO {table} AS target
            USING (
                SELECT new.*, old.id AS old_id
                FROM ({cells.sql}) AS new ({", ".join(cells.columns)})
                FULL JOIN (SELECT * FROM {table} WHERE organization_id = %s AND {in_weeks}) AS old ON {same_cell}
            ) AS source ON target.id = source.old_id
            WHEN MATCHED AND source.{keys[0]} IS NULL AND {empty} THEN DELETE
            WHEN MATCHED AND ({old}) IS DISTINCT FROM ({new})
                THEN UPDATE SET {", ".join(f"{column} = coalesce(source.{column}, 0)" for column in counts)}
            WHEN NOT MATCHED THEN INSERT (organization_id, {", ".join(cells.columns)})
                VALUES (%s, {", ".join(f"source.{column}" for column in cells.columns)})
            """,
            [*cells.params, organization_id, *week_params, organization_id],
        )
        return cursor.rowcount
