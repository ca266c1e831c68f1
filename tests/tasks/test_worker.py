"""A real Celery worker, as a separate process on the real broker, runs the retention job."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from displacement.models import Case, ContactDetails
from displacement.models.vocab import CaseStatus
from displacement.tasks import retention_purge_task
from tests.factories import HouseholdFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url() -> str:
    db = connection.settings_dict
    host = db["HOST"] or ""
    netloc = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{quote(db['USER'] or '')}@{netloc}{port}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "displacement",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


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

    deadline = time.monotonic() + 60
    details = ContactDetails.objects.get(household=household)
    while details.purged_at is None:
        assert worker.poll() is None, worker.stdout.read()
        assert time.monotonic() < deadline, "the worker did not run the task within a minute"
        time.sleep(0.5)
        details.refresh_from_db()
    assert details.full_name == "" and details.phone == ""
