"""Measures of the summary tables: a rebuild and a refresh, against PostgreSQL's GROUP BY."""

from __future__ import annotations

import time

from django.db import connection, transaction

from bench.dataset import Row, Setup
from bench.run import median, percentile
from displacement import models as m

# --- summaries -----------------------------------------------------------------------------

# The households whose consent to statistics is active: the cells' consent dimension.
#: The households that may be counted outside (consent to statistics), joined once as the
#: product does: an ``IN (subquery)`` in the select list, not hashed when its result outgrows
#: work_mem, was tested row by row (the rebuild's reference ran for hours at 300,000 households).
_COUNTED = """
    SELECT t.household_id FROM displacement_testimony t JOIN displacement_consent c ON c.testimony_id = t.id
    WHERE c.purpose = 'statistics' AND c.withdrawn_at IS NULL AND t.household_id IS NOT NULL
"""

_SUMMARY_REFERENCE = [
    """
    SELECT date_trunc('week', e.start), left(p.pcode, 4), left(p.pcode, 6), e.category, e.event_type,
           e.sub_event_type, count(*), sum(e.killed), sum(e.injured),
           count(*) FILTER (WHERE coalesce(c.independent, 0) < 2)
    FROM displacement_event e JOIN displacement_place p ON p.id = e.place_id
    LEFT JOIN displacement_eventcorroboration c ON c.event_id = e.id
    WHERE e.organization_id = %(org)s GROUP BY 1, 2, 3, 4, 5, 6
    """,
    """
    SELECT date_trunc('week', t.recorded_on), left(p.pcode, 4), left(p.pcode, 6), e.category, e.event_type,
           e.sub_event_type, count(DISTINCT t.id)
    FROM displacement_testimony t
    LEFT JOIN displacement_testimonyevent te ON te.testimony_id = t.id
    LEFT JOIN displacement_event e ON e.id = te.event_id
    LEFT JOIN displacement_place p ON p.id = e.place_id
    WHERE t.organization_id = %(org)s GROUP BY 1, 2, 3, 4, 5, 6
    """,
    f"""
    WITH sizes AS (
      SELECT household_id, count(*) AS size,
             count(*) FILTER (WHERE age_band IN ('0-4', '5-11', '12-17')) AS children
      FROM displacement_person GROUP BY household_id
    ), counted AS (SELECT DISTINCT household_id FROM ({_COUNTED}) AS k), moves AS (
      SELECT d.*, row_number() OVER (PARTITION BY d.household_id ORDER BY d.left_on, d.id) AS rank,
             k.household_id IS NOT NULL AS counted
      FROM displacement_displacement d LEFT JOIN counted k ON k.household_id = d.household_id
      WHERE d.organization_id = %(org)s
    )
    SELECT date_trunc('week', d.left_on), left(o.pcode, 4), left(o.pcode, 6), e.category, e.event_type,
           e.sub_event_type, d.counted, count(DISTINCT d.household_id),
           count(DISTINCT d.household_id) FILTER (WHERE d.rank > 1),
           sum(coalesce(d.people_count, s.size, 0)),
           sum(least(coalesce(s.children, 0), coalesce(d.people_count, s.size, 0)))
    FROM moves d JOIN displacement_place o ON o.id = d.origin_id
    LEFT JOIN displacement_event e ON e.id = d.cause_id
    LEFT JOIN sizes s ON s.household_id = d.household_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    """,
    f"""
    WITH counted AS (SELECT DISTINCT household_id FROM ({_COUNTED}) AS k)
    SELECT greatest(date_trunc('week', d.left_on), date_trunc('month', d.left_on)), left(o.pcode, 4),
           left(t.pcode, 4), k.household_id IS NOT NULL, count(DISTINCT d.household_id)
    FROM displacement_displacement d JOIN displacement_place o ON o.id = d.origin_id
    LEFT JOIN displacement_place t ON t.id = d.destination_id
    LEFT JOIN counted k ON k.household_id = d.household_id
    WHERE d.organization_id = %(org)s GROUP BY 1, 2, 3, 4
    """,
    # The case summary, which the rebuild also makes (by month opened, oblast, status, counted).
    f"""
    WITH counted AS (SELECT DISTINCT household_id FROM ({_COUNTED}) AS k)
    SELECT date_trunc('month', c.opened_on), left(coalesce(p.pcode, ''), 4), c.status,
           k.household_id IS NOT NULL, count(*)
    FROM displacement_case c JOIN displacement_household h ON h.id = c.household_id
    LEFT JOIN displacement_place p ON p.id = h.current_place_id
    LEFT JOIN counted k ON k.household_id = c.household_id
    WHERE c.organization_id = %(org)s GROUP BY 1, 2, 3, 4
    """,
]


