"""Reports on real workers and the real broker: killed mid-file, queued five times, failing for good.

Each worker is a separate process started from ``tests.support.report_worker`` (the real app
with a hook that slows rows down or breaks the database). The broker's visibility timeout is
short here so that a message whose worker was killed comes back within seconds, as it would
after two hours in production (on RabbitMQ it comes back at once).
"""

import datetime
import time

import pytest

from displacement.celery import app
from displacement.models import Event, ReportDefinition, ReportRun, RunStatus
from displacement.services.reports import report_definition_save
from displacement.tasks.reports import report_run_task
from tests.factories import EventFactory
from tests.support.workers import output, start_worker, stop, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

VISIBILITY = 8
SLOT = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_WORK_DIR = tmp_path / "partial"
    return settings.MEDIA_ROOT


@pytest.fixture
def definition(gazetteer, ngo, media):
    # Built, then inserted at once: 600 saves would queue 600 summary refreshes on the broker.
    Event.objects.bulk_create([EventFactory.build(organization=ngo) for _ in range(600)])
    # Earlier tests that commit leave their summary refreshes on the shared broker: this
    # test's worker would work through them all before the report and run out of time.
    app.control.purge()
    return report_definition_save(
        ReportDefinition(organization=ngo, slug="events-list", name="Events", kind="events", cron="0 6 * * 1")
    )


def _env(media, **extra):
    return {
        "MEDIA_ROOT": str(media),
        "REPORTS_WORK_DIR": str(media.parent / "partial"),
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY),
        "CELERY_TASK_SOFT_TIME_LIMIT": "6",
        "TASK_RETRY_BACKOFF": "1",
        "TASK_MAX_RETRIES": "2",
        **extra,
    }


def _worker(media, **env):
    return start_worker(app="tests.support.report_worker", env=_env(media, **env))


def _run(slot):
    return ReportRun.objects.filter(slot=slot).first()


def _succeeded(slot):
    run = _run(slot)
    return run if run is not None and run.status == RunStatus.SUCCEEDED else None


def _files(media, definition):
    folder = media / "reports" / definition.organization.slug / definition.slug
    return sorted(folder.glob("*")) if folder.exists() else []


def test_a_worker_killed_mid_file_leaves_one_run_and_one_identical_file(definition, media):
    first = _worker(media, TEST_REPORT_ROW_DELAY="0.4")
    try:
        report_run_task.delay(definition.pk, slot=SLOT.isoformat())
        undisturbed = wait_for(lambda: _succeeded(SLOT), timeout=60, process=first, what="the undisturbed run")

        killed_slot = SLOT + datetime.timedelta(days=7)
        report_run_task.delay(definition.pk, slot=killed_slot.isoformat())
        partial = media.parent / "partial"
        wait_for(
            lambda: any(p.stat().st_size > 2000 for p in partial.glob("*.part")),
            timeout=60,
            process=first,
            what="the second file to be half written",
        )
        assert _run(killed_slot).status == RunStatus.RUNNING
        delivered_at = time.monotonic()
    finally:
        stop(first, kill=True)  # SIGKILL: no chance to clean up or to give the message back
    assert _run(killed_slot).status == RunStatus.RUNNING and not _run(killed_slot).file

    # The message comes back once the visibility timeout has passed since its delivery.
    time.sleep(max(0.0, VISIBILITY + 1 - (time.monotonic() - delivered_at)))
    second = _worker(media)
    try:
        rerun = wait_for(lambda: _succeeded(killed_slot), timeout=90, process=second, what="the redelivered run")
    finally:
        stop(second)
    assert ReportRun.objects.filter(definition=definition, slot=killed_slot).count() == 1
    assert rerun.attempts == 2, output(second)
    assert rerun.sha256 == undisturbed.sha256 and rerun.rows == undisturbed.rows == 600
    assert [f.name for f in _files(media, definition)] == [
        "events-list-20261123T0400Z.csv",
        "events-list-20261130T0400Z.csv",
    ]
    assert not list((media.parent / "partial").glob("*"))


def test_the_same_slot_queued_five_times_concurrently_makes_one_file(definition, media):
    for _ in range(5):
        report_run_task.delay(definition.pk, slot=SLOT.isoformat())
    workers = [
        start_worker(
            app="tests.support.report_worker",
            pool="prefork",
            concurrency=4,
            env=_env(media, TEST_REPORT_ROW_DELAY="0.1"),
        ),
        _worker(media, TEST_REPORT_ROW_DELAY="0.1"),
    ]
    try:
        run = wait_for(lambda: _succeeded(SLOT), timeout=90, process=workers[0], what="the run")
        time.sleep(3)  # let the other four messages be handled too
        logs = "".join(output(worker) for worker in workers)
    finally:
        for worker in workers:
            stop(worker)
    assert ReportRun.objects.count() == 1 and run.attempts == 1
    assert len(_files(media, definition)) == 1
    assert logs.count("succeeded in") >= 5, "every message was handled (and four found the run taken)"


def test_a_run_that_keeps_failing_is_marked_failed_after_its_retries(definition, media):
    worker = _worker(media, TEST_REPORT_FAIL="1")
    try:
        report_run_task.delay(definition.pk, slot=SLOT.isoformat())
        run = wait_for(
            lambda: ReportRun.objects.filter(status=RunStatus.FAILED).first(),
            timeout=60,
            process=worker,
            what="the run to fail for good",
        )
        time.sleep(4)  # longer than any backoff: nothing retries it again
    finally:
        stop(worker)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.attempts == 3, "the first try and two retries (TASK_MAX_RETRIES=2 on this worker)"
    assert "OperationalError" in run.error and "after 2 retries" in run.error
    assert not _files(media, definition) and not list((media.parent / "partial").glob("*"))
