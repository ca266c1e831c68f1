"""Changing testimonies and recording consents: who may change what."""

import pytest
from django.core.exceptions import ValidationError

from displacement.models import Case, Consent, Testimony, Tombstone
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.services.testimonies import consent_record, testimony_delete, testimony_record, testimony_update
from tests.factories import HouseholdFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
NARRATIVE = "We hid in the basement of the school with the neighbours"


@pytest.fixture
def restricted(ngo, coordinator):
    household = HouseholdFactory(organization=ngo)
    Case.objects.create(household=household, reference="T-1", assigned_to=coordinator)
    return TestimonyFactory(
        organization=ngo,
        household=household,
        interviewer=coordinator,
        narrative=NARRATIVE,
        sensitivity=Sensitivity.RESTRICTED,
    )


@pytest.mark.parametrize(
    "change",
    [{"sensitivity": Sensitivity.PUBLIC}, {"narrative": "overwritten"}, {"household": "own"}],
    ids=["sensitivity", "narrative", "household"],
)
def test_a_caseworker_who_cannot_read_the_narrative_cannot_publish_overwrite_or_move_it(
    restricted, caseworker, ngo, change
):
    if change.get("household") == "own":
        own = HouseholdFactory(organization=ngo)
        Case.objects.create(household=own, reference="T-2", assigned_to=caseworker)
        change = {"household": own}
    with pytest.raises(ValidationError, match="narrative you cannot read") as refused:
        testimony_update(testimony=restricted, by=caseworker, **change)
    assert set(refused.value.message_dict) == set(change)
    restricted.refresh_from_db()
    assert (restricted.sensitivity, restricted.narrative) == (Sensitivity.RESTRICTED, NARRATIVE)


def test_a_caseworker_may_change_what_they_may_read(restricted, caseworker, analyst):
    restricted.interviewer = caseworker
    restricted.save()
    changed = testimony_update(testimony=restricted, by=caseworker, sensitivity=Sensitivity.INTERNAL, summary="s2")
    assert (changed.sensitivity, changed.summary) == (Sensitivity.INTERNAL, "s2")


def test_a_coordinator_changes_the_sensitivity_and_a_restricted_testimony_leaves_partners(restricted, coordinator):
    Consent.objects.create(testimony=restricted, purpose=ConsentPurpose.SHARING)  # else it never reached them
    testimony_update(testimony=restricted, by=coordinator, sensitivity=Sensitivity.PUBLIC)
    testimony_update(testimony=restricted, by=coordinator, sensitivity=Sensitivity.RESTRICTED)
    assert Tombstone.objects.filter(record_kind="testimonies", record_id=restricted.pk).exists()


def test_a_caseworker_records_testimonies_as_their_interviewer(ngo, caseworker, coordinator):
    fields = {"recorded_on": "2025-05-02", "witness_role": "volunteer", "summary": "s", "language": "uk"}
    assert testimony_record(organization=ngo, by=caseworker, **fields).interviewer == caseworker
    with pytest.raises(ValidationError, match="Only a coordinator names another interviewer"):
        testimony_record(organization=ngo, by=caseworker, interviewer=coordinator, **fields)
    named = testimony_record(organization=ngo, by=coordinator, interviewer=caseworker, **fields)
    assert named.interviewer == caseworker


def test_consents_are_recorded_by_someone_who_may_read_the_testimony(restricted, caseworker, coordinator):
    with pytest.raises(ValidationError, match="cannot read"):
        consent_record(testimony=restricted, by=caseworker, purpose=ConsentPurpose.SHARING)
    consent = consent_record(testimony=restricted, by=coordinator, purpose=ConsentPurpose.SHARING, scope="Only ...")
    assert consent.recorded_by == coordinator


def test_only_a_reader_of_the_narrative_deletes_a_testimony(restricted, caseworker, coordinator):
    with pytest.raises(ValidationError, match="narrative you cannot read"):
        testimony_delete(testimony=restricted, by=caseworker)
    testimony_delete(testimony=restricted, by=coordinator)
    assert not Testimony.objects.filter(pk=restricted.pk).exists()
