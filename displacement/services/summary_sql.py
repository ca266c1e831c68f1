"""The summary tables' aggregates in SQL: one GROUP BY per source table.

``services.summaries.compute`` calls these for a whole organisation or for some weeks. They
follow the same rules as the streamed computation used by reports (``displacement_cells``):
a place's oblast and raion are the 4- and 6-character prefixes of its P-code, by its admin
level; a testimony counts once per cell however many of its events fall in it; a household
counts once per cell, as displaced again when its first move in that cell is not its first
move ever (ranked over its whole trajectory); people are the move's ``people_count`` or the
household's size, children at most that many.
"""

# The SQL below is assembled from constant fragments only; every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import connection

from displacement.models.vocab import CHILD_AGE_BANDS


def _adm(alias: str) -> str:
    """Oblast and raion of the place ``alias`` (empty when there is none, or for the country)."""
    return (
        f"coalesce(CASE WHEN {alias}.admin_level >= 1 THEN left({alias}.pcode, 4) END, ''), "
        f"coalesce(CASE WHEN {alias}.admin_level >= 2 THEN left({alias}.pcode, 6) END, '')"
    )


def _classification(alias: str) -> str:
    return f"coalesce({alias}.category, ''), coalesce({alias}.event_type, ''), coalesce({alias}.sub_event_type, '')"


def _in_weeks(column: str, weeks: Iterable[datetime.date] | None) -> tuple[str, list]:
    if weeks is None:
        return "TRUE", []
    weeks = sorted(weeks)
    if not weeks:
        return "FALSE", []
    clause = " OR ".join(f"({column} >= %s AND {column} < %s)" for _ in weeks)
    params = [bound for week in weeks for bound in (week, week + datetime.timedelta(days=7))]
    return f"({clause})", params


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def event_cells(organization_id: int, weeks) -> list[tuple]:
    """(week, adm1, adm2, category, type, sub-type, events, killed, injured)."""
    where, params = _in_weeks("e.start", weeks)
    return _rows(
        f"""
        SELECT date_trunc('week', e.start)::date, {_adm("p")}, {_classification("e")},
               count(*), coalesce(sum(e.killed), 0), coalesce(sum(e.injured), 0)
        FROM displacement_event e LEFT JOIN displacement_place p ON p.id = e.place_id
        WHERE e.organization_id = %s AND {where}
        GROUP BY 1, 2, 3, 4, 5, 6
        """,
        [organization_id, *params],
    )


def testimony_cells(organization_id: int, weeks) -> list[tuple]:
    """(week, adm1, adm2, category, type, sub-type, testimonies): by the events they speak of;
    a testimony that speaks of none falls in the cell with no place and no classification."""
    where, params = _in_weeks("t.recorded_on", weeks)
    return _rows(
        f"""
        SELECT date_trunc('week', t.recorded_on)::date, {_adm("p")}, {_classification("e")}, count(DISTINCT t.id)
        FROM displacement_testimony t
        LEFT JOIN displacement_testimonyevent te ON te.testimony_id = t.id
        LEFT JOIN displacement_event e ON e.id = te.event_id
        LEFT JOIN displacement_place p ON p.id = e.place_id
        WHERE t.organization_id = %s AND t.recorded_on IS NOT NULL AND {where}
        GROUP BY 1, 2, 3, 4, 5, 6
        """,
        [organization_id, *params],
    )


def _moves(organization_id: int, weeks) -> tuple[str, list]:
    """Every move of the households concerned (all, or those with a move in ``weeks``), ranked
    over each household's whole trajectory, with the household's size and children."""
    touched, params = "", [organization_id]
    if weeks is not None:
        where, week_params = _in_weeks("w.left_on", weeks)
        touched = (
            "AND d.household_id IN (SELECT w.household_id FROM displacement_displacement w "
            f"WHERE w.organization_id = %s AND {where})"
        )
        params += [organization_id, *week_params]
    bands = ", ".join(["%s"] * len(CHILD_AGE_BANDS))
    sql = f"""
        WITH moves AS (
            SELECT d.*, row_number() OVER (PARTITION BY d.household_id ORDER BY d.left_on, d.id) AS rank
            FROM displacement_displacement d
            WHERE d.organization_id = %s {touched}
        ), sizes AS (
            SELECT household_id, count(*) AS size, count(*) FILTER (WHERE age_band IN ({bands})) AS children
            FROM displacement_person WHERE household_id IN (SELECT household_id FROM moves) GROUP BY household_id
        )
        SELECT m.*, coalesce(m.people_count, s.size, 0) AS people,
               least(coalesce(s.children, 0), coalesce(m.people_count, s.size, 0)) AS kids
        FROM moves m LEFT JOIN sizes s ON s.household_id = m.household_id
    """
    return sql, [*params, *CHILD_AGE_BANDS]


def displacement_cells_sql(organization_id: int, weeks) -> list[tuple]:
    """(week, adm1, adm2, category, type, sub-type, households, people, children, repeat)."""
    moves, params = _moves(organization_id, weeks)
    where, week_params = _in_weeks("m.left_on", weeks)
    return _rows(
        f"""
        WITH ranked AS ({moves}), per_household AS (
            SELECT date_trunc('week', m.left_on)::date AS week,
                   CASE WHEN o.admin_level >= 1 THEN left(o.pcode, 4) ELSE '' END AS adm1,
                   CASE WHEN o.admin_level >= 2 THEN left(o.pcode, 6) ELSE '' END AS adm2,
                   coalesce(c.category, '') AS category, coalesce(c.event_type, '') AS event_type,
                   coalesce(c.sub_event_type, '') AS sub_event_type, m.household_id,
                   min(m.rank) AS first_rank, sum(m.people) AS people, sum(m.kids) AS kids
            FROM ranked m
            JOIN displacement_place o ON o.id = m.origin_id
            LEFT JOIN displacement_event c ON c.id = m.cause_id
            WHERE {where}
            GROUP BY 1, 2, 3, 4, 5, 6, 7
        )
        SELECT week, adm1, adm2, category, event_type, sub_event_type,
               count(*), sum(people), sum(kids), count(*) FILTER (WHERE first_rank > 1)
        FROM per_household GROUP BY 1, 2, 3, 4, 5, 6
        """,
        [*params, *week_params],
    )


def flow_cells(organization_id: int, weeks) -> list[tuple]:
    """(week, origin oblast, destination oblast or '', households, people)."""
    moves, params = _moves(organization_id, weeks)
    where, week_params = _in_weeks("m.left_on", weeks)
    return _rows(
        f"""
        WITH ranked AS ({moves})
        SELECT date_trunc('week', m.left_on)::date,
               CASE WHEN o.admin_level >= 1 THEN left(o.pcode, 4) ELSE '' END,
               coalesce(CASE WHEN t.admin_level >= 1 THEN left(t.pcode, 4) END, ''),
               count(DISTINCT m.household_id), sum(m.people)
        FROM ranked m
        LEFT JOIN displacement_place o ON o.id = m.origin_id
        LEFT JOIN displacement_place t ON t.id = m.destination_id
        WHERE {where}
        GROUP BY 1, 2, 3
        """,
        [*params, *week_params],
    )
