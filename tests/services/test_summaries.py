"""Summary tables: the incremental refresh always equals a full rebuild."""

import datetime
import random
from collections import defaultdict

import pytest
from django.db import DataError

from displacement.celery import app as celery_app
from displacement.models import Case, CaseSummary, Displacement, FlowSummary, Place, TestimonyEvent, WeeklySummary
from displacement.models.vocab import (
    CASE_TRANSITIONS,
    CaseStatus,
    ConsentPurpose,
    EventCategory,
    EventType,
    Sex,
    SubEventType,
    WitnessRole,
)
from displacement.services import summary_sql
from displacement.services.cases import case_open, case_transition
from displacement.services.displacements import displacement_delete, displacement_record, displacement_update
from displacement.services.events import event_delete, event_record, event_update
from displacement.services.households import household_register, household_update, member_add
from displacement.services.summaries import (
    METRICS,
    case_cells,
    compute,
    displacement_cells,
    summaries_rebuild,
    summaries_refresh,
)
from displacement.services.testimonies import (
    consent_record,
    consent_withdraw,
    testimony_delete,
    testimony_event_unlink,
    testimony_record,
    testimony_update,
)
from displacement.tasks.summaries import summaries_refresh_task
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    PersonFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db
PLACES = ["UA1416021", "UA1214025", "UA6312027", "UA1202001", "UA8000000", "UA12", "UA4606001"]


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _table(organization):
    """The stored cells as ``compute`` gives them: both values of ``counted`` summed."""
    weekly = defaultdict(lambda: dict.fromkeys(METRICS, 0))
    for r in WeeklySummary.objects.filter(organization=organization):
        for k in METRICS:
            weekly[(r.week, r.adm1, r.adm2, r.category, r.event_type, r.sub_event_type)][k] += getattr(r, k)
    flows = defaultdict(lambda: {"households": 0, "people": 0})
    for r in FlowSummary.objects.filter(organization=organization):
        flows[(r.week, r.origin_adm1, r.destination_adm1)]["households"] += r.households
        flows[(r.week, r.origin_adm1, r.destination_adm1)]["people"] += r.people
    return dict(weekly), dict(flows)


def _cases(organization):
    """The stored case summary, cell by cell: (month, oblast, status, counted) -> cases."""
    return {
        (r.month, r.adm1, r.status, r.counted): r.cases for r in CaseSummary.objects.filter(organization=organization)
    }


def _event(**fields):
    """An event's fields as ``EventFactory`` gives them, for ``event_record``."""
    return {
        "title": "Drone strike",
        "category": EventCategory.VIOLENCE,
        "event_type": EventType.EXPLOSIONS,
        "sub_event_type": SubEventType.AIR_DRONE_STRIKE,
        "place": Place.objects.get(pcode="UA1214025"),
        **fields,
    }


#: What the random series of writes may do next (some more often than others).
ACTIONS = (
    "event",
    "event",
    "household",
    "move",
    "move",
    "testimony",
    "update",
    "delete",
    "case",
    "relocate",
    "consent",
)


def _day(rng):
    return datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randint(0, 120))


