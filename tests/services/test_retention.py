"""Retention: identifiers go once a household's casework is long closed, unless on legal hold."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import AccessLog, Case, ContactDetails
from displacement.models.vocab import CaseStatus
from displacement.services.retention import retention_purge
from displacement.tasks import retention_purge_task
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


def _household(organization, *, closed_days_ago=None, open_case=False, legal_hold=False):
    household = HouseholdFactory(organization=organization, legal_hold=legal_hold)
    ContactDetails.objects.create(
        household=household,
        full_name="Demo Person",
        phone="+380 00 000 0000",
        address="Street 1",
        date_of_birth=datetime.date(1990, 1, 1),
        document_numbers="AA 000000",
    )
    if closed_days_ago is not None:
        closed_on = TODAY - datetime.timedelta(days=closed_days_ago)
        Case.objects.create(
            household=household,
            reference=f"R-{household.pk}",
            status=CaseStatus.CLOSED,
            opened_on=closed_on - datetime.timedelta(days=30),
            closed_on=closed_on,
        )
    if open_case:
        Case.objects.create(household=household, reference=f"O-{household.pk}")
    return household


def test_only_long_closed_households_without_legal_hold_are_purged(ngo, settings):
    settings.RETENTION_CLOSED_CASE_DAYS = 730
    due = _household(ngo, closed_days_ago=800)
    recent = _household(ngo, closed_days_ago=100)
    held = _household(ngo, closed_days_ago=800, legal_hold=True)
    reopened = _household(ngo, closed_days_ago=800, open_case=True)
    never_closed = _household(ngo)

    assert retention_purge(today=TODAY) == [due.pk]

    details = ContactDetails.objects.get(household=due)
    assert (details.full_name, details.phone, details.address, details.date_of_birth) == ("", "", "", None)
    assert details.document_numbers == "" and details.purged_at is not None
    for kept in (recent, held, reopened, never_closed):
        assert ContactDetails.objects.get(household=kept).full_name == "Demo Person"
    entry = AccessLog.objects.get(action="retention_purge")
    assert entry.household_id == due.pk and entry.object_ids == [details.pk]
    assert "Demo Person" not in str(entry.detail)


def test_running_again_changes_nothing(ngo):
    _household(ngo, closed_days_ago=1000)
    retention_purge(today=TODAY)
    assert retention_purge(today=TODAY) == []
    assert AccessLog.objects.filter(action="retention_purge").count() == 1


def test_the_scheduled_task_runs_the_purge(ngo, settings):
    settings.RETENTION_CLOSED_CASE_DAYS = 30
    _household(ngo, closed_days_ago=(timezone.localdate() - TODAY).days + 400)
    assert retention_purge_task.apply().get() == 1
    assert "retention-purge" in settings.CELERY_BEAT_SCHEDULE
