"""Live pull: beat queues one pull per enabled connection; each pull takes the connection's id only."""

import logging

from celery import shared_task
from django.conf import settings

from displacement.models import User
from displacement.services.pulls import connection_pull, connections_due
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.pull_connection", **RETRY_POLICY)
def connection_pull_task(connection_id: int, by_id: int | None = None) -> str:
    """One pull; another one of the same connection already running makes this one a no-op."""
    by = User.objects.filter(pk=by_id).first() if by_id else None
    run = connection_pull(connection_id=connection_id, by=by)
    return run.status if run is not None else "nothing"


@shared_task(name="displacement.pulls_due", **RETRY_POLICY)
def pulls_due_task() -> int:
    """Queue a pull of every enabled connection; a pull still queued at the next beat expires."""
    due = connections_due()
    for connection_id in due:
        connection_pull_task.apply_async((connection_id,), expires=settings.PULL_INTERVAL_MINUTES * 60)
    if due:
        logger.info("pulls queued: %d connection(s)", len(due))
    return len(due)
