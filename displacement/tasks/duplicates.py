"""The nightly pass that lists candidate duplicate households for coordinators."""

import logging

from celery import shared_task

from displacement.services.household_duplicates import household_duplicates_find
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.household_duplicates_find", **RETRY_POLICY)
def household_duplicates_find_task() -> int:
    result = household_duplicates_find()
    logger.info("duplicate pass: %d candidate household pair(s), %d new", result.found, result.new)
    return result.found
