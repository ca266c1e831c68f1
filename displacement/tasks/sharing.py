"""The daily job that tells partners what agreements that ended no longer share, and sends
them what agreements that began share."""

import logging

from celery import shared_task

from displacement.services.sharing import agreements_expire, agreements_start
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.agreements_expire", **RETRY_POLICY)
def agreements_expire_task() -> int:
    count = agreements_expire()
    logger.info("ended sharing agreements: %d record(s) put on the deletions feed", count)
    sent = agreements_start()
    logger.info("begun sharing agreements: %d record(s) touched for partners' sync", sent)
    return count
