"""Opening cases and moving them through the workflow."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from displacement.models import Case
from displacement.models.vocab import CaseStatus
from displacement.selectors.access import Viewer
from displacement.services.cases import (
    case_assign,
    case_delete,
    case_note_add,
    case_open,
    case_transition,
    case_update,
    referral_save,
)
from displacement.services.households import household_register
from tests.factories import HouseholdFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_references_are_prefixed_by_organisation_and_numbered_per_year(ngo):
    first = case_open(household=HouseholdFactory(organization=ngo), opened_on=datetime.date(2025, 5, 3))
    second = case_open(household=HouseholdFactory(organization=ngo), opened_on=datetime.date(2025, 6, 1))
    next_year = case_open(household=HouseholdFactory(organization=ngo), opened_on=datetime.date(2026, 1, 2))
    assert [first.reference, second.reference, next_year.reference] == [
        "UA-DNP-2025-00001",
        "UA-DNP-2025-00002",
        "UA-DNP-2026-00001",
    ]
    assert first.organization == ngo


def test_a_household_with_an_open_case_cannot_get_a_second(ngo):
    household = HouseholdFactory(organization=ngo)
    case_open(household=household)
    with pytest.raises(ValidationError, match="already has an open case"):
        case_open(household=household)


def test_workflow_allows_only_listed_transitions(ngo):
    case = case_open(household=HouseholdFactory(organization=ngo))
    with pytest.raises(ValidationError, match="cannot go from"):
        case_transition(case=case, status=CaseStatus.REFERRED)
    for status in (CaseStatus.ASSESSMENT, CaseStatus.CASE_PLAN, CaseStatus.REFERRED, CaseStatus.CLOSED):
        case_transition(case=case, status=status)
    case.refresh_from_db()
    assert case.closed_on is not None
    case_transition(case=case, status=CaseStatus.REOPENED)
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED and case.closed_on is None


# --- who gains a household's identifiers: one rule, here ----------------------------------


@pytest.fixture
def other_caseworker_of_ngo(ngo):
    user = UserFactory(username="second-caseworker")
    MembershipFactory(user=user, organization=ngo, role="caseworker")
    return user


def test_a_caseworker_takes_on_the_first_case_of_a_household_they_registered(ngo, caseworker):
    household = household_register(organization=ngo, by=caseworker)
    assert case_open(household=household, by=caseworker).assigned_to == caseworker


def test_a_caseworker_opening_a_case_of_a_household_they_did_not_register_leaves_it_unassigned(
    ngo, caseworker, coordinator
):
    never_had_a_case = household_register(organization=ngo, by=coordinator)
    case = case_open(household=never_had_a_case, by=caseworker)
    assert case.assigned_to is None
    assert not Viewer.of(caseworker).sees_identifiers_of(never_had_a_case.pk)


def test_a_caseworker_opening_a_later_case_of_their_own_household_leaves_it_unassigned(ngo, caseworker, coordinator):
    household = household_register(organization=ngo, by=caseworker)
    first = case_open(household=household, by=caseworker)
    case_transition(case=first, status=CaseStatus.CLOSED, by=coordinator)
    assert case_open(household=household, by=caseworker).assigned_to is None


def test_a_caseworker_cannot_assign_anyone_when_opening_a_case(ngo, caseworker, other_caseworker_of_ngo):
    household = household_register(organization=ngo, by=caseworker)
    with pytest.raises(ValidationError, match="Only a coordinator assigns"):
        case_open(household=household, by=caseworker, assigned_to=other_caseworker_of_ngo)
    assert not Case.objects.exists()


def test_a_coordinator_assigns_when_opening_a_case(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator, assigned_to=caseworker)
    assert case.assigned_to == caseworker


def test_only_staff_of_the_organisation_can_be_assigned(ngo, coordinator, analyst, other_caseworker):
    household = HouseholdFactory(organization=ngo)
    for someone in (analyst, other_caseworker):
        with pytest.raises(ValidationError, match="Assign a caseworker or coordinator"):
            case_open(household=household, by=coordinator, assigned_to=someone)


def test_an_analyst_opens_no_case(ngo, analyst):
    with pytest.raises(PermissionDenied):
        case_open(household=HouseholdFactory(organization=ngo), by=analyst)


def test_a_case_reopened_by_a_caseworker_comes_back_unassigned(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator, assigned_to=caseworker)
    case_transition(case=case, status=CaseStatus.CLOSED, by=coordinator, reason="Moved abroad.")
    reopened = case_transition(case=case, status=CaseStatus.REOPENED, by=caseworker)
    assert reopened.assigned_to is None and reopened.closed_on is None
    assert not Viewer.of(caseworker).sees_identifiers_of(case.household_id)


def test_a_case_reopened_by_a_coordinator_keeps_its_caseworker(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator, assigned_to=caseworker)
    case_transition(case=case, status=CaseStatus.CLOSED, by=coordinator)
    assert case_transition(case=case, status=CaseStatus.REOPENED, by=coordinator).assigned_to == caseworker


def test_only_a_coordinator_assigns(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator)
    with pytest.raises(PermissionDenied):
        case_assign(cases=Case.objects.filter(pk=case.pk), caseworker=caseworker, by=caseworker)
    with pytest.raises(PermissionDenied):
        case_update(case=case, by=caseworker, assigned_to=caseworker)
    case.refresh_from_db()
    assert case.assigned_to is None
    case_update(case=case, by=coordinator, assigned_to=caseworker)
    case.refresh_from_db()
    assert case.assigned_to == caseworker


def test_the_service_dates_a_closure_and_the_model_does_not(ngo, coordinator):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator)
    for status in (CaseStatus.ASSESSMENT, CaseStatus.CLOSED):
        case = case_update(case=case, by=coordinator, status=status)
    assert case.closed_on == timezone.localdate()
    case.closed_on = None
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()  # Case.save no longer fills it in: the database refuses the inconsistency


def test_nobody_overwrites_a_closure_reason_they_may_not_read(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator, closure_reason="Family named X")
    with pytest.raises(ValidationError, match="may not read"):
        case_update(case=case, by=caseworker, closure_reason="overwritten")
    case.refresh_from_db()
    assert case.closure_reason == "Family named X"


def test_notes_and_referrals_are_written_by_the_case_s_caseworker_or_a_coordinator(ngo, coordinator, caseworker):
    case = case_open(household=HouseholdFactory(organization=ngo), by=coordinator)
    with pytest.raises(ValidationError, match="caseworker or a coordinator"):
        case_note_add(case=case, by=caseworker, body="A note.")
    with pytest.raises(ValidationError, match="caseworker or a coordinator"):
        referral_save(case=case, by=caseworker, service="legal", referred_to="Legal aid")
    case_assign(cases=Case.objects.filter(pk=case.pk), caseworker=caseworker, by=coordinator)
    caseworker = type(caseworker).objects.get(pk=caseworker.pk)  # the next request: rights read afresh
    assert case_note_add(case=case, by=caseworker, body="A note.").author == caseworker
    assert referral_save(case=case, by=caseworker, service="legal", referred_to="Legal aid").pk


def test_only_a_coordinator_deletes_a_case(ngo, coordinator, caseworker):
    case = case_open(household=household_register(organization=ngo))
    with pytest.raises(PermissionDenied):
        case_delete(case=case, by=caseworker)
    case_delete(case=case, by=coordinator)
    assert not Case.objects.filter(pk=case.pk).exists()
