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


def intake_rate(*, submissions: int = 50_000):
    from bench.measures import Row

    stamp = datetime.datetime.now().strftime("%m%d%H%M%S")
    organization = _organization(f"bench-intake-{stamp}")
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
    first_rate, again_rate = submissions / first["seconds"], submissions / again["seconds"]
    note = (
        f"{submissions:,} invented submissions ({size_mb:.0f} MB of KoboToolbox JSON); first: {first['created']:,} "
        f"created, {first['rejected']} rejected; again: {again['unchanged']:,} unchanged; peak RSS "
        f"{max(first['max_rss_mb'], again['max_rss_mb']):,.0f} MB"
    )
    return [
        Row(what="Intake import, first (submissions/s)", product=f"{first_rate:,.0f}/s ({first['seconds']:.1f} s)",
            target=">= 2,000/s", met=first_rate >= TARGETS["first"], note=note),
        Row(what="Intake import, same file again", product=f"{again_rate:,.0f}/s ({again['seconds']:.1f} s)",
            target=">= 10,000/s, nothing written",
            met=again_rate >= TARGETS["again"] and again["unchanged"] == submissions),
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
    lines = ["| what | product | target | met |", "|---|---|---|---|"]
    lines += [f"| {r.what} | {r.product} | {r.target} | {'yes' if r.met else 'NO'} |" for r in rows]
    lines += ["", *[f"- {r.note}" for r in rows if r.note]]
    table = "\n".join(lines) + "\n"
    print(table)
    if not args.no_write:
        out = ROOT / "bench" / "results" / f"{datetime.date.today().isoformat()}-intake.md"
        out.write_text(table)
        print(f"written to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
