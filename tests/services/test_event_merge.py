"""Merging two records of one event: every link and id moves to the survivor, in one transaction."""

from unittest import mock

import pghistory.models
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from displacement.models import (
    Attachment,
    Displacement,
    DuplicateStatus,
    Event,
    EventAlias,
    EventDuplicateCandidate,
    TestimonyEvent,
    Tombstone,
)
from displacement.models.vocab import Target
from displacement.services.attachments import attachment_upload
from displacement.services.event_duplicates import event_duplicate_answer, event_duplicates_find
from displacement.services.event_merge import event_merge, survivor_of
from displacement.services.events import CREATED, UPDATED, DuplicateExternalId, event_record, event_upsert
from tests.factories import DisplacementFactory, EventFactory, SourceFactory, TestimonyFactory
from tests.support.events import acled, strike

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(ngo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    survivor = acled(ngo, "UKR100")
    merged = strike(ngo, km_north=1, external_id="partner-7", target=Target.SCHOOL, description="The school.")
    EventAlias.objects.create(organization=ngo, event=merged, external_id="partner-6")
    both, only_merged = TestimonyFactory(organization=ngo), TestimonyFactory(organization=ngo)
    for testimony in (both, only_merged):
        TestimonyEvent.objects.create(testimony=testimony, event=merged, relation="witnessed")
    TestimonyEvent.objects.create(testimony=both, event=survivor, relation="heard_about")
    shared, own = SourceFactory(organization=ngo), SourceFactory(organization=ngo)
    survivor.sources.add(shared)
    merged.sources.add(shared, own)
    DisplacementFactory(household__organization=ngo, organization=ngo, cause=merged)
    cause, consequence = EventFactory(organization=ngo), EventFactory(organization=ngo)
    merged.caused_by.add(cause, survivor)  # the survivor cannot become its own cause
    consequence.caused_by.add(merged)
    attachment_upload(organization=ngo, file=ContentFile(b"photo", name="p.jpg"), event=merged)
    linked = {"both": both, "only": only_merged, "shared": shared, "own": own, "cause": cause, "next": consequence}
    return survivor, merged, linked


def test_every_link_moves_to_the_survivor(pair, coordinator):
    survivor, merged, linked = pair
    event_merge(survivor=survivor, merged=merged, by=coordinator)
    assert not Event.objects.filter(pk=merged.pk).exists()
    links = TestimonyEvent.objects.filter(event=survivor)
    assert sorted(links.values_list("testimony_id", flat=True)) == sorted([linked["both"].pk, linked["only"].pk])
    assert links.get(testimony=linked["both"]).relation == "heard_about"  # the survivor's own link stays
    assert set(survivor.sources.all()) == {linked["shared"], linked["own"]}
    assert Displacement.objects.get().cause_id == survivor.pk
    assert list(survivor.caused_by.all()) == [linked["cause"]]
    assert list(linked["next"].caused_by.all()) == [survivor]
    assert Attachment.objects.get().event_id == survivor.pk


def test_the_survivor_takes_the_merged_events_missing_facts(pair):
    survivor, merged, _ = pair
    event_merge(survivor=survivor, merged=merged)
    survivor.refresh_from_db()
    assert survivor.target == Target.SCHOOL  # ACLED codes no target; the field report did
    assert survivor.description == "The school."  # the ACLED fixture had none


def test_the_survivor_is_checked_for_duplicates_once_the_merge_commits(pair, django_capture_on_commit_callbacks):
    # It took the merged event's facts: it may now pair with what only the merged event paired with.
    survivor, merged, _ = pair
    task = "displacement.tasks.duplicates.event_duplicates_check_task.apply_async"
    with mock.patch(task) as queued, django_capture_on_commit_callbacks(execute=True):
        event_merge(survivor=survivor, merged=merged)
    [call] = queued.call_args_list
    assert survivor.pk in call.args[0][0]


def test_the_merged_ids_stay_as_aliases_and_later_writes_reach_the_survivor(pair, ngo):
    survivor, merged, _ = pair
    event_merge(survivor=survivor, merged=merged)
    assert set(EventAlias.objects.filter(event=survivor).values_list("external_id", flat=True)) == {
        "partner-7",
        "partner-6",
    }
    upserted = event_upsert(organization=ngo, external_id="partner-7", title="Strike on school No. 5")
    assert (upserted.event.pk, upserted.status) == (survivor.pk, UPDATED)
    assert Event.objects.get(pk=survivor.pk).title == "Strike on school No. 5"
    with pytest.raises(DuplicateExternalId):
        event_record(organization=ngo, **_fields(survivor), external_id="partner-6")
    assert event_upsert(organization=ngo, external_id="partner-8", **_fields(survivor)).status == CREATED


def _fields(event):
    return {
        "title": "Another",
        "category": event.category,
        "event_type": event.event_type,
        "start": event.start,
        "place": event.place,
    }


def test_history_records_the_merge_and_who_made_it(pair, coordinator):
    survivor, merged, _ = pair
    event_merge(survivor=survivor, merged=merged, by=coordinator)
    context = pghistory.models.Context.objects.filter(metadata__event_merge__merged=merged.pk).get()
    assert context.metadata["event_merge"]["survivor"] == survivor.pk
    assert context.metadata["event_merge"]["merged_external_id"] == "partner-7"
    assert context.metadata["user"] == coordinator.pk
    deleted = Event.history.rel.related_model.objects.filter(pgh_obj_id=merged.pk, pgh_label="delete")
    assert deleted.get().pgh_context_id == context.pk


def test_partners_are_told_where_the_merged_event_went(pair):
    survivor, merged, _ = pair
    event_merge(survivor=survivor, merged=merged)
    stone = Tombstone.objects.get(record_kind="events", record_id=merged.pk)
    assert (stone.reason, stone.survivor_id, stone.shared) == ("merged", survivor.pk, True)


def test_an_acled_event_survives_a_field_report_else_the_older(ngo):
    report, from_acled = strike(ngo), acled(ngo, "UKR1")
    assert survivor_of(report, from_acled) == (from_acled, report)
    older, newer = strike(ngo), strike(ngo)
    assert survivor_of(newer, older) == (older, newer)


def test_events_of_two_organisations_are_never_merged_nor_one_into_itself(ngo, other_ngo):
    ours = strike(ngo)
    with pytest.raises(ValidationError):
        event_merge(survivor=ours, merged=strike(other_ngo))
    with pytest.raises(ValidationError):
        event_merge(survivor=ours, merged=ours)
    assert Event.objects.count() == 2


def test_a_coordinators_merge_answer_merges_the_pair(ngo, coordinator):
    report, from_acled = strike(ngo, km_north=1), acled(ngo, "UKR1")
    event_duplicates_find()
    candidate = EventDuplicateCandidate.objects.get()
    event_duplicate_answer(candidate=candidate, by=coordinator, answer=DuplicateStatus.MERGED)
    assert list(Event.objects.values_list("pk", flat=True)) == [from_acled.pk]
    assert not EventDuplicateCandidate.objects.exists()  # the pair went with the merged event
    history = EventDuplicateCandidate.history.rel.related_model.objects
    assert history.filter(status=DuplicateStatus.MERGED, pgh_obj_id=candidate.pk).exists()
    assert report.pk not in Event.objects.values_list("pk", flat=True)
