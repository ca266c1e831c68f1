"""The nightly passes that list candidate duplicates for coordinators, and the check of events
after they are written."""

import logging

from celery import shared_task

from displacement.services.event_duplicates import (
    event_duplicates_check,
    event_duplicates_check_run,
    event_duplicates_find,
)
from displacement.services.household_duplicates import household_duplicates_find
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.household_duplicates_find", **RETRY_POLICY)
def household_duplicates_find_task() -> int:
    result = household_duplicates_find()
    logger.info("duplicate pass: %d candidate household pair(s), %d new", result.found, result.new)
    return result.found


@shared_task(name="displacement.event_duplicates_find", **RETRY_POLICY)
def event_duplicates_find_task() -> int:
    result = event_duplicates_find()
    logger.info("duplicate pass: %d candidate event pair(s), %d new", result.found, result.new)
    return result.found


@shared_task(name="displacement.event_duplicates_check", **RETRY_POLICY)
def event_duplicates_check_task(event_ids: list[int]) -> int:
    """Events just created or changed (the admin, the API, the services), after commit."""
    return event_duplicates_check(event_ids=event_ids).found


@shared_task(name="displacement.event_duplicates_check_run", **RETRY_POLICY)
def event_duplicates_check_run_task(run_id: int) -> int:
    """The events an import run created or revised, after it committed."""
    return event_duplicates_check_run(run_id=run_id).found
