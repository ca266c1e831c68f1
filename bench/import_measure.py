"""The import measure: a synthetic ACLED-shaped file of N events into an empty organisation,
then the same file again, against COPY of the same rows into the same table (history triggers
on) in the same run. Part of ``make bench``; alone (against ``DATABASE_URL``, gazetteer loaded):

    python -m bench.import_measure --rows 200000

It writes ``bench/results/<date>-import.md``. The file is invented (random places, types and
words): never ACLED's data.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, run_child

TARGETS = {"first": 10_000, "again": 50_000, "rss": 300}
PUBLISHERS = [f"Invented Publisher {i}" for i in range(40)]
SCALES = ["Local partner-National", "National", "Subnational", "National-International", "Other"]
WORDS = ["shelling", "reported", "near", "the", "village", "residential", "area", "drone", "strike", "roads"]


def write_file(path: Path, rows: int, seed: int = 1) -> None:
    """A current-layout ACLED CSV of ``rows`` invented events placed in real hromadas."""
    from displacement.importers.acled.columns import LAYOUT_CURRENT
    from displacement.models import Place
    from displacement.models.vocab import SUB_EVENT_TYPES, EventType, SubEventType

    rng = random.Random(seed)
    hromadas = list(
        Place.objects.filter(admin_level=3).values_list("name_en", "parent__name_en", "parent__parent__aliases")
    )
    pairs = [(str(EventType(t).label), str(SubEventType(s).label)) for t, subs in SUB_EVENT_TYPES.items() for s in subs]
    start = datetime.date(2022, 2, 24)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(LAYOUT_CURRENT)
        for n in range(rows):
            hromada, raion, oblast_aliases = rng.choice(hromadas)
            event_type, sub_type = rng.choice(pairs)
            day = start + datetime.timedelta(days=rng.randrange(1000))
            values = {
                "event_id_cnty": f"BENCH{n}", "event_date": day.isoformat(), "year": str(day.year),
                "time_precision": rng.choice("1112"), "disorder_type": "Political violence",
                "event_type": event_type, "sub_event_type": sub_type,
                "actor1": "Invented Armed Group", "inter1": "State forces", "actor2": "Civilians (Ukraine)",
                "inter2": "Civilians", "civilian_targeting": rng.choice(["", "Civilian targeting"]),
                "iso": "804", "region": "Europe", "country": "Ukraine",
                "admin1": (oblast_aliases or [""])[-1], "admin2": raion, "admin3": hromada,
                "location": hromada.removesuffix("ska"), "latitude": f"{rng.uniform(44.5, 52):.4f}",
                "longitude": f"{rng.uniform(22.5, 40):.4f}", "geo_precision": rng.choice("112"),
                "source": "; ".join(rng.sample(PUBLISHERS, rng.randint(1, 3))), "source_scale": rng.choice(SCALES),
                "notes": " ".join(rng.choices(WORDS, k=rng.randint(8, 25))), "fatalities": rng.choice("0013"),
                "timestamp": str(1_700_000_000 + n),
            }  # fmt: skip
            writer.writerow([values.get(column, "") for column in LAYOUT_CURRENT])


def _organization(slug: str):
    from displacement.models import Organization

    code = f"BI-{random.choice('ABCDEFGHJK')}{random.randrange(10_000):04d}"
    return Organization.objects.create(name=f"Import bench {slug}", slug=slug, code=code)


def _last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def copy_reference(organization, other) -> tuple[int, float]:
    """COPY of the rows the import wrote, into the same table for another organisation, with
    the same indexes, triggers (history included) and foreign-key checks, timed, then rolled back."""
    import pghistory
    from django.db import connection, transaction

    columns = [
        f.column
        for f in organization._meta.apps.get_model("displacement", "Event")._meta.concrete_fields
        if f.column != "id"
    ]
    names = ", ".join(f'"{c}"' for c in columns)
    selected = names.replace('"organization_id"', str(int(other.pk)))
    with tempfile.TemporaryFile() as buffer:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY (SELECT {selected} FROM displacement_event"
                f" WHERE organization_id = {int(organization.pk)}) TO STDOUT"
            ) as copy,
        ):
            for data in copy:
                buffer.write(data)
        buffer.seek(0)
        # As the import runs: in a history context (each history row names it), pgtrigger.ignore set.
        with transaction.atomic(), pghistory.context(bench="copy reference"), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
            started = time.perf_counter()
            with cursor.cursor.copy(f"COPY displacement_event ({names}) FROM STDIN") as copy:
                while chunk := buffer.read(1 << 20):
                    copy.write(chunk)
            # The foreign keys are deferred to commit, which the rollback skips: check them now,
            # inside the timing, as the import's commit does.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            seconds = time.perf_counter() - started
            cursor.execute("SELECT count(*) FROM displacement_event WHERE organization_id = %s", [other.pk])
            rows = cursor.fetchone()[0]
            transaction.set_rollback(True)
    return rows, seconds


def import_rate(*, rows: int = 200_000):
    """Rows for the bench table: the first import, the unchanged re-import, memory."""
    from bench.dataset import Row

    stamp = datetime.datetime.now().strftime("%m%d%H%M%S")
    organization = _organization(f"bench-import-{stamp}")
    other = _organization(f"bench-copy-{stamp}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acled-synthetic.csv"
        write_file(path, rows)
        size_mb = path.stat().st_size / 1e6
        first = _last_json(run_child("-m", "bench.import_child", str(path), organization.slug))
        print(f"first import: {first}", flush=True)  # as soon as known: a stopped bench still tells
        again = _last_json(run_child("-m", "bench.import_child", str(path), organization.slug))
        print(f"same file again: {again}", flush=True)
    copied, copy_seconds = copy_reference(organization, other)
    first_rate = rows / first["seconds"]
    again_rate = rows / again["seconds"]
    copy_rate = copied / copy_seconds
    rss = max(first["max_rss_mb"], again["max_rss_mb"])
    note = (
        f"{rows:,} invented events ({size_mb:.0f} MB, current layout); first: {first['created']:,} created, "
        f"{first['rejected']} rejected, {first['flagged']} flagged; again: {again['unchanged']:,} unchanged"
    )
    return [
        Row(what="ACLED import, first (rows/s)", product=f"{first_rate:,.0f} rows/s ({first['seconds']:.1f} s)",
            reference=f"COPY of the same {copied:,} rows into the events table: {copy_rate:,.0f} rows/s",
            ratio=f"{first_rate / copy_rate:.2f}x", target=">= 10,000 rows/s, history triggers on",
            met=first_rate >= TARGETS["first"], note=note),
        Row(what="ACLED import, same file again (rows/s)",
            product=f"{again_rate:,.0f} rows/s ({again['seconds']:.1f} s)", reference="-",
            ratio=f"{again_rate / copy_rate:.2f}x", target=">= 50,000 rows/s, nothing written",
            met=again_rate >= TARGETS["again"] and again["unchanged"] == rows),
        Row(what="ACLED import, peak RSS", product=f"{rss:,.0f} MB", target="< 300 MB", met=rss < TARGETS["rss"]),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "displacement.settings", "DEBUG": "false", "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
    })  # fmt: skip
    import django

    django.setup()
    rows = import_rate(rows=args.rows)
    lines = ["| what | product | reference in the same run | ratio | target | met |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.what} | {r.product} | {r.reference} | {r.ratio} | {r.target} | {'yes' if r.met else 'NO'} |"
              for r in rows]  # fmt: skip
    lines += ["", *[f"- {r.note}" for r in rows if r.note]]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        out = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}-import.md"
        out.write_text(table)
        print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
