"""Each service queues the summary refresh of what it wrote, once it commits: the weeks it
touched (those a record leaves and those it reaches) and the parts of the summaries that can
have changed. No model signal does it: a write that bypasses the services queues nothing."""

import datetime

import pytest

from displacement.models import Place
from displacement.models.vocab import (
    CaseStatus,
    ConsentPurpose,
    EventCategory,
    EventType,
    Sex,
    SubEventType,
    WitnessRole,
)
from displacement.services.cases import case_open, case_transition
from displacement.services.displacements import displacement_delete, displacement_record, displacement_update
from displacement.services.events import event_delete, event_record, event_update
from displacement.services.households import household_delete, household_register, household_update, member_add
from displacement.services.sources import source_delete, source_record, source_update
from displacement.services.testimonies import (
    consent_record,
    consent_withdraw,
    testimony_delete,
    testimony_event_link,
    testimony_event_unlink,
    testimony_record,
    testimony_update,
)
from displacement.tasks.summaries import summaries_refresh_task
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
MARCH_5, MARCH_12, APRIL_2 = datetime.date(2025, 3, 5), datetime.date(2025, 3, 12), datetime.date(2025, 4, 2)
ALL = ["displacements", "events", "testimonies"]


@pytest.fixture
def queued(ngo, monkeypatch, django_capture_on_commit_callbacks):
    """``queued(write)``: run ``write`` in a transaction that commits; what it queued for ``ngo``."""
    calls = []
    monkeypatch.setattr(
        summaries_refresh_task, "apply_async", lambda args, kwargs, **options: calls.append((args, kwargs))
    )

    def run(write):
        calls.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = write()
        mine = [(args[1], kwargs) for args, kwargs in calls if args[0] == ngo.pk]
        assert len(mine) <= 1  # one task per organisation and commit
        return (mine[0] if mine else None), result

    return run


@pytest.fixture
def done(queued):
    """``done(write)``: a write that commits (what it queues is another test's)."""
    return lambda write: queued(write)[1]


def _place(pcode="UA1214025"):
    return Place.objects.get(pcode=pcode)


def _event(ngo, start=MARCH_5, **fields):
    return event_record(
        organization=ngo,
        title="Drone strike",
        category=EventCategory.VIOLENCE,
        event_type=EventType.EXPLOSIONS,
        sub_event_type=SubEventType.AIR_DRONE_STRIKE,
        start=start,
        place=_place(),
        **fields,
    )


def _testimony(ngo, recorded_on=MARCH_5, **fields):
    return testimony_record(
        organization=ngo, recorded_on=recorded_on, witness_role=WitnessRole.DISPLACED_CIVILIAN, summary="S", **fields
    )


def _move(ngo, household, left_on=MARCH_5):
    return displacement_record(
        organization=ngo, household=household, origin=_place("UA1416021"), destination=_place(), left_on=left_on
    )


def test_an_event_queues_its_weeks_and_every_part(ngo, queued, done):
    (weeks, options), event = queued(lambda: _event(ngo))
    assert weeks == ["2025-03-03"] and options == {"cases": False, "parts": ALL}
    done(lambda: _testimony(ngo, recorded_on=APRIL_2, events=[(event, "witnessed")]))
    (weeks, options), _ = queued(lambda: event_update(event=event, start=MARCH_12))
    assert weeks == ["2025-03-03", "2025-03-10", "2025-03-31"] and options["parts"] == ALL
    assert queued(lambda: event_update(event=event, start=MARCH_12))[0] is None  # nothing changed
    for link in event.testimony_links.all():
        done(lambda link=link: testimony_event_unlink(link=link))
    (weeks, options), _ = queued(lambda: event_delete(event=event))
    assert weeks == ["2025-03-10"] and options["parts"] == ALL


def test_a_testimony_queues_the_weeks_it_leaves_and_reaches_for_testimony_counts(ngo, queued):
    (weeks, options), testimony = queued(lambda: _testimony(ngo))
    assert weeks == ["2025-03-03"] and options == {"cases": False, "parts": ["testimonies"]}
    (weeks, options), _ = queued(lambda: testimony_update(testimony=testimony, recorded_on=MARCH_12))
    assert weeks == ["2025-03-03", "2025-03-10"] and options["parts"] == ["testimonies"]
    (weeks, _), _ = queued(lambda: testimony_delete(testimony=testimony))
    assert weeks == ["2025-03-10"]


