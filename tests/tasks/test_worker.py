"""A real Celery worker, as a separate process on the real broker, runs the retention job."""

import datetime

import pytest

from displacement.celery import app
from displacement.models import Case, ContactDetails
from displacement.models.vocab import CaseStatus
from displacement.tasks import retention_purge_task
from tests.factories import HouseholdFactory
from tests.support.workers import start_worker, stop, wait_for


@pytest.fixture
def worker(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    app.control.purge()  # what earlier tests left on the shared broker is not this worker's
    process = start_worker()
    yield process
    stop(process)


@pytest.mark.django_db(transaction=True)
def test_a_separate_worker_runs_the_nightly_purge(worker, ngo, settings):
    household = HouseholdFactory(organization=ngo)
    ContactDetails.objects.create(household=household, full_name="Demo Contact", phone="+380 00")
    closed = datetime.date.today() - datetime.timedelta(days=settings.RETENTION_CLOSED_CASE_DAYS + 10)
    Case.objects.create(
        household=household,
        reference="W-1",
        status=CaseStatus.CLOSED,
        opened_on=closed - datetime.timedelta(days=5),
        closed_on=closed,
    )

    retention_purge_task.delay()

    wait_for(
        lambda: ContactDetails.objects.filter(household=household, purged_at__isnull=False).exists(),
        timeout=60,
        process=worker,
        what="the worker to run the purge",
    )
    details = ContactDetails.objects.get(household=household)
    assert details.full_name == "" and details.phone == ""
