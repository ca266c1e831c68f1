"""Merging moves everything of one family to the surviving household, in one transaction."""

import datetime

import pghistory.models
import pytest
from django.core.exceptions import ValidationError

from displacement.models import Case, Consent, ContactDetails, Displacement, Household, Person, Testimony
from displacement.models.vocab import CaseStatus
from displacement.services.household_merge import household_merge
from tests.factories import CaseFactory, DisplacementFactory, HouseholdFactory, PersonFactory, TestimonyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(ngo):
    survivor, merged = HouseholdFactory(organization=ngo), HouseholdFactory(organization=ngo)
    ContactDetails.objects.create(household=survivor, full_name="Олена Шевченко")
    ContactDetails.objects.create(
        household=merged, full_name="Olena Shevchenko", phone="0501234567", date_of_birth=datetime.date(1980, 5, 1)
    )
    PersonFactory(household=merged)
    DisplacementFactory(household=merged)
    CaseFactory(
        household=merged,
        status=CaseStatus.CLOSED,
        opened_on=datetime.date(2025, 4, 1),
        closed_on=datetime.date(2025, 5, 1),
    )
    testimony = TestimonyFactory(organization=ngo, household=merged)
    Consent.objects.create(testimony=testimony, purpose="statistics")
    return survivor, merged


def test_people_cases_displacements_testimonies_and_consents_move_to_the_survivor(pair, coordinator):
    survivor, merged = pair
    household_merge(survivor=survivor, merged=merged, by=coordinator)
    assert not Household.objects.filter(pk=merged.pk).exists()
    for model in (Person, Case, Displacement, Testimony):
        assert model.objects.filter(household=survivor).count() == 1, model
    assert Consent.objects.filter(testimony__household=survivor).count() == 1


def test_the_survivor_keeps_its_identifiers_and_takes_the_missing_ones(pair):
    survivor, merged = pair
    household_merge(survivor=survivor, merged=merged)
    details = ContactDetails.objects.get(household=survivor)
    assert (details.full_name, details.phone, details.date_of_birth) == (
        "Олена Шевченко",
        "0501234567",
        datetime.date(1980, 5, 1),
    )


def test_history_records_the_merge_and_who_made_it(pair, coordinator):
    survivor, merged = pair
    household_merge(survivor=survivor, merged=merged, by=coordinator)
    context = pghistory.models.Context.objects.filter(metadata__household_merge__merged=merged.code).get()
    assert context.metadata["household_merge"]["survivor"] == survivor.code
    assert context.metadata["user"] == coordinator.pk
    deleted = Household.history.rel.related_model.objects.filter(pgh_obj_id=merged.pk, pgh_label="delete")
    assert deleted.get().pgh_context_id == context.pk


def test_two_open_cases_refuse_the_merge_and_nothing_moves(pair):
    survivor, merged = pair
    CaseFactory(household=survivor)
    CaseFactory(household=merged)
    with pytest.raises(ValidationError):
        household_merge(survivor=survivor, merged=merged)
    assert Person.objects.filter(household=merged).count() == 1


def test_households_of_two_organisations_are_never_merged(pair, other_ngo):
    survivor, _ = pair
    with pytest.raises(ValidationError):
        household_merge(survivor=survivor, merged=HouseholdFactory(organization=other_ngo))


def test_a_household_is_not_merged_into_itself(pair):
    survivor, _ = pair
    with pytest.raises(ValidationError):
        household_merge(survivor=survivor, merged=survivor)


def test_history_records_each_moved_record_under_the_merge(pair, coordinator):
    survivor, merged = pair
    moved = {
        model: set(model.objects.filter(household=merged).values_list("pk", flat=True))
        for model in (Person, Case, Displacement, Testimony)
    }
    household_merge(survivor=survivor, merged=merged, by=coordinator)
    context = pghistory.models.Context.objects.filter(metadata__household_merge__merged=merged.code).get()
    for model, ids in moved.items():
        assert ids, model
        events = model.history.rel.related_model.objects.filter(pgh_context_id=context.pk, pgh_obj_id__in=ids)
        assert set(events.values_list("pgh_obj_id", flat=True)) == ids, model
        assert set(events.values_list("household_id", flat=True)) == {survivor.pk}, model
