"""Summary cells of moves carry the consent dimension partners' aggregates need (``counted``),
and flow cells are parts: the days of an ISO week inside one calendar month."""

import datetime

import pytest

from displacement.celery import app as celery_app
from displacement.models import FlowSummary, WeeklySummary
from displacement.models.vocab import ConsentPurpose
from displacement.services.displacements import displacement_record
from displacement.services.testimonies import consent_record, consent_withdraw
from tests.factories import HouseholdFactory, PersonFactory, TestimonyFactory, place

pytestmark = pytest.mark.django_db
MONDAY, FIRST = datetime.date(2025, 1, 27), datetime.date(2025, 2, 1)  # a week across two months


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _route():
    return {"origin": place("UA1416021"), "destination": place("UA1202001")}


def _cells(ngo):
    weekly = WeeklySummary.objects.filter(organization=ngo, households_displaced__gt=0)
    flows = FlowSummary.objects.filter(organization=ngo)
    return (
        sorted(weekly.values_list("week", "counted", "households_displaced")),
        sorted(flows.values_list("week", "counted", "households")),
    )


def test_a_households_moves_are_counted_outside_while_its_consent_to_statistics_is_active(
    ngo, eager_tasks, django_capture_on_commit_callbacks
):
    consents = []
    with django_capture_on_commit_callbacks(execute=True):  # the refreshes the services queue
        for n in range(3):
            household = HouseholdFactory(organization=ngo)
            PersonFactory(household=household)
            testimony = TestimonyFactory(organization=ngo, household=household)
            if n:
                consents.append(consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS))
            displacement_record(
                organization=ngo, household=household, left_on=MONDAY + datetime.timedelta(days=3), **_route()
            )
            displacement_record(organization=ngo, household=household, left_on=FIRST, **_route())
    assert _cells(ngo) == (
        [(MONDAY, False, 1), (MONDAY, True, 2)],
        [(MONDAY, False, 1), (MONDAY, True, 2), (FIRST, False, 1), (FIRST, True, 2)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consents[0], by=None)
    assert _cells(ngo) == (
        [(MONDAY, False, 2), (MONDAY, True, 1)],
        [(MONDAY, False, 2), (MONDAY, True, 1), (FIRST, False, 2), (FIRST, True, 1)],
    )
