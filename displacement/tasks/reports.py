"""Scheduled reports: one task produces the run of a slot; beat tasks purge and recover.

Beat queues ``report_run_task`` with the definition's id only; the moment of publication
(stamped on the message by ``displacement.celery``) fixes the slot, so a message that waits
in the queue, is redelivered or is sent twice still stands for the same slot.
"""

import datetime
import logging
import uuid

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.utils import timezone

from displacement.models import ReportDefinition
from displacement.reports.schedule import latest_slot
from displacement.services import reports
from displacement.tasks.base import RETRY_POLICY, TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _quietly(action, *args):
    """Record an outcome if the database lets us; if it does not, the recovery task will."""
    try:
        action(*args)
    except TRANSIENT_ERRORS:
        logger.warning("could not record the outcome of a report run", exc_info=True)


@shared_task(bind=True, name=reports.TASK_NAME, max_retries=RETRY_POLICY["max_retries"])
def report_run_task(
    self, definition_id: int, slot: str | None = None, published_at: str | None = None, manual: bool = False
) -> str:
    definition = ReportDefinition.objects.filter(pk=definition_id).first()
    if definition is None:
        logger.warning("report definition %s no longer exists", definition_id)
        return "missing"
    if slot:
        moment = datetime.datetime.fromisoformat(slot)
    else:
        if not definition.active:
            return "inactive"
        published = datetime.datetime.fromisoformat(published_at) if published_at else timezone.now()
        moment = latest_slot(definition.cron, published, settings.TIME_ZONE)
    run = reports.report_run_open(definition, moment, manual=manual)
    token = self.request.id or f"local-{uuid.uuid4()}"
    try:
        return reports.report_run_execute(run.pk, token=token)
    except TRANSIENT_ERRORS as exc:
        if self.request.retries >= self.max_retries:
            _quietly(reports.report_run_fail, run.pk, token, _describe(exc) + f" (after {self.max_retries} retries)")
            raise
        _quietly(reports.report_run_release, run.pk, token, _describe(exc))
        countdown = get_exponential_backoff_interval(
            factor=RETRY_POLICY["retry_backoff"],
            retries=self.request.retries,
            maximum=RETRY_POLICY["retry_backoff_max"],
            full_jitter=True,
        )
        raise self.retry(exc=exc, countdown=countdown) from None
    except SoftTimeLimitExceeded:
        reports.report_run_fail(run.pk, token, f"Took longer than {settings.CELERY_TASK_SOFT_TIME_LIMIT} s.")
        raise
    except Exception as exc:
        reports.report_run_fail(run.pk, token, _describe(exc))
        raise


@shared_task(name="displacement.reports_purge", **RETRY_POLICY)
def reports_purge_task() -> int:
    purged = reports.reports_purge()
    logger.info("report files purged: %d", purged)
    return purged


@shared_task(name="displacement.reports_recover", **RETRY_POLICY)
def reports_recover_task() -> int:
    given_up = reports.runs_give_up()
    if given_up:
        logger.error("%d report run(s) abandoned after their last attempt: marked failed", given_up)
    runs = list(reports.runs_to_recover().values("definition_id", "slot", "manual"))
    for run in runs:
        report_run_task.delay(run["definition_id"], slot=run["slot"].isoformat(), manual=run["manual"])
    if runs:
        logger.warning("re-queued %d report run(s) nobody was working on", len(runs))
    for run in reports.runs_to_notify().select_related("definition")[:100]:
        reports.notify_quietly(run)
    return len(runs)