@pytest.mark.parametrize("seed", range(4))
def test_incremental_refresh_equals_a_full_rebuild(ngo, eager_tasks, django_capture_on_commit_callbacks, seed):
    rng = random.Random(seed)
    places = {p.pcode: p for p in Place.objects.filter(pcode__in=PLACES)}
    events, households, moves, testimonies = [], [], [], []
    summaries_rebuild(organization_id=ngo.pk)
    for _ in range(40):
        action = rng.choice(ACTIONS)
        with django_capture_on_commit_callbacks(execute=True):
            if action == "event":
                events.append(
                    event_record(
                        organization=ngo,
                        title=f"Drone strike {len(events)}",
                        category=EventCategory.VIOLENCE,
                        event_type=EventType.EXPLOSIONS,
                        sub_event_type=SubEventType.AIR_DRONE_STRIKE,
                        start=_day(rng),
                        place=places[rng.choice(PLACES)],
                        killed=rng.choice([None, 0, 1, 3]),
                    )
                )
            elif action == "household":
                household = household_register(organization=ngo)
                for band in rng.sample(["0-4", "5-11", "18-59", "60+"], rng.randint(1, 3)):
                    member_add(household=household, age_band=band, sex=Sex.FEMALE)
                households.append(household)
            elif action == "move" and households:
                origin, destination = rng.sample(PLACES, 2)
                moves.append(
                    displacement_record(
                        organization=ngo,
                        household=rng.choice(households),
                        left_on=_day(rng),
                        origin=places[origin],
                        destination=places[destination],
                        cause=rng.choice([None, *events]) if events else None,
                        people_count=rng.choice([None, 1, 2]),
                    )
                )
            elif action == "testimony":
                recorded_on = _day(rng)
                household = rng.choice([None, *households]) if households else None
                told = rng.sample(events, min(len(events), rng.randint(0, 2)))
                testimonies.append(
                    testimony_record(
                        organization=ngo,
                        recorded_on=recorded_on,
                        household=household,
                        witness_role=WitnessRole.DISPLACED_CIVILIAN,
                        summary="A mother of two left after a drone hit the school.",
                        narrative="Narrative text.",
                        events=[(event, "witnessed") for event in told],
                    )
                )
            elif action == "case" and households:
                household = rng.choice(households)
                case = Case.objects.filter(household=household).exclude(status=CaseStatus.CLOSED).first()
                if case is None:
                    case_open(household=household)
                else:
                    status = rng.choice([CaseStatus.CASE_PLAN, CaseStatus.CLOSED])
                    if status == CaseStatus.CASE_PLAN and status not in CASE_TRANSITIONS[case.status]:
                        case = case_transition(case=case, status=CaseStatus.ASSESSMENT)  # the way there
                    case_transition(case=case, status=status)
            elif action == "consent" and any(t.household_id for t in testimonies):
                testimony = rng.choice([t for t in testimonies if t.household_id])
                given = testimony.consents.filter(purpose=ConsentPurpose.STATISTICS, withdrawn_at__isnull=True).first()
                if given is None:
                    consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
                else:
                    consent_withdraw(consent=given, by=None)
            elif action == "relocate" and households:
                household = rng.choice(households)
                household_update(household=household, current_place=places[rng.choice(PLACES)])
            elif action == "update":
                pool = [x for x in (events, moves, testimonies) if x]
                if pool:
                    record = rng.choice(rng.choice(pool))
                    if hasattr(record, "start"):
                        event_update(
                            event=record,
                            start=_day(rng),
                            killed=rng.choice([None, 2]),
                            place=places[rng.choice(PLACES)],
                        )
                    elif hasattr(record, "left_on"):
                        displacement_update(displacement=record, left_on=_day(rng), arrived_on=None)
                    else:
                        testimony_update(testimony=record, recorded_on=_day(rng))
            elif action == "delete":
                pool = [x for x in (events, moves, testimonies) if x]
                if pool:
                    group = rng.choice(pool)
                    record = group.pop(rng.randrange(len(group)))
                    if hasattr(record, "start"):
                        for link in TestimonyEvent.objects.filter(event=record):
                            testimony_event_unlink(link=link)
                        event_delete(event=record)
                    elif hasattr(record, "left_on"):
                        displacement_delete(displacement=record)
                    else:
                        testimony_delete(testimony=record)
        weekly, flows = compute(organization_id=ngo.pk)
        assert _table(ngo) == (weekly, flows), action
        # The reports' streamed computation agrees with the SQL one on displacements and flows.
        streamed, streamed_flows = (
            defaultdict(lambda: dict.fromkeys(METRICS, 0)),
            defaultdict(lambda: {"households": 0, "people": 0}),
        )
        displacement_cells(Displacement.objects.filter(organization=ngo), None, streamed, streamed_flows)
        moved = ("households_displaced", "people_displaced", "children_displaced", "repeat_households")
        from_sql = {k: {m: v[m] for m in moved} for k, v in weekly.items() if any(v[m] for m in moved)}
        assert {k: {m: v[m] for m in moved} for k, v in streamed.items()} == from_sql, action
        assert dict(streamed_flows) == flows, action
        # The cases the staff reports count (``case_cells`` of a queryset) agree, cell by cell.
        assert _cases(ngo) == case_cells(Case.objects.filter(organization=ngo)), action


