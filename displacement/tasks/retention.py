"""The nightly retention job."""

import logging

from celery import shared_task

from displacement.services.retention import retention_purge
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.retention_purge", **RETRY_POLICY)
def retention_purge_task() -> int:
    households = retention_purge()
    logger.info("retention purge removed the identifiers of %d household(s)", len(households))
    return len(households)
