"""Duplicate events: the share of an ACLED import the pass flags, and the speed of the whole pass.

    python -m bench.event_duplicates [--events 200000] [--field-reports 4000] [--write]

Into a new organisation of its own: field reports (staff events, half of them another account
of an ACLED event), then an invented ACLED-shaped file (``displacement.duplicates.acled_shaped``)
through the real import. Then measures:

- the check after that import (the events it wrote against every event): its time; the share of
  the imported ACLED events it flags; how many pairs join two ACLED events, and how many of the
  injected double entries it finds; how many accounts of ACLED events it finds;
- what the share would be if ACLED's events met each other like any others (no ACLED rule);
- the whole pass over every event of the organisation (target: under 2 minutes at 200,000).

Uses ``DATABASE_URL`` (gazetteer loaded). ``--write`` writes bench/results/<date>-event-duplicates.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Where events happen (frontline oblasts first); other oblasts weigh ``ELSEWHERE``.
OBLAST_WEIGHTS = {"UA14": 30, "UA63": 18, "UA23": 14, "UA65": 12, "UA59": 8, "UA12": 5, "UA74": 3, "UA48": 3}
ELSEWHERE = 0.3


def hromadas(seed: int = 5):
    """The gazetteer's hromadas as ``acled_shaped.Hromada``: weighted by oblast, skewed within."""
    from displacement.duplicates.acled_shaped import Hromada
    from displacement.models import Place

    rng = random.Random(seed)
    rows = Place.objects.filter(admin_level=3, latitude__isnull=False).order_by("pcode")
    out = []
    for pk, pcode, name, raion, aliases, lat, lon in rows.values_list(
        "pk", "pcode", "name_en", "parent__name_en", "parent__parent__aliases", "latitude", "longitude"
    ):
        weight = OBLAST_WEIGHTS.get(pcode[:4], ELSEWHERE) * rng.paretovariate(1.2)
        out.append(Hromada(name, raion, (aliases or [""])[-1], float(lat), float(lon), weight, pk))
    return out


def _write_csv(path: Path, rows: list[dict]) -> None:
    from displacement.importers.acled.columns import LAYOUT_CURRENT

    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(LAYOUT_CURRENT)
        for row in rows:
            writer.writerow([row.get(column, "") for column in LAYOUT_CURRENT])


def _add_field_reports(organization, reports) -> list[int]:
    from decimal import Decimal

    from displacement.models import Event
    from displacement.models.vocab import EventCategory, EventType, GeoPrecision, SubEventType

    types = {str(t.label): t.value for t in EventType}
    sub_types = {str(t.label): t.value for t in SubEventType}
    events = [
        Event(
            organization=organization,
            title=f"Field report {n}",
            description=r.description,
            category=EventCategory.VIOLENCE,
            event_type=types[r.event_type],
            sub_event_type=sub_types.get(r.sub_event_type, ""),
            start=r.day,
            place_id=r.hromada.place_id,
            geo_precision=GeoPrecision.EXACT if r.latitude is not None else GeoPrecision.NEAR,
            latitude=Decimal(f"{r.latitude:.6f}") if r.latitude is not None else None,
            longitude=Decimal(f"{r.longitude:.6f}") if r.longitude is not None else None,
        )
        for n, r in enumerate(reports)
    ]
    return [e.pk for e in Event.objects.bulk_create(events, batch_size=2000)]


def load(organization, *, events: int, field_reports: int, seed: int = 21):
    """Field reports, then the ACLED-shaped file through the import; returns what the measures need."""
    from displacement.duplicates.acled_shaped import acled_rows
    from displacement.duplicates.acled_shaped import field_reports as make_reports
    from displacement.services.imports import import_run_execute, import_run_start

    places = hromadas()
    rows, twins = acled_rows(events, places, seed=seed)
    reports = make_reports(rows, field_reports, places, seed=seed + 1)
    report_ids = _add_field_reports(organization, reports)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acled-shaped.csv"
        _write_csv(path, rows)
        started = time.perf_counter()
        with path.open("rb") as handle:
            run = import_run_start(
                organization=organization, by=None, handle=handle, file_name=path.name, dry_run=False, keep_file=False
            )
        run = import_run_execute(run_id=run.pk, path=path)
        seconds = time.perf_counter() - started
    if run.status != "done":
        raise SystemExit(f"the import failed: {run.error}")
    accounts = {pk: r.account_of for pk, r in zip(report_ids, reports, strict=True) if r.account_of}
    return {"run": run, "twins": twins, "accounts": accounts, "reports": report_ids, "import_seconds": seconds}


def shares(organization, loaded) -> dict:
    """What the queue holds after the check of the import."""
    from displacement.models import Event, EventDuplicateCandidate
    from displacement.models.vocab import Origin

    run = loaded["run"]
    acled = dict(Event.objects.filter(organization=organization, origin=Origin.ACLED).values_list("external_id", "pk"))
    acled_pks = set(acled.values())
    pairs = set(EventDuplicateCandidate.objects.filter(organization=organization).values_list("event_id", "other_id"))
    flagged = {e for pair in pairs for e in pair if e in acled_pks}
    acled_pairs = {p for p in pairs if p[0] in acled_pks and p[1] in acled_pks}
    twins = {tuple(sorted((acled[a], acled[b]))) for a, b in loaded["twins"] if a in acled and b in acled}
    accounts = {tuple(sorted((pk, acled[ext]))) for pk, ext in loaded["accounts"].items() if ext in acled}
    reports = set(loaded["reports"])
    return {
        "imported": run.created,
        "rejected": run.rejected,
        "pairs": len(pairs),
        "acled_flagged": len(flagged),
        "acled_share": len(flagged) / max(1, len(acled_pks)),
        "acled_pairs": len(acled_pairs),
        "acled_by_acled": len({e for pair in acled_pairs for e in pair}) / max(1, len(acled_pks)),
        "twins": len(twins),
        "twins_found": len(twins & pairs),
        "accounts": len(accounts),
        "accounts_found": len(accounts & pairs),
        "per_report": sum(1 for p in pairs if p[0] in reports or p[1] in reports) / max(1, len(reports)),
    }


