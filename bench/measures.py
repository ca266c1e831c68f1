"""Each benchmark measure, with PostgreSQL's own reference for the same work where there is one."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.run import ROOT, median, percentile, run_child
from displacement import models as m
from displacement.embedded import var_dir
from displacement.synthetic import PARTNER_SLUG, SLUG, TABLES, synthetic_households
from displacement.synthetic import VERSION as SYNTHETIC_VERSION

CACHE = "bench-dataset.json"


@dataclass
class Row:
    what: str
    product: str
    target: str
    met: bool
    reference: str = ""
    ratio: str = ""
    note: str = ""


@dataclass
class Setup:
    owner: m.Organization
    partner: m.Organization
    key: str
    staff: m.User
    counts: dict[str, int]
    generated: dict = field(default_factory=dict)


# --- the dataset ---------------------------------------------------------------------------


def prepare(*, households: int, seed: int) -> Setup:
    """The dataset of that size and seed, built once and kept (var/bench or DATABASE_URL)."""
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    if not m.Place.objects.filter(admin_level=3).exists():
        call_command("load_places", "--ukraine", verbosity=0)
    cache = var_dir() / CACHE
    cached = json.loads(cache.read_text()) if cache.exists() else {}
    wanted = {"households": households, "seed": seed, "version": SYNTHETIC_VERSION}
    if synthetic_households() != households or any(cached.get(name) != value for name, value in wanted.items()):
        print(f"building the dataset: {households:,} households, seed {seed} (once; kept for later runs)")
        from displacement.services.summaries import summaries_rebuild
        from displacement.synthetic import Progress, expected_rows, generate_synthetic, synthetic_delete

        synthetic_delete()
        result = generate_synthetic(
            households=households, seed=seed, force=True, progress=Progress(total=expected_rows(households))
        )
        summaries_rebuild(organization_id=m.Organization.objects.get(slug=SLUG).pk)
        cached = {**wanted, "rows": result.total, "seconds": result.seconds}
        cache.write_text(json.dumps(cached))
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    owner = m.Organization.objects.get(slug=SLUG)
    partner = m.Organization.objects.get(slug=PARTNER_SLUG)
    from api.models import OrganizationAPIKey

    OrganizationAPIKey.objects.filter(organization=partner, name="bench").delete()
    _, key = OrganizationAPIKey.objects.create_key(name="bench", organization=partner, scopes=["read"])
    staff, _ = m.User.objects.get_or_create(username="bench-coordinator", defaults={"is_staff": True})
    m.Membership.objects.get_or_create(user=staff, defaults={"organization": owner, "role": "coordinator"})
    counts = {
        "testimonies": m.Testimony.objects.filter(organization=owner).count(),
        "households": m.Household.objects.filter(organization=owner).count(),
        "people": m.Person.objects.filter(household__organization=owner).count(),
        "displacements": m.Displacement.objects.filter(organization=owner).count(),
        "events": m.Event.objects.filter(organization=owner).count(),
        "consents": m.Consent.objects.filter(testimony__organization=owner).count(),
    }
    return Setup(owner=owner, partner=partner, key=key, staff=staff, counts=counts, generated=cached)


def settle(*, seconds: int = 120) -> None:
    """Wait until the server has written out what the measures before wrote (a checkpoint)
    and autovacuum has finished with it: on two cores, a vacuum of the tables a rebuild just
    rewrote took one core from the pages being timed. At most ``seconds``."""
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                cursor.execute("CHECKPOINT")  # superuser or pg_checkpoint; else the server's own
        except DatabaseError:
            pass
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
            if not cursor.fetchone()[0]:
                return
            time.sleep(1)
        print(f"autovacuum still running after {seconds} s; measuring anyway", flush=True)


# --- import / generate ---------------------------------------------------------------------


def generate_rate(setup: Setup) -> Row:
    """generate_synthetic's rate when the dataset was built, against COPY of the same rows
    (every synthetic row of every table, into copies of the tables with the same indexes)."""
    product = setup.generated["rows"] / setup.generated["seconds"]
    rows, seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as folder, connection.cursor() as cursor:
        raw = cursor.cursor
        for model in TABLES:
            table = model._meta.db_table
            path = Path(folder) / f"{table}.copy"
            with open(path, "wb") as out, raw.copy(f"COPY {table} TO STDOUT") as copy:
                for data in copy:
                    out.write(data)
            cursor.execute(f"CREATE TEMP TABLE bench_{table} (LIKE {table} INCLUDING ALL)")
            started = time.perf_counter()
            with open(path, "rb") as source, raw.copy(f"COPY bench_{table} FROM STDIN") as copy:
                while chunk := source.read(1 << 20):
                    copy.write(chunk)
            seconds += time.perf_counter() - started
            cursor.execute(f"SELECT count(*) FROM bench_{table}")
            rows += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE bench_{table}")
    reference = rows / seconds
    return Row(
        what="import / generate (rows/s)",
        product=f"{product:,.0f} rows/s",
        reference=f"COPY of the same {rows:,} rows: {reference:,.0f} rows/s",
        ratio=f"{product / reference:.2f}x",
        target=">= 20,000 rows/s",
        met=product >= 20_000,
        note="generate_synthetic makes every value in Python, then COPY; the reference only loads rows already made.",
    )


# --- partner export ------------------------------------------------------------------------


def _export_reference(setup: Setup) -> tuple[str, list]:
    """The same rows and information as the export (same sharing rules, narratives, visible
    event links, order), with the ids as stored, for PostgreSQL to write as CSV by itself."""
    from django.db.models import Case, F, TextField, Value, When

    from displacement.models.vocab import Role
    from displacement.selectors import flat
    from displacement.selectors.access import Viewer
    from displacement.selectors.sharing import narrative_shared, partner_readable

    viewer = Viewer(user=None, organization=setup.partner, role=Role.PARTNER)
    readable = narrative_shared()
    values = (
        partner_readable("testimonies", partner=setup.partner)
        .order_by("updated_at", "id")
        .values_list(
            "pk",
            "recorded_on",
            "language",
            "witness_role",
            "household_id",
            "summary",
            Case(When(readable, then=F("narrative")), default=Value(None), output_field=TextField()),
            "sensitivity",
            flat._event_links(viewer.organization),
        )
    )
    sql, params = values.query.sql_with_params()
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", list(params)


def partner_export(setup: Setup, *, runs: int) -> Row:
    products, references, peaks, rows = [], [], [], 0
    for _ in range(runs):
        out = run_child("-m", "bench.export_child", setup.key)
        result = json.loads(out.strip().splitlines()[-1])
        rows = result["rows"]
        products.append(rows / result["seconds"])
        peaks.append(result["max_rss_mb"])
        statement, params = _export_reference(setup)
        # The clock starts before COPY: PostgreSQL sorts every row before it sends the first.
        # With the export's own work_mem, so that PostgreSQL may pick the same plan.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', %s, true)", [f"{settings.EXPORT_WORK_MEM_MB}MB"])
            started, count = time.perf_counter(), 0
            with cursor.cursor.copy(statement, params) as copy:
                for data in copy:
                    count += bytes(data).count(b"\n")
            references.append(count / (time.perf_counter() - started))
    product, reference, peak = median(products), median(references), max(peaks)
    return Row(
        what=f"partner CSV export of all testimonies ({rows:,} shared rows), streamed",
        product=f"{product:,.0f} rows/s, peak RSS {peak:.0f} MB",
        reference=f"`COPY (SELECT the same rows and columns, ids as stored) TO STDOUT CSV`: {reference:,.0f} rows/s",
        ratio=f"{product / reference:.2f}x",
        target=">= 0.5x; RSS < 200 MB",
        met=product >= 0.5 * reference and peak < 200,
    )


# --- summaries -----------------------------------------------------------------------------

_SUMMARY_REFERENCE = [
    """
    SELECT date_trunc('week', e.start), left(p.pcode, 4), left(p.pcode, 6), e.category, e.event_type,
           e.sub_event_type, count(*), sum(e.killed), sum(e.injured)
    FROM displacement_event e JOIN displacement_place p ON p.id = e.place_id
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
    """
    WITH sizes AS (
      SELECT household_id, count(*) AS size,
             count(*) FILTER (WHERE age_band IN ('0-4', '5-11', '12-17')) AS children
      FROM displacement_person GROUP BY household_id
    ), moves AS (
      SELECT d.*, row_number() OVER (PARTITION BY d.household_id ORDER BY d.left_on, d.id) AS rank
      FROM displacement_displacement d WHERE d.organization_id = %(org)s
    )
    SELECT date_trunc('week', d.left_on), left(o.pcode, 4), left(o.pcode, 6), e.category, e.event_type,
           e.sub_event_type, count(DISTINCT d.household_id),
           count(DISTINCT d.household_id) FILTER (WHERE d.rank > 1),
           sum(coalesce(d.people_count, s.size, 0)),
           sum(least(coalesce(s.children, 0), coalesce(d.people_count, s.size, 0)))
    FROM moves d JOIN displacement_place o ON o.id = d.origin_id
    LEFT JOIN displacement_event e ON e.id = d.cause_id
    LEFT JOIN sizes s ON s.household_id = d.household_id
    GROUP BY 1, 2, 3, 4, 5, 6
    """,
    """
    SELECT date_trunc('week', d.left_on), left(o.pcode, 4), left(t.pcode, 4), count(DISTINCT d.household_id)
    FROM displacement_displacement d JOIN displacement_place o ON o.id = d.origin_id
    LEFT JOIN displacement_place t ON t.id = d.destination_id
    WHERE d.organization_id = %(org)s GROUP BY 1, 2, 3
    """,
    # The case summary, which the rebuild also makes (by oblast and status).
    """
    SELECT left(coalesce(p.pcode, ''), 4), c.status, count(*)
    FROM displacement_case c JOIN displacement_household h ON h.id = c.household_id
    LEFT JOIN displacement_place p ON p.id = h.current_place_id
    WHERE c.organization_id = %(org)s GROUP BY 1, 2
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
        testimony.delete()
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


# --- throughput ----------------------------------------------------------------------------


def throughput(setup: Setup, *, seconds: int) -> Row:
    """gunicorn with 2 workers; 20 concurrent keep-alive clients (threads of this process)."""
    port = 8799
    env = {
        **os.environ,
        "DATABASE_URL": settings.DATABASE_URL,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "displacement.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_for(port)
        paths = [f"/api/v1/{resource}/?page_size=50" for resource in FILTERS] + [
            "/api/v1/events/?place=UA14&page_size=50",
            "/api/v1/testimonies/?recorded_after=2025-06-01&page_size=50",
        ]
        latencies: list[float] = []
        errors = [0]
        stop = time.monotonic() + seconds
        lock = threading.Lock()

        def client(offset: int):
            connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            index = offset
            mine = []
            while time.monotonic() < stop:
                path = paths[index % len(paths)]
                index += 1
                started = time.perf_counter()
                try:
                    connection_.request("GET", path, headers={"Authorization": f"Api-Key {setup.key}"})
                    response = connection_.getresponse()
                    response.read()
                    if response.status != 200:
                        with lock:
                            errors[0] += 1
                except (OSError, http.client.HTTPException):
                    with lock:
                        errors[0] += 1
                    connection_.close()
                    connection_ = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                mine.append(time.perf_counter() - started)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(20)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate = len(latencies) / elapsed
    return Row(
        what=f"API throughput: gunicorn, 2 workers, 20 clients on loopback, {seconds} s",
        product=f"{rate:,.0f} requests/s, p95 {percentile(latencies, 0.95) * 1000:.0f} ms, {errors[0]} errors",
        target="report; 0 errors",
        met=errors[0] == 0,
        note="the clients are threads of the bench process, on the same 2 cores as gunicorn and PostgreSQL",
    )


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/api/v1/schema/")
            probe.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")
