"""Measures of pages: the API's list pages (with their own SQL as the reference) and the dashboard."""

from __future__ import annotations

import json
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.dataset import Row, Setup
from bench.run import median, percentile
from displacement.synthetic import TABLES

# --- API pages -----------------------------------------------------------------------------

FILTERS = {
    "events": ["", "occurred_after=2025-01-01", "occurred_before=2023-01-01", "place=UA14", "place=UA1412",
               "category=violence", "event_type=battles", "sub_event_type=air_drone_strike", "target=school",
               "verification_status=verified", "updated_since=2026-01-01T00:00:00Z"],
    "testimonies": ["", "recorded_after=2025-06-01", "recorded_before=2023-01-01", "occurred_after=2026-01-01",
                    "occurred_before=2022-06-01", "place=UA63", "event_type=battles",
                    "sub_event_type=air_drone_strike", "target=school", "q=drone"],
    "households": ["", "place=UA46"],
    "displacements": ["", "occurred_after=2025-01-01", "occurred_before=2022-12-31", "place=UA14",
                      "destination=UA80", "event_type=battles", "category=violence"],
    "cases": ["", "status=referred", "place=UA12", "recorded_after=2025-01-01", "recorded_before=2023-01-01"],
}  # fmt: skip


PAGE_BUDGET_SECONDS = 10


def _page_queries(captured) -> list[str]:
    """The queries that read the page: the list's own (LIMIT 51) and, for a rare event date,
    the read of its window in the links before it (``selectors.filters``, ordered by the copies of
    the testimonies' ``updated_at``)."""
    return [
        query["sql"]
        for query in captured
        if "LIMIT 51" in query["sql"] or ("testimony_updated_at" in query["sql"] and "LIMIT" in query["sql"])
    ]


def api_pages(setup: Setup, *, runs: int) -> list[Row]:
    partner = Client(HTTP_AUTHORIZATION=f"Api-Key {setup.key}")
    staff = Client()
    staff.force_login(setup.staff)
    results = []
    for caller, client in (("partner", partner), ("staff", staff)):
        for resource, filters in FILTERS.items():
            for query in filters:
                url = f"/api/v1/{resource}/?page_size=50" + (f"&{query}" if query else "")
                client.get(url)  # warm
                timings = []
                # A slow page gets fewer runs (at least 3): the bench must finish.
                while len(timings) < runs and (len(timings) < 3 or sum(timings) < PAGE_BUDGET_SECONDS):
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.content[:300])
                with CaptureQueriesContext(connection) as captured:
                    client.get(url)
                count = len(captured.captured_queries)
                page_sql = _page_queries(captured.captured_queries)
                reference = []
                if page_sql:
                    with connection.cursor() as cursor:
                        for _ in range(len(timings)):
                            started = time.perf_counter()
                            for sql in page_sql:
                                cursor.execute(sql)
                                cursor.fetchall()
                            reference.append(time.perf_counter() - started)
                scans = sorted({table for sql in page_sql for table in _seq_scans(sql)})
                p50, p95 = median(timings) * 1000, percentile(timings, 0.95) * 1000
                ref = median(reference) * 1000 if reference else None
                results.append(
                    Row(
                        what=f"API {caller}: /{resource}/ {query or '(no filter)'}",
                        product=f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, {count} queries",
                        reference=f"page SQL {ref:.1f} ms" if ref is not None else "",
                        ratio=f"{p50 / ref:.1f}x" if ref else "",
                        target="p50 <= 10 ms, p95 <= 30 ms, <= 6 queries",
                        met=p50 <= 10 and p95 <= 30 and count <= 6,
                        note=f"sequential scan of {', '.join(scans)}" if scans else "",
                    )
                )
    reset_queries()
    return results


BIG_TABLES = {model._meta.db_table for model in TABLES}


def _seq_scans(sql: str) -> list[str]:
    """The large tables the page's plan reads in full (EXPLAIN, not ANALYZE)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found, stack = [], [plan[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(node["Relation Name"])
        stack.extend(node.get("Plans", []))
    return sorted(set(found))


def dashboard(setup: Setup, *, runs: int) -> Row:
    client = Client()
    client.force_login(setup.staff)
    client.get("/dashboard/")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/dashboard/")
        timings.append(time.perf_counter() - started)
    assert response.status_code == 200
    value = median(timings) * 1000
    return Row(
        what="dashboard page",
        product=f"p50 {value:.0f} ms, p95 {percentile(timings, 0.95) * 1000:.0f} ms",
        target="< 100 ms",
        met=value < 100,
    )