def share_without_acled_rule(organization) -> float:
    """The share of the organisation's ACLED events that would be flagged if two ACLED events
    met like any others (counted in SQL, rolled back)."""
    from django.db import connection, transaction

    from displacement.services import event_duplicate_sql as sql
    from displacement.services.event_duplicates import _windows, prepare_pairs

    km, _days = _windows()
    with transaction.atomic(), connection.cursor() as cursor:
        params = prepare_pairs(cursor, organization_id=organization.pk, ids=None, acled_apart=False)
        cursor.execute(
            f"""SELECT count(DISTINCT v.id) FROM ({sql.facts_sql(km=km)})
                    AS f(org, a, b, level, km, days, exact, types, target)
                CROSS JOIN LATERAL (VALUES (f.a), (f.b)) v(id) JOIN dup_event e ON e.id = v.id AND e.acled""",
            params,
        )
        flagged = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM dup_event WHERE acled")
        total = cursor.fetchone()[0]
        transaction.set_rollback(True)
    return flagged / max(1, total)


def reference_seconds(organization) -> float:
    """PostgreSQL alone reading what the pass reads: the organisation's events with their places
    and date windows into a temporary table (the pass's first statement), rolled back."""
    from django.conf import settings
    from django.db import connection, transaction

    from displacement.services import event_duplicate_sql as sql

    km = float(settings.EVENT_DUPLICATE_KM)
    params = {"organization": organization.pk, "full": True, "ids": [], "days": 2, "acled_apart": True}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("DROP TABLE IF EXISTS pg_temp.dup_event")
        started = time.perf_counter()
        cursor.execute(sql.events_sql(km=km, compatible=settings.EVENT_DUPLICATE_COMPATIBLE_TYPES), params)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure(*, events: int, field_reports: int) -> list[tuple[str, str, str]]:
    from displacement.models import Organization
    from displacement.services.event_duplicates import event_duplicates_check_run, event_duplicates_find

    stamp = datetime.datetime.now().strftime("%m%d%H%M%S")
    organization = Organization.objects.create(
        name=f"Bench: duplicate events {stamp}", slug=f"bench-event-duplicates-{stamp}", code=f"ED-{stamp[-6:]}"
    )
    loaded = load(organization, events=events, field_reports=field_reports)
    print(f"imported {loaded['run'].created:,} events in {loaded['import_seconds']:.0f} s", file=sys.stderr)
    started = time.perf_counter()
    event_duplicates_check_run(run_id=loaded["run"].pk)
    check_seconds = time.perf_counter() - started
    found = shares(organization, loaded)
    print(found, file=sys.stderr)
    without = share_without_acled_rule(organization)
    started = time.perf_counter()
    result = event_duplicates_find(organization=organization)
    pass_seconds = time.perf_counter() - started
    reference = reference_seconds(organization)
    total = found["imported"] + field_reports
    n = f"{found['imported']:,} ACLED-shaped events + {field_reports:,} field reports"
    return [
        (
            f"share of the ACLED import flagged, by any event ({n})",
            f"{100 * found['acled_share']:.2f} % ({found['acled_flagged']:,} events in {found['pairs']:,} pairs)",
            "low",
        ),
        (
            "share of the ACLED import flagged by another ACLED event (double entries only)",
            f"{100 * found['acled_by_acled']:.2f} %",
            "low",
        ),
        (
            "share of the ACLED import flagged without the ACLED rule (ACLED events meeting like any others)",
            f"{100 * without:.1f} %",
            "-",
        ),
        (
            "pairs of two ACLED events / injected double entries found",
            f"{found['acled_pairs']:,} / {found['twins_found']:,} of {found['twins']:,}",
            "all doubles, nothing else",
        ),
        (
            "accounts of an ACLED event found (field reports)",
            f"{found['accounts_found']:,} of {found['accounts']:,}; {found['per_report']:.1f} candidates a report",
            "all",
        ),
        ("check of the events the import wrote", f"{check_seconds:.1f} s", "-"),
        (
            f"whole event pass over {total:,} events",
            f"{pass_seconds:.1f} s ({result.found:,} candidate pairs); {pass_seconds / reference:.1f}x PostgreSQL"
            f" reading the same events with their places and windows ({reference:.1f} s, same run)",
            "< 120 s",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--field-reports", type=int, default=4_000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "displacement.settings")
    import django

    django.setup()
    rows = measure(events=args.events, field_reports=args.field_reports)
    table = "| what | measured | target |\n|---|---|---|\n" + "".join(f"| {a} | {b} | {c} |\n" for a, b, c in rows)
    print(table)
    if args.write:
        today = f"{datetime.date.today():%Y-%m-%d}"
        path = ROOT / "bench" / "results" / f"{today}-event-duplicates.md"
        path.write_text(
            f"# Duplicate events ({today})\n\n`python -m bench.event_duplicates --events {args.events}"
            f" --field-reports {args.field_reports}`\n\n{table}\nMachine: {os.cpu_count()} cores shared with other"
            f" sessions; load average {os.getloadavg()[0]:.1f} at the end of the run. Invented data"
            " (displacement/duplicates/acled_shaped.py), never ACLED's.\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
