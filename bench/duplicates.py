"""Duplicate households: quality and speed (issue 21), runnable alone.

    python -m bench.duplicates [--households 300000] [--queries 300] [--write]

Loads the labelled synthetic set (``displacement.duplicates.labelled``: households plus an
injected duplicate for a tenth of them) into an organisation of its own, ``bench-duplicates``,
through COPY (once; a later run of the same size reuses it), then measures:

- the quality of the suggestions for a new household (search before create), for a sample of
  the records, and of the nightly pass over all of them: precision and recall at the threshold
  (targets: both >= 0.9);
- the time to find the candidates of a new household, p50 and p95 (target: p95 < 50 ms);
- the time of the nightly pass (target: < 2 minutes).

Uses ``DATABASE_URL``. ``--write`` writes the table to bench/results/<date>-duplicates.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SLUG = "bench-duplicates"


def load_labelled(records, organization) -> dict[int, int]:
    """Write ``records`` as households of ``organization`` with contact details and a first
    displacement from their raion; return household id -> labelled record id."""
    from django.db import connection, transaction

    from displacement import models as m

    raions = list(m.Place.objects.filter(admin_level=2).order_by("pcode").values_list("id", flat=True))
    destination = m.Place.objects.filter(admin_level=3).order_by("pcode").values_list("id", flat=True).first()
    now = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    tables = ["displacement_household", "displacement_contactdetails", "displacement_displacement"]
    with transaction.atomic(), connection.cursor() as cursor:
        # As generate_synthetic does: no history rows for a bench's load, and the keys' index
        # built once at the end rather than row by row.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'contact_match_keys_idx'")
        index = cursor.fetchone()[0]
        cursor.execute("DROP INDEX contact_match_keys_idx")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        household_of = _copy(records, organization, raions, destination, now)
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        cursor.execute(index)
        for table in tables:
            cursor.execute(f"ANALYZE {table}")
    return household_of


def _copy(records, organization, raions, destination, now) -> dict[int, int]:
    from django.db import connection

    from displacement import models as m
    from displacement.models.vocab import DatePrecision, ShelterType
    from displacement.synthetic import _reserve_ids

    first = _reserve_ids(m.Household, len(records))
    first_details = _reserve_ids(m.ContactDetails, len(records))
    first_move = _reserve_ids(m.Displacement, len(records))
    left = datetime.date(2025, 3, 1)
    households = (
        (first + i, now, now, organization.pk, f"HH-DUP-{first + i:08d}", False, "") for i in range(len(records))
    )
    details = (
        (first_details + i, now, now, first + i, r.full_name, r.phone, "", r.date_of_birth, "")
        for i, r in enumerate(records)
    )
    moves = (
        (
            first_move + i,
            now,
            now,
            organization.pk,
            first + i,
            left,
            DatePrecision.DAY,
            raions[r.raion % len(raions)],
            destination,
            ShelterType.UNKNOWN,
            None,
        )
        for i, r in enumerate(records)
    )
    with connection.cursor() as cursor:
        for table, columns, rows in [
            (
                "displacement_household",
                "id, created_at, updated_at, organization_id, code, legal_hold, notes",
                households,
            ),
            (
                "displacement_contactdetails",
                "id, created_at, updated_at, household_id, full_name, phone, address, date_of_birth, document_numbers",
                details,
            ),
            (
                "displacement_displacement",
                "id, created_at, updated_at, organization_id, household_id, left_on, left_on_precision, origin_id,"
                " destination_id, shelter_type, people_count",
                moves,
            ),
        ]:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
    return {first + i: r.id for i, r in enumerate(records)}


def suggest_for_sample(records, household_of: dict[int, int], organization, queries: int, seed: int = 7):
    """Suggestions for ``queries`` records (every duplicate's record first, then others) as if
    each were being registered anew; returns (labelled id -> suggested labelled ids, times)."""
    from displacement.selectors.duplicates import household_candidates

    record_of = {r: h for h, r in household_of.items()}
    by_cluster: dict[int, int] = {}
    for r in records:
        by_cluster[r.cluster] = by_cluster.get(r.cluster, 0) + 1
    duplicated = [r for r in records if by_cluster[r.cluster] > 1]
    others = [r for r in records if by_cluster[r.cluster] == 1]
    rng = random.Random(seed)
    sample = rng.sample(duplicated, min(len(duplicated), queries // 2))
    sample += rng.sample(others, min(len(others), queries - len(sample)))
    raion_of_record = _raions(household_of)
    suggested, times = {}, []
    for r in sample:
        started = time.perf_counter()
        found = household_candidates(
            organization_id=organization.pk,
            full_name=r.full_name,
            phone=r.phone,
            date_of_birth=r.date_of_birth,
            origin_id=raion_of_record[r.id],
            exclude_household_id=record_of[r.id],
        )
        times.append((time.perf_counter() - started) * 1000)
        suggested[r.id] = [household_of[c.household_id] for c in found]
    return suggested, times


def _raions(household_of: dict[int, int]) -> dict[int, int]:
    from displacement import models as m

    rows = m.Displacement.objects.filter(household_id__in=list(household_of)).values_list("household_id", "origin_id")
    return {household_of[h]: origin for h, origin in rows}


def measure(*, households: int, queries: int, seed: int = 21) -> list[tuple[str, str, str]]:
    from displacement import models as m
    from displacement.duplicates.labelled import labelled_set
    from displacement.duplicates.quality import pair_quality, suggestion_quality
    from displacement.services.household_duplicates import household_duplicates_find

    records = labelled_set(households, seed=seed)
    clusters = {r.id: r.cluster for r in records}
    organization, _ = m.Organization.objects.get_or_create(
        slug=SLUG, defaults={"name": "Bench: duplicate households", "code": "DUP"}
    )
    existing = m.Household.objects.filter(organization=organization)
    if existing.count() != len(records):
        if existing.exists():
            raise SystemExit(f"{SLUG} holds another set: delete its households first")
        started = time.perf_counter()
        household_of = load_labelled(records, organization)
        print(f"loaded {len(records):,} households in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    else:
        ids = existing.order_by("id").values_list("id", flat=True)
        household_of = {h: i for i, h in enumerate(ids)}
    suggested, times = suggest_for_sample(records, household_of, organization, queries)
    times.sort()
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    suggestions = suggestion_quality(suggested, clusters)
    started = time.perf_counter()
    household_duplicates_find(organization=organization)
    pass_seconds = time.perf_counter() - started
    pairs = m.HouseholdDuplicateCandidate.objects.filter(organization=organization).values_list(
        "household_id", "other_id"
    )
    nightly = pair_quality(((household_of[a], household_of[b]) for a, b in pairs), clusters)
    n = f"{len(records):,} households ({len(records) - households:,} injected duplicates)"
    return [
        (
            "suggestions for a new household: precision / recall",
            f"{suggestions.precision:.3f} / {suggestions.recall:.3f}"
            f" ({len(suggested)} queries, {suggestions.found} suggested, {suggestions.expected} expected)",
            ">= 0.9 / >= 0.9",
        ),
        (
            "nightly pass: precision / recall",
            f"{nightly.precision:.3f} / {nightly.recall:.3f} ({nightly.found} pairs, {nightly.expected} true)",
            ">= 0.9 / >= 0.9",
        ),
        (f"candidates for a new household among {n}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms", "p95 < 50 ms"),
        (f"nightly household pass over {n}", f"{pass_seconds:.1f} s", "< 120 s"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")
    import django

    django.setup()
    rows = measure(households=args.households, queries=args.queries)
    table = "| what | measured | target |\n|---|---|---|\n" + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)
    print(table)
    if args.write:
        path = ROOT / "bench" / "results" / f"{datetime.date.today():%Y-%m-%d}-duplicates.md"
        path.write_text(
            f"# Duplicate households ({datetime.date.today():%Y-%m-%d})\n\n`python -m bench.duplicates"
            f" --households {args.households} --queries {args.queries}`\n\n{table}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
