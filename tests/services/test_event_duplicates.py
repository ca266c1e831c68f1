"""Candidate duplicate events: each window and rule, the queue's memory, the check after a write."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied

from displacement.models import DuplicateStatus, EventDuplicateCandidate
from displacement.models.vocab import (
    DatePrecision,
    DisplacementKind,
    EventCategory,
    EventType,
    GeoPrecision,
    SubEventType,
    Target,
)
from displacement.services.event_duplicates import (
    event_duplicate_answer,
    event_duplicates_check,
    event_duplicates_find,
)
from displacement.services.events import event_record, event_update
from tests.factories import place
from tests.support.events import DAY, acled, strike

pytestmark = pytest.mark.django_db


def pairs() -> set[tuple[int, int]]:
    event_duplicates_find()
    return set(EventDuplicateCandidate.objects.values_list("event_id", "other_id"))


def pair(a, b) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_exact_events_within_the_distance_and_the_days_are_candidates(ngo):
    first = strike(ngo)
    near = strike(ngo, km_north=3.5, days=2)
    strike(ngo, km_north=-4.5)  # 4.5 km from the first, 8 from the second
    strike(ngo, days=-3)  # three days before the first
    assert pairs() == {pair(first, near)}


def test_the_windows_are_settings(ngo, settings):
    first, second = strike(ngo), strike(ngo, km_north=3.5, days=2)
    settings.EVENT_DUPLICATE_KM, settings.EVENT_DUPLICATE_DAYS = 3, 1  # MELTT's narrower window
    assert pairs() == set()
    settings.EVENT_DUPLICATE_KM, settings.EVENT_DUPLICATE_DAYS = 4, 2
    assert pairs() == {pair(first, second)}


def test_near_precision_widens_to_the_raion(ngo):
    near = strike(ngo, geo_precision=GeoPrecision.NEAR, place=place("UA1214005"), latitude=None, longitude=None)
    same_raion = strike(ngo, km_north=20)  # exact, in UA1214 too
    strike(ngo, geo_precision=GeoPrecision.NEAR, place=place("UA1202001"), latitude=None, longitude=None)
    assert pairs() == {pair(near, same_raion)}


def test_region_precision_widens_to_the_oblast(ngo):
    region = strike(ngo, geo_precision=GeoPrecision.REGION, place=place("UA12"), latitude=None, longitude=None)
    same_oblast = strike(ngo, km_north=60)
    strike(ngo, place=place("UA6312001"), latitude=None, longitude=None, geo_precision=GeoPrecision.NEAR)
    assert pairs() == {pair(region, same_oblast)}


def test_week_and_month_precision_widen_to_the_whole_week_and_month(ngo):
    week = strike(ngo, date_precision=DatePrecision.WEEK)  # the week of Monday 12 May 2025
    sunday = strike(ngo, start=datetime.date(2025, 5, 18), km_north=1)
    strike(ngo, start=datetime.date(2025, 5, 21), km_north=2)  # 3 days after the week
    assert pairs() == {pair(week, sunday)}
    EventDuplicateCandidate.objects.all().delete()
    month = strike(ngo, date_precision=DatePrecision.MONTH, start=datetime.date(2025, 7, 3), km_north=-1)
    end_of_july = strike(ngo, start=datetime.date(2025, 7, 31), km_north=-2)
    found = pairs()
    assert pair(month, end_of_july) in found
    assert not {pair(month, e) for e in (week, sunday)} & found


def test_category_and_types_must_agree_or_be_compatible(ngo):
    first = strike(ngo)
    strike(ngo, km_north=1, event_type=EventType.BATTLES, sub_event_type=SubEventType.ARMED_CLASH)
    shelling = strike(ngo, km_north=1, sub_event_type=SubEventType.SHELLING_ARTILLERY_MISSILE)  # another sub-type
    compatible = strike(
        ngo, km_north=1, event_type=EventType.VIOLENCE_AGAINST_CIVILIANS, sub_event_type=SubEventType.ATTACK
    )
    untyped = strike(ngo, km_north=1, sub_event_type="")
    strike(
        ngo,
        km_north=1,
        category=EventCategory.DISPLACEMENT,
        event_type="",
        sub_event_type="",
        displacement_kind=DisplacementKind.SELF_EVACUATION,
    )
    found = pairs()
    assert pair(first, compatible) in found and pair(first, untyped) in found
    # An event without a sub-type may be any of them; compatible types meet whatever their
    # sub-types; the battle and the evacuation meet none.
    assert found == {
        pair(first, compatible),
        pair(first, untyped),
        pair(shelling, untyped),
        pair(shelling, compatible),
        pair(compatible, untyped),
    }


def test_events_of_two_organisations_never_pair(ngo, other_ngo):
    strike(ngo)
    strike(other_ngo)
    assert pairs() == set()


def test_two_acled_events_pair_only_when_they_agree_on_what_acled_merges_on(ngo):
    first = acled(ngo, "UKR1")
    acled(ngo, "UKR2", actor1="Military Forces of Ukraine (2019-)")  # another actor: ACLED kept them apart
    acled(ngo, "UKR3", km_north=0.5)  # other coordinates
    twin = acled(ngo, "UKR4")  # all the same: a double entry
    weekly = acled(ngo, "UKR5", date_precision=DatePrecision.WEEK, km_north=2)
    weekly_twin = acled(ngo, "UKR6", date_precision=DatePrecision.WEEK, km_north=2)
    acled(ngo, "UKR7", km_north=2)  # the same but dated to the day: ACLED told them apart
    field_report = strike(ngo, km_north=1, days=1)
    found = pairs()
    assert {p for p in found if field_report.pk not in p} == {pair(first, twin), pair(weekly, weekly_twin)}
    assert sum(field_report.pk in p for p in found) == 7  # the field report meets every ACLED event


def test_score_and_reasons_say_why(ngo):
    first = strike(ngo, target=Target.SCHOOL, description="A drone hit school No. 5 in the morning.")
    strike(ngo, km_north=2, days=1, target=Target.SCHOOL, description="In the morning a drone hit school No. 5.")
    pairs()
    candidate = EventDuplicateCandidate.objects.get()
    assert candidate.organization_id == first.organization_id
    reasons = candidate.reasons
    assert reasons["level"] == "point" and 1.9 < reasons["km"] < 2.1
    assert (reasons["days_apart"], reasons["types"], reasons["target"]) == (1, "same_sub_type", "same")
    assert reasons["description"] == 1.0
    far = strike(ngo, days=10, km_north=3.9, target=Target.MILITARY)
    strike(ngo, days=11, km_north=0, target=Target.SCHOOL)
    pairs()
    other = EventDuplicateCandidate.objects.get(other_id__gt=far.pk - 1, event_id=far.pk)
    assert other.score < candidate.score


def test_an_answer_is_remembered_and_a_pair_gone_leaves_the_queue(ngo, coordinator):
    first, second = strike(ngo), strike(ngo, km_north=1)
    third = strike(ngo, km_north=2, days=1)
    pairs()
    answered = EventDuplicateCandidate.objects.get(event=first, other=second)
    event_duplicate_answer(candidate=answered, by=coordinator, answer=DuplicateStatus.DISTINCT)
    event_update(event=third, start=DAY + datetime.timedelta(days=30))
    assert pairs() == {pair(first, second)}
    assert EventDuplicateCandidate.objects.get().status == DuplicateStatus.DISTINCT


def test_only_a_coordinator_of_the_organisation_answers(ngo, caseworker):
    strike(ngo), strike(ngo, km_north=1)
    pairs()
    with pytest.raises(PermissionDenied):
        event_duplicate_answer(
            candidate=EventDuplicateCandidate.objects.get(), by=caseworker, answer=DuplicateStatus.DISTINCT
        )
    assert EventDuplicateCandidate.objects.get().status == DuplicateStatus.PENDING


def test_a_written_event_is_checked_after_commit(ngo, django_capture_on_commit_callbacks):
    first = strike(ngo)
    task = "displacement.tasks.duplicates.event_duplicates_check_task.apply_async"
    with mock.patch(task) as queued, django_capture_on_commit_callbacks(execute=True):
        second = event_record(
            organization=ngo,
            title="Drone strike on the school",
            category=EventCategory.VIOLENCE,
            event_type=EventType.EXPLOSIONS,
            sub_event_type=SubEventType.AIR_DRONE_STRIKE,
            start=DAY,
            place=first.place,
            geo_precision=first.geo_precision,
            latitude=first.latitude,
            longitude=first.longitude,
        )
    [call] = queued.call_args_list
    [ids] = call.args[0]
    assert second.pk in ids
    result = event_duplicates_check(event_ids=ids)
    assert result.found == 1 and result.new == 1
    assert set(EventDuplicateCandidate.objects.values_list("event_id", "other_id")) == {pair(first, second)}


def test_a_check_of_many_events_runs_the_whole_pass_of_their_organisation(ngo, other_ngo, monkeypatch):
    from displacement.services import event_duplicates

    first, second, third = strike(ngo), strike(ngo, km_north=1), strike(ngo, km_north=30)
    theirs = (strike(other_ngo), strike(other_ngo, km_north=1))
    monkeypatch.setattr(event_duplicates, "WHOLE_PASS_ABOVE", 1)
    result = event_duplicates_check(event_ids=[first.pk, third.pk])
    assert (result.found, result.new) == (1, 1)
    assert set(EventDuplicateCandidate.objects.values_list("event_id", "other_id")) == {pair(first, second)}
    assert pair(*theirs) not in set(EventDuplicateCandidate.objects.values_list("event_id", "other_id"))


def test_a_check_drops_the_pending_pairs_of_a_corrected_event_only(ngo):
    _first, second = strike(ngo), strike(ngo, km_north=1)
    third, fourth = strike(ngo, days=10), strike(ngo, days=10, km_north=1)
    pairs()
    event_update(event=second, start=DAY + datetime.timedelta(days=40))
    result = event_duplicates_check(event_ids=[second.pk])
    assert (result.found, result.new) == (0, 0)
    assert set(EventDuplicateCandidate.objects.values_list("event_id", "other_id")) == {pair(third, fourth)}
