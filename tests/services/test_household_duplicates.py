"""The nightly pass lists candidate duplicates; a coordinator answers each pair once."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from displacement.models import DuplicateStatus, Household, HouseholdDuplicateCandidate
from displacement.services.household_duplicates import household_duplicate_answer, household_duplicates_find
from displacement.tasks import household_duplicates_find_task
from tests.support.duplicates import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def twice(ngo):
    """One family registered twice (in Latin, a year off, the same origin), and a stranger."""
    first = register(ngo, "Олена Шевченко", phone="050 123 45 67", born=1980)
    second = register(ngo, "Shevchenko Olena", phone="", born=1981)
    register(ngo, "Іван Франко", born=1980)
    return first, second


def test_the_pass_lists_the_family_registered_twice_and_no_one_else(twice):
    result = household_duplicates_find()
    first, second = twice
    [candidate] = HouseholdDuplicateCandidate.objects.all()
    assert (candidate.household_id, candidate.other_id) == (first.pk, second.pk)
    assert candidate.status == DuplicateStatus.PENDING
    assert candidate.reasons == {"name": 1.0, "years_apart": 1, "same_raion": True}
    assert (result.found, result.new) == (1, 1)


def test_running_the_pass_again_adds_nothing(twice):
    household_duplicates_find()
    assert household_duplicates_find().new == 0
    assert HouseholdDuplicateCandidate.objects.count() == 1


def test_a_pair_answered_not_the_same_is_never_asked_again(twice, coordinator):
    household_duplicates_find()
    candidate = HouseholdDuplicateCandidate.objects.get()
    household_duplicate_answer(candidate=candidate, by=coordinator, answer=DuplicateStatus.DISTINCT)
    assert household_duplicates_find().found == 0
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (DuplicateStatus.DISTINCT, coordinator)
    with pytest.raises(ValidationError):
        household_duplicate_answer(candidate=candidate, by=coordinator, answer=DuplicateStatus.MERGED)


def test_a_pair_that_no_longer_scores_leaves_the_queue(twice):
    household_duplicates_find()
    first, second = twice
    second.contact_details.full_name = "Іван Франко"
    second.contact_details.save()
    household_duplicates_find()
    assert not HouseholdDuplicateCandidate.objects.filter(household=first, other=second).exists()


def test_only_a_coordinator_answers(twice, caseworker):
    household_duplicates_find()
    with pytest.raises(PermissionDenied):
        household_duplicate_answer(
            candidate=HouseholdDuplicateCandidate.objects.get(), by=caseworker, answer=DuplicateStatus.DISTINCT
        )


def test_answering_merge_merges_into_the_older_household(twice, coordinator):
    household_duplicates_find()
    first, second = twice
    household_duplicate_answer(
        candidate=HouseholdDuplicateCandidate.objects.get(), by=coordinator, answer=DuplicateStatus.MERGED
    )
    assert not Household.objects.filter(pk=second.pk).exists()
    assert first.displacements.count() == 2


def test_the_nightly_task_runs_the_pass(twice):
    assert household_duplicates_find_task.apply().get() == 1


def test_the_pass_sees_one_organisation_only_when_asked(twice, other_ngo):
    register(other_ngo, "Петро Сагайдачний", born=1970)
    register(other_ngo, "Sahaidachnyi Petro", born=1970)
    assert household_duplicates_find(organization=other_ngo).found == 1
    assert HouseholdDuplicateCandidate.objects.get().organization == other_ngo