def test_a_link_queues_its_testimony_and_the_event_whose_sources_it_changes(ngo, queued, done):
    event = done(lambda: _event(ngo, start=APRIL_2))
    # Two households: two independent sources.
    first, second = (done(lambda: _testimony(ngo, household=household_register(organization=ngo))) for _ in "12")
    done(lambda: testimony_event_link(testimony=first, event=event, relation="witnessed"))
    (weeks, options), link = queued(lambda: testimony_event_link(testimony=second, event=event, relation="witnessed"))
    assert weeks == ["2025-03-03", "2025-03-31"] and options["parts"] == ["events", "testimonies"]  # corroborated
    (weeks, options), _ = queued(lambda: testimony_event_unlink(link=link))
    assert weeks == ["2025-03-03", "2025-03-31"] and options["parts"] == ["events", "testimonies"]  # single again


def test_a_source_renamed_queues_the_weeks_of_its_events(ngo, queued, done):
    source = done(lambda: source_record(organization=ngo, kind="media", title="Report", publisher="A"))
    done(lambda: _event(ngo, start=APRIL_2, sources=[source]))
    (weeks, options), _ = queued(lambda: source_update(source=source, publisher="B"))
    assert weeks == ["2025-03-31"] and options["parts"] == ["events"]
    assert queued(lambda: source_update(source=source, title="Renamed"))[0] is None  # counts the same
    (weeks, options), _ = queued(lambda: source_delete(source=source))
    assert weeks == ["2025-03-31"] and options["parts"] == ["events"]


def test_a_move_or_a_member_queues_the_households_weeks_for_displacement_counts(ngo, queued, done):
    household = done(lambda: household_register(organization=ngo))
    (weeks, options), move = queued(lambda: _move(ngo, household))
    assert weeks == ["2025-03-03"] and options == {"cases": False, "parts": ["displacements"]}
    done(lambda: _move(ngo, household, left_on=APRIL_2))
    (weeks, _), _ = queued(lambda: displacement_update(displacement=move, left_on=MARCH_12))
    assert weeks == ["2025-03-03", "2025-03-10", "2025-03-31"]  # a repeat move counts by order
    (weeks, options), _ = queued(lambda: member_add(household=household, age_band="0-4", sex=Sex.FEMALE))
    assert weeks == ["2025-03-10", "2025-03-31"] and options["parts"] == ["displacements"]
    (weeks, _), _ = queued(lambda: displacement_delete(displacement=move))
    assert weeks == ["2025-03-10", "2025-03-31"]
    (weeks, options), _ = queued(lambda: household_delete(household=household))
    assert weeks == ["2025-03-31"] and options["parts"] == ["displacements"]


def test_cases_queue_their_organisations_case_summary(ngo, queued, done):
    household = done(lambda: household_register(organization=ngo))
    (weeks, options), case = queued(lambda: case_open(household=household))
    assert weeks == [] and options == {"cases": True, "parts": []}
    assert queued(lambda: case_transition(case=case, status=CaseStatus.CLOSED))[0][1]["cases"] is True
    (weeks, options), _ = queued(lambda: household_update(household=household, current_place=_place()))
    assert options["cases"] is True  # its cases count in another oblast
    assert queued(lambda: household_update(household=household, notes="moved"))[0] is None


def test_a_consent_to_statistics_queues_the_households_weeks_and_its_cases(ngo, queued, done):
    """Both hold the household as counted outside, or not: given, withdrawn, or deleted with
    its testimony, the consent changes their ``counted`` cells."""
    household = done(lambda: household_register(organization=ngo))
    done(lambda: _move(ngo, household))
    done(lambda: case_open(household=household))
    testimony = done(lambda: _testimony(ngo, household=household))
    (weeks, options), consent = queued(lambda: consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS))
    assert weeks == ["2025-03-03"] and options == {"cases": True, "parts": ["displacements"]}
    (weeks, options), _ = queued(lambda: consent_withdraw(consent=consent, by=None))
    assert weeks == ["2025-03-03"] and options == {"cases": True, "parts": ["displacements"]}
    done(lambda: consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS))
    (weeks, options), _ = queued(lambda: testimony_delete(testimony=testimony))
    assert "2025-03-03" in weeks and options["cases"] is True and "displacements" in options["parts"]


def test_a_write_that_bypasses_the_services_queues_nothing(ngo, queued):
    """The rule this replaces was a model signal: now only the services know what they touched."""
    assert queued(lambda: EventFactory(organization=ngo, start=MARCH_5))[0] is None