def _timed_reference(queries, params) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for query in queries:
            cursor.execute(query, params)
            cursor.fetchall()
    return time.perf_counter() - started


def summary_rebuild(setup: Setup, *, runs: int) -> Row:
    from displacement.services.summaries import summaries_rebuild

    products, references = [], []
    for _ in range(runs):
        started = time.perf_counter()
        summaries_rebuild(organization_id=setup.owner.pk)
        products.append(time.perf_counter() - started)
        references.append(_timed_reference(_SUMMARY_REFERENCE, {"org": setup.owner.pk}))
    product, reference = median(products), median(references)
    # The nightly rebuild finds the tables kept current by refreshes and rewrites only cells that
    # changed; once, from empty tables, every row is written: noted beside it.
    with transaction.atomic():
        for model in (m.WeeklySummary, m.FlowSummary, m.CaseSummary):
            model.objects.filter(organization=setup.owner).delete()
        started = time.perf_counter()
        summaries_rebuild(organization_id=setup.owner.pk)
        empty = time.perf_counter() - started
    return Row(
        what="full summary rebuild",
        product=f"{product:.2f} s",
        reference=f"one SQL GROUP BY per table of the same aggregates: {reference:.2f} s",
        ratio=f"{product / reference:.2f}x",
        target="<= 1.2x the reference",
        met=product <= 1.2 * reference,
        note=f"from empty summary tables (every row written): {empty:.2f} s, {empty / reference:.2f}x",
    )


def summary_refresh(setup: Setup, *, runs: int) -> Row:
    """A new testimony about a recent event, then the refresh that the app queues for it: its
    week's testimony counts (``summary_tracking``; a test checks that it queues just that).
    The refresh of every part of the week, as after an event changes, is noted beside it."""
    from displacement.services.deletions import record_delete
    from displacement.services.summaries import summaries_refresh

    event = m.Event.objects.filter(organization=setup.owner).order_by("-start").first()
    timings, whole_week = [], []
    for index in range(runs):
        testimony = m.Testimony.objects.create(
            organization=setup.owner, recorded_on=event.start, witness_role="volunteer", summary=f"bench {index}"
        )
        m.TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
        started = time.perf_counter()
        summaries_refresh(organization_id=setup.owner.pk, weeks=[event.start], parts=["testimonies"])
        timings.append(time.perf_counter() - started)
        m.TestimonyEvent.objects.filter(testimony=testimony).delete()
        record_delete(testimony)  # its tombstone, as every delete of a testimony leaves
        started = time.perf_counter()
        summaries_refresh(organization_id=setup.owner.pk, weeks=[event.start])
        whole_week.append(time.perf_counter() - started)
    value = median(timings) * 1000
    return Row(
        what="incremental summary refresh after one new testimony",
        product=f"{value:.0f} ms (p95 {percentile(timings, 0.95) * 1000:.0f} ms)",
        target="< 50 ms",
        met=value < 50,
        note=(
            f"every part of the week (events, testimonies, displacements and flows): {median(whole_week) * 1000:.0f} ms"
            f" (p95 {percentile(whole_week, 0.95) * 1000:.0f} ms)"
        ),
    )