def test_repeated_displacement_and_children(ngo):
    household = HouseholdFactory(organization=ngo)
    for band in ("18-59", "0-4", "5-11"):
        PersonFactory(household=household, age_band=band)
    DisplacementFactory(household=household, left_on=datetime.date(2025, 2, 8))
    DisplacementFactory(
        household=household, left_on=datetime.date(2025, 4, 27), origin=Place.objects.get(pcode="UA1214025")
    )
    summaries_rebuild(organization_id=ngo.pk)
    second = WeeklySummary.objects.get(organization=ngo, week=datetime.date(2025, 4, 21))
    assert (second.households_displaced, second.repeat_households) == (1, 1)
    assert (second.people_displaced, second.children_displaced) == (3, 2)
    first = WeeklySummary.objects.get(organization=ngo, week=datetime.date(2025, 2, 3))
    assert first.repeat_households == 0 and first.adm1 == "UA14"


def _seed_weeks(ngo):
    """Events, testimonies and a household's moves in three weeks; returns the weeks' Mondays."""
    weeks = [datetime.date(2025, 3, 3), datetime.date(2025, 3, 10), datetime.date(2025, 3, 17)]
    household = HouseholdFactory(organization=ngo)
    PersonFactory(household=household, age_band="5-11")
    PersonFactory(household=household, age_band="18-59")
    for offset, week in enumerate(weeks):
        event = EventFactory(organization=ngo, start=week + datetime.timedelta(days=offset), killed=offset)
        testimony = TestimonyFactory(organization=ngo, recorded_on=week + datetime.timedelta(days=2))
        TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
        DisplacementFactory(household=household, left_on=week + datetime.timedelta(days=3), cause=event)
    return weeks


def test_refresh_of_some_weeks_equals_a_rebuild_and_leaves_other_weeks_alone(ngo):
    weeks = _seed_weeks(ngo)
    summaries_rebuild(organization_id=ngo.pk)
    # Changes in the first two weeks, a wrong row in the third that only a rebuild would fix.
    for day in (weeks[0], weeks[1] + datetime.timedelta(days=4)):
        EventFactory(organization=ngo, start=day, place=Place.objects.get(pcode="UA6312027"))
    household = HouseholdFactory(organization=ngo)
    DisplacementFactory(household=household, left_on=weeks[0])  # its first move: not a repeat
    DisplacementFactory(household=household, left_on=weeks[1])  # a repeat, ranked across weeks
    WeeklySummary.objects.filter(organization=ngo, week=weeks[2]).update(events=99)
    before = WeeklySummary.objects.filter(organization=ngo, week=weeks[2]).values_list("id", "events")

    summaries_refresh(organization_id=ngo.pk, weeks=[weeks[0] + datetime.timedelta(days=6), weeks[1]])

    expected, expected_flows = compute(organization_id=ngo.pk)
    weekly, flows = _table(ngo)
    touched = {k: v for k, v in weekly.items() if k[0] != weeks[2]}
    assert touched == {k: v for k, v in expected.items() if k[0] != weeks[2]}
    assert flows == expected_flows
    assert list(before) == list(
        WeeklySummary.objects.filter(organization=ngo, week=weeks[2]).values_list("id", "events")
    )
    assert sum(v["repeat_households"] for k, v in weekly.items() if k[0] == weeks[1]) == 2
    summaries_rebuild(organization_id=ngo.pk)
    assert _table(ngo) == (expected, expected_flows)


def test_a_rebuild_writes_only_what_changed(ngo):
    weeks = _seed_weeks(ngo)
    assert summaries_rebuild(organization_id=ngo.pk) > 0
    unchanged = dict(WeeklySummary.objects.filter(organization=ngo).values_list("id", "events"))
    assert summaries_rebuild(organization_id=ngo.pk) == 0
    EventFactory(organization=ngo, start=weeks[1])  # same cell as the week's event: one row updated
    assert summaries_rebuild(organization_id=ngo.pk) == 1
    assert set(WeeklySummary.objects.filter(organization=ngo).values_list("id", flat=True)) == set(unchanged)


