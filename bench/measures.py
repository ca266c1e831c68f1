"""Measures of writing and exporting: the synthetic generator's rate and the partner export,
each with PostgreSQL's own reference for the same work (``COPY``)."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from bench.dataset import Row, Setup
from bench.run import median, run_child
from displacement.synthetic import TABLES

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
