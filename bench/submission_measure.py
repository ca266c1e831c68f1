"""The intake import measure: N invented intake-form submissions (KoboToolbox's data JSON) into an
empty organisation, then the same file again. Run alone (against ``DATABASE_URL``, gazetteer
loaded):

    python -m bench.submission_measure --submissions 50000

It writes ``bench/results/<date>-intake.md``. Every answer is invented (random places,
vocabularies, made-up words, names and phones): never a real interview.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import tempfile
import time
from pathlib import Path

from bench.import_measure import _last_json, _organization
from bench.run import ROOT, run_child

TARGETS = {"first": 2_000, "again": 10_000}
EVENTS_FROM = datetime.date(2022, 3, 1)
WORDS = ["shelling", "night", "the", "road", "bus", "left", "we", "school", "village", "drone", "morning", "roof"]


def _choice(rng, choices) -> str:
    return str(rng.choice(list(choices.values)))


def write_file(path: Path, submissions: int, seed: int = 1, interviewer: str = "bench_fieldworker") -> None:
    """A KoboToolbox data page of ``submissions`` intake-form submissions: households of 1 to 6
    people, 1 to 3 displacements, a testimony with its consents, a new event for one in three."""
    from displacement.importers.intake_questions import MARKER, MARKER_NAME
    from displacement.models import Place
    from displacement.models import vocab as v

    rng = random.Random(seed)
    hromadas = list(Place.objects.filter(admin_level=3).values_list("pcode", "parent__pcode", "parent__parent__pcode"))
    types = [(t, s) for t, subs in v.SUB_EVENT_TYPES.items() for s in subs]
    today = datetime.date.today()

    def place(prefix: str) -> dict:
        hromada, raion, oblast = rng.choice(hromadas)
        return {f"{prefix}_oblast": oblast, f"{prefix}_raion": raion, f"{prefix}_hromada": hromada}

    def day(after: datetime.date, span: int) -> datetime.date:
        return min(today, after + datetime.timedelta(days=rng.randrange(span)))

    results = []
    for n in range(submissions):
        uuid = f"bench0000-0000-4000-8000-{n:012d}"
        recorded = day(datetime.date(2025, 1, 1), 600)
        record = {
            "_id": n + 1, MARKER_NAME: MARKER, "meta/instanceID": f"uuid:{uuid}", "_uuid": uuid,
            "_submission_time": f"{recorded.isoformat()}T10:00:00", "_submitted_by": interviewer,
            "interview/recorded_on": recorded.isoformat(), "interview/interviewer": interviewer,
            "interview/language": _choice(rng, v.Language), "interview/witness_role": _choice(rng, v.WitnessRole),
            "household/household_status": "new",
            "household/members": [
                {"household/members/relationship": "head" if i == 0 else _choice(rng, v.Relationship),
                 "household/members/age": str(rng.randrange(0, 95)), "household/members/sex": _choice(rng, v.Sex)}
                for i in range(rng.randint(1, 6))
            ],
            "household/contact/full_name": f"Invented Person {n}", "household/contact/phone": f"+380 00 {n:07d}",
            "displacements": [],
            "account/summary": " ".join(rng.choices(WORDS, k=rng.randint(6, 20))),
            "account/narrative": " ".join(rng.choices(WORDS, k=rng.randint(20, 80))),
            "account/sensitivity": _choice(rng, v.Sensitivity),
            **{f"consent/{p}": rng.choice(["yes", "no"]) for p in v.ConsentPurpose.values},
            "consent/method": _choice(rng, v.ConsentMethod),
        }  # fmt: skip
        left = datetime.date(2022, 2, 24)
        for _ in range(rng.randint(1, 3)):
            left = day(left, 300)
            move = {**place("displacements/origin"), **place("displacements/destination")}
            move |= {"displacements/left_on": left.isoformat(), "displacements/left_on_precision": "day"}
            record["displacements"].append(move)
        if n % 3 == 0:
            event_type, sub_type = rng.choice(types)
            record |= {"event/event_status": "new", "event/category": "violence", "event/event_type": event_type,
                       "event/sub_event_type": sub_type, "event/event_date": day(EVENTS_FROM, 900).isoformat(),
                       "event/relation": "witnessed", **place("event/event")}  # fmt: skip
        else:
            record["event/event_status"] = "none"
        results.append(record)
    path.write_text(json.dumps({"count": submissions, "next": None, "previous": None, "results": results}))


#: The tables an intake import writes, in the order it writes them, and the column that ties a
#: row of each to the importing organisation (directly, or through the household or testimony).
WRITTEN = [
    ("Household", "organization_id"), ("Person", "household__organization_id"),
    ("ContactDetails", "household__organization_id"), ("Event", "organization_id"),
    ("Consent", "testimony__organization_id"), ("Testimony", "organization_id"),
    ("TestimonyEvent", "testimony__organization_id"), ("Displacement", "organization_id"),
    ("FormSubmission", "organization_id"),
]  # fmt: skip


def _copy_out(cursor, model, owner: str, organization, other, offsets: dict) -> tuple[list[str], bytes]:
    """The rows of ``model`` the import wrote for ``organization``, as another organisation's:
    ids and links shifted past every id in use, codes changed in their first letter (unique)."""
    columns, selected = [], []
    for field in model._meta.concrete_fields:
        if field.generated:
            continue
        column = f'"{field.column}"'
        if field.primary_key:
            column = f"{column} + {offsets[model]}"
        elif field.column == "organization_id":
            column = str(int(other.pk))
        elif field.is_relation and field.related_model in offsets:
            column = f"{column} + {offsets[field.related_model]}"
        elif field.name == "code":
            column = "'R' || substr(code, 2)"
        columns.append(f'"{field.column}"')
        selected.append(column)
    owner_ids = model.objects.filter(**{owner: organization.pk}).values("pk").query
    sql, params = owner_ids.sql_with_params()
    with cursor.connection.cursor() as raw, tempfile.TemporaryFile() as buffer:
        query = raw.mogrify(f"SELECT {', '.join(selected)} FROM {model._meta.db_table} WHERE id IN ({sql})", params)
        with raw.copy(f"COPY ({query}) TO STDOUT") as copy:
            for data in copy:
                buffer.write(data)
        buffer.seek(0)
        return columns, buffer.read()


def copy_reference(organization, other) -> tuple[int, float]:
    """COPY of the rows the import wrote (every table, in the import's order) into the same
    tables for another organisation, with the same indexes, triggers (history, consents,
    corroboration), generated columns and foreign-key checks, timed, then rolled back."""
    import pghistory
    from django.apps import apps
    from django.db import connection, transaction

    models = [(apps.get_model("displacement", name), owner) for name, owner in WRITTEN]
    with connection.cursor() as cursor:
        offsets = {}
        for model, _ in models:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1000000 FROM {model._meta.db_table}")
            offsets[model] = cursor.fetchone()[0]
        tables = [(model, *_copy_out(cursor, model, owner, organization, other, offsets)) for model, owner in models]
    rows = 0
    # As the import runs: in a history context (each history row names it), pgtrigger.ignore set.
    with transaction.atomic(), pghistory.context(bench="copy reference"), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        started = time.perf_counter()
        for model, columns, data in tables:
            with cursor.cursor.copy(f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN") as copy:
                copy.write(data)
            rows += data.count(b"\n")
        # The foreign keys are deferred to commit, which the rollback skips: check them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return rows, seconds


def intake_rate(*, submissions: int = 50_000):
    from bench.measures import Row

    stamp = datetime.datetime.now().strftime("%m%d%H%M%S")
    organization = _organization(f"bench-intake-{stamp}")
    other = _organization(f"bench-intake-copy-{stamp}")
    from displacement.models import Membership, User

    fieldworker, _ = User.objects.get_or_create(username=f"bench_fieldworker_{stamp}")
    Membership.objects.create(user=fieldworker, organization=organization, role="caseworker")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "kobo-synthetic.json"
        write_file(path, submissions, interviewer=fieldworker.username)
        size_mb = path.stat().st_size / 1e6
        first = _last_json(run_child("-m", "bench.import_child", str(path), organization.slug))
        print(f"first import: {first}", flush=True)
        again = _last_json(run_child("-m", "bench.import_child", str(path), organization.slug))
        print(f"same file again: {again}", flush=True)
    copied, copy_seconds = copy_reference(organization, other)
    print(f"copy reference: {copied} rows in {copy_seconds:.1f} s", flush=True)
    first_rate, again_rate = submissions / first["seconds"], submissions / again["seconds"]
    copy_rate = submissions / copy_seconds  # the same submissions' rows, in submissions/s
    rss = max(first["max_rss_mb"], again["max_rss_mb"])
    note = (
        f"{submissions:,} invented submissions ({size_mb:.0f} MB of KoboToolbox JSON); first: {first['created']:,} "
        f"created, {first['rejected']} rejected; again: {again['unchanged']:,} unchanged; peak RSS {rss:,.0f} MB; "
        f"reference: COPY of the {copied:,} rows the first import wrote (9 tables) in {copy_seconds:.1f} s"
    )
    reference = f"COPY of the same rows into the same tables: {copy_rate:,.0f} submissions/s"
    return [
        Row(what="Intake import, first (submissions/s)", product=f"{first_rate:,.0f}/s ({first['seconds']:.1f} s)",
            reference=reference, ratio=f"{first_rate / copy_rate:.2f}x", target=">= 2,000/s, history triggers on",
            met=first_rate >= TARGETS["first"], note=note),
        Row(what="Intake import, same file again", product=f"{again_rate:,.0f}/s ({again['seconds']:.1f} s)",
            reference="-", ratio=f"{again_rate / copy_rate:.2f}x", target=">= 10,000/s, nothing written",
            met=again_rate >= TARGETS["again"] and again["unchanged"] == first["created"]),
        Row(what="Intake import, peak RSS", product=f"{rss:,.0f} MB", target="-", met=True),
    ]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--submissions", type=int, default=50_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "displacement.settings", "DEBUG": "false", "LOG_LEVEL": "WARNING",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production-0123456789",
    })  # fmt: skip
    import django

    django.setup()
    rows = intake_rate(submissions=args.submissions)
    lines = ["| what | product | reference in the same run | ratio | target | met |", "|---|---|---|---|---|---|"]
    lines += [f"| {r.what} | {r.product} | {r.reference} | {r.ratio} | {r.target} | {'yes' if r.met else 'NO'} |"
              for r in rows]  # fmt: skip
    lines += ["", *[f"- {r.note}" for r in rows if r.note]]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        out = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}-intake.md"
        with out.open("a") as results:  # each run a dated section after the earlier ones
            results.write(
                f"\n## {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, load average "
                f"{os.getloadavg()[0]:.1f}\n\n{table}"
            )
        print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