def test_a_failed_rebuild_leaves_the_old_summaries(ngo, monkeypatch):
    _seed_weeks(ngo)
    summaries_rebuild(organization_id=ngo.pk)
    old = _table(ngo), _cases(ngo)
    EventFactory(organization=ngo, start=datetime.date(2025, 6, 2))
    CaseFactory(household=HouseholdFactory(organization=ngo))

    def broken(organization_id, weeks):  # the weekly table is already rewritten when this fails
        return summary_sql.Cells("SELECT CURRENT_DATE, '', '', 1 / 0, 0", [], summary_sql.FLOW_COLUMNS, 3)

    monkeypatch.setattr(summary_sql, "flow_cells", broken)
    with pytest.raises(DataError):
        summaries_rebuild(organization_id=ngo.pk)
    assert (_table(ngo), _cases(ngo)) == old


def test_refresh_of_no_week_writes_nothing(ngo):
    _seed_weeks(ngo)
    assert summaries_refresh(organization_id=ngo.pk, weeks=[]) == 0
    assert not WeeklySummary.objects.filter(organization=ngo).exists()


def test_a_new_testimony_queues_a_refresh_of_testimony_counts_only(
    ngo, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(summaries_refresh_task, "apply_async", lambda args, kwargs, **options: queued.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        event = event_record(organization=ngo, **_event(start=datetime.date(2025, 3, 5)))
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        testimony_record(
            organization=ngo,
            recorded_on=datetime.date(2025, 3, 6),
            witness_role=WitnessRole.DISPLACED_CIVILIAN,
            summary="A mother of two left after a drone hit the school.",
            events=[(event, "witnessed")],
        )
    assert queued == [{"cases": False, "parts": ["testimonies"]}]


def test_a_refresh_of_testimonies_keeps_other_counts_and_drops_emptied_cells(ngo):
    weeks = _seed_weeks(ngo)
    elsewhere = EventFactory(organization=ngo, start=weeks[2], place=Place.objects.get(pcode="UA6312027"))
    testimony = TestimonyFactory(organization=ngo, recorded_on=weeks[0])
    TestimonyEvent.objects.create(testimony=testimony, event=elsewhere, relation="witnessed")
    summaries_rebuild(organization_id=ngo.pk)
    assert WeeklySummary.objects.filter(organization=ngo, week=weeks[0], adm1="UA63").exists()
    TestimonyEvent.objects.all().delete()  # every testimony moves to the cell with no place
    WeeklySummary.objects.filter(organization=ngo, week=weeks[0], adm1="UA12").update(households_displaced=7)

    summaries_refresh(organization_id=ngo.pk, weeks=weeks[:1], parts=["testimonies"])

    rows = {r.adm1: r for r in WeeklySummary.objects.filter(organization=ngo, week=weeks[0])}
    assert set(rows) == {"", "UA12", "UA14"}  # the UA63 cell held a testimony only; UA14, a move
    assert (rows[""].testimonies, rows[""].events) == (2, 0)
    assert (rows["UA12"].testimonies, rows["UA12"].events, rows["UA12"].households_displaced) == (0, 1, 7)
    with pytest.raises(ValueError):
        summaries_refresh(organization_id=ngo.pk, weeks=weeks, parts=["cases"])


def test_a_testimony_counts_once_per_cell_of_the_events_it_speaks_of(ngo):
    week, places = datetime.date(2025, 3, 3), {p.pcode: p for p in Place.objects.filter(pcode__in=PLACES)}
    same_cell = [EventFactory(organization=ngo, place=places["UA1214025"]) for _ in range(2)]
    others = [EventFactory(organization=ngo, place=places[pcode]) for pcode in ("UA1202001", "UA6312027")]
    testimony = TestimonyFactory(organization=ngo, recorded_on=week)
    for event in (*same_cell, *others):
        TestimonyEvent.objects.create(testimony=testimony, event=event, relation="witnessed")
    TestimonyFactory(organization=ngo, recorded_on=week)  # speaks of no event
    cells, _ = compute(organization_id=ngo.pk, weeks={week})
    assert {key[1:3]: cell["testimonies"] for key, cell in cells.items()} == {
        ("UA12", "UA1214"): 1,
        ("UA12", "UA1202"): 1,
        ("UA63", "UA6312"): 1,
        ("", ""): 1,
    }
