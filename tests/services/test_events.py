"""Recording, updating and upserting events by the writer's own external id."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from displacement.models import Event, Place
from displacement.services.events import (
    CREATED,
    UNCHANGED,
    UPDATED,
    DuplicateExternalId,
    event_record,
    event_update,
    event_upsert,
)
from tests.factories import EventFactory, OrganizationFactory, SourceFactory, UserFactory
from tests.support.locks import committed_in_another_connection, committed_once_waited

pytestmark = pytest.mark.django_db


def _fields(**changes) -> dict:
    return {
        "title": "Shelling of an apartment block",
        "category": "violence",
        "event_type": "explosions_remote_violence",
        "sub_event_type": "shelling_artillery_missile_attack",
        "start": datetime.date(2025, 5, 3),
        "place": Place.objects.get(pcode="UA1214025"),
        "killed": 2,
        **changes,
    }


def test_a_recorded_event_belongs_to_its_organisation_and_its_history_names_the_author(ngo, coordinator):
    event = event_record(organization=ngo, created_by=coordinator, external_id="UKR1", **_fields())
    assert event.organization == ngo and event.created_by == coordinator
    assert event.history.get().pgh_context.metadata["user"] == coordinator.pk


def test_an_external_id_is_used_once_per_organisation(ngo, other_ngo):
    event_record(organization=ngo, external_id="UKR1", **_fields())
    with pytest.raises(DuplicateExternalId) as refused:
        event_record(organization=ngo, external_id="UKR1", **_fields(title="Again"))
    assert "UKR1" in refused.value.message_dict["external_id"][0]
    assert event_record(organization=other_ngo, external_id="UKR1", **_fields()).organization == other_ngo
    assert Event.objects.filter(external_id="UKR1").count() == 2


def test_a_record_that_breaks_a_model_rule_is_refused_and_nothing_is_written(ngo):
    with pytest.raises(ValidationError) as refused:
        event_record(organization=ngo, **_fields(sub_event_type="armed_clash"))
    assert "sub_event_type" in refused.value.message_dict
    assert not Event.objects.filter(organization=ngo).exists()


def test_sources_of_another_organisation_cannot_be_linked(ngo, other_ngo):
    with pytest.raises(ValidationError, match="same organisation"):
        event_record(organization=ngo, sources=[SourceFactory(organization=other_ngo)], **_fields())
    assert not Event.objects.filter(organization=ngo).exists()


def test_the_verification_decision_is_not_set_by_a_record_or_an_update(ngo):
    with pytest.raises(ValidationError) as refused:
        event_record(organization=ngo, verification_status="verified", **_fields())
    assert "verification_status" in refused.value.message_dict
    event = EventFactory(organization=ngo)
    with pytest.raises(ValidationError):
        event_update(event=event, verification_status="verified")
    event.refresh_from_db()
    assert event.verification_status == "reported"


def test_an_update_writes_its_changes_once_in_the_history(ngo, coordinator):
    event = event_record(organization=ngo, **_fields())
    event_update(event=event, by=coordinator, killed=3, title="Shelling of two apartment blocks")
    event.refresh_from_db()
    assert (event.killed, event.title) == (3, "Shelling of two apartment blocks")
    latest = event.history.order_by("pgh_id").last()
    assert latest.pgh_label == "update" and latest.pgh_context.metadata["user"] == coordinator.pk


def test_an_update_that_changes_nothing_writes_nothing(ngo, django_capture_on_commit_callbacks):
    event = event_record(organization=ngo, **_fields())
    before = (event.history.count(), Event.objects.get(pk=event.pk).updated_at)
    with django_capture_on_commit_callbacks() as queued:
        event_update(event=event, **{**_fields(), "start": "2025-05-03", "killed": "2"})
    assert (event.history.count(), Event.objects.get(pk=event.pk).updated_at) == before
    assert queued == [], "no summary refresh for a change of nothing"


def test_an_update_to_an_external_id_already_used_is_a_duplicate(ngo):
    event_record(organization=ngo, external_id="UKR1", **_fields())
    other = event_record(organization=ngo, external_id="UKR2", **_fields())
    with pytest.raises(DuplicateExternalId):
        event_update(event=other, external_id="UKR1")
    assert Event.objects.get(pk=other.pk).external_id == "UKR2"


def test_an_update_replaces_sources_only_when_given(ngo):
    source = SourceFactory(organization=ngo)
    event = event_record(organization=ngo, sources=[source], **_fields())
    event_update(event=event, killed=5)
    assert list(event.sources.all()) == [source]
    event_update(event=event, sources=[])
    assert not event.sources.exists()


def test_an_upsert_creates_then_updates_then_leaves_alone(ngo, django_capture_on_commit_callbacks):
    author = UserFactory()
    with django_capture_on_commit_callbacks() as queued:
        created = event_upsert(organization=ngo, external_id="UKR7", by=author, **_fields())
    assert created.status == CREATED and created.event.created_by == author and queued
    updated = event_upsert(organization=ngo, external_id="UKR7", **_fields(killed=4))
    assert updated.status == UPDATED and updated.event.pk == created.event.pk
    assert Event.objects.get(pk=created.event.pk).killed == 4
    history = created.event.history.count()
    with django_capture_on_commit_callbacks() as queued:
        unchanged = event_upsert(organization=ngo, external_id="UKR7", **_fields(killed=4))
    assert unchanged.status == UNCHANGED and created.event.history.count() == history and queued == []
    assert Event.objects.filter(organization=ngo, external_id="UKR7").count() == 1


def test_an_upsert_is_per_organisation(ngo, other_ngo):
    mine = event_upsert(organization=ngo, external_id="UKR7", **_fields())
    theirs = event_upsert(organization=other_ngo, external_id="UKR7", **_fields(killed=9))
    assert theirs.status == CREATED and theirs.event.pk != mine.event.pk
    assert Event.objects.get(pk=mine.event.pk).killed == 2


@pytest.mark.parametrize("external_id", ["", "   "])
def test_an_upsert_needs_an_external_id(ngo, external_id):
    with pytest.raises(ValidationError) as refused:
        event_upsert(organization=ngo, external_id=external_id, **_fields())
    assert "external_id" in refused.value.message_dict
    assert not Event.objects.filter(organization=ngo).exists()


def test_an_upsert_with_a_bad_value_leaves_the_event_as_it_was(ngo):
    event_upsert(organization=ngo, external_id="UKR7", **_fields())
    with pytest.raises(ValidationError) as refused:
        event_upsert(organization=ngo, external_id="UKR7", **_fields(killed=8, end=datetime.date(2025, 5, 1)))
    assert "end" in refused.value.message_dict
    assert Event.objects.get(organization=ngo, external_id="UKR7").killed == 2


@pytest.mark.django_db(transaction=True)
def test_two_upserts_of_one_new_external_id_at_once_create_it_once(gazetteer):
    """The first writer has inserted but not committed; the second waits on the unique index,
    then updates what the first committed instead of failing on the constraint."""
    organization = OrganizationFactory()
    with committed_once_waited(lambda: event_upsert(organization=organization, external_id="UKR9", **_fields())):
        second = event_upsert(organization=organization, external_id="UKR9", **_fields(killed=6))
    assert second.status == UPDATED
    assert list(Event.objects.filter(organization=organization).values_list("killed", flat=True)) == [6]


@pytest.mark.django_db(transaction=True)
def test_an_upsert_updates_an_event_another_writer_committed_after_it_looked(gazetteer, monkeypatch):
    """The other writer commits between this upsert's look for the id and its validation, which
    then sees the row: this upsert updates it rather than failing on the constraint's message."""
    organization = OrganizationFactory()
    full_clean = Event.full_clean

    def committed_meanwhile(event, *args, **kwargs):
        monkeypatch.setattr(Event, "full_clean", full_clean)
        first = lambda: event_upsert(organization=organization, external_id="UKR9", **_fields())  # noqa: E731
        committed_in_another_connection(first)
        return full_clean(event, *args, **kwargs)

    monkeypatch.setattr(Event, "full_clean", committed_meanwhile)
    second = event_upsert(organization=organization, external_id="UKR9", **_fields(killed=6))
    assert second.status == UPDATED
    assert list(Event.objects.filter(organization=organization).values_list("killed", flat=True)) == [6]
