"""Opening cases and moving them through the workflow."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from displacement.models.vocab import CaseStatus
from displacement.services.cases import case_open, case_transition
from tests.factories import HouseholdFactory

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
