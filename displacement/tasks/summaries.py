"""Summary tables: refreshed after changes, rebuilt every night."""

import datetime
import logging

from celery import shared_task

from displacement.models import Organization
from displacement.services.summaries import case_summary_rebuild, summaries_rebuild, summaries_refresh
from displacement.tasks.base import RETRY_POLICY

logger = logging.getLogger(__name__)


@shared_task(name="displacement.summaries_refresh", **RETRY_POLICY)
def summaries_refresh_task(organization_id: int, weeks: list[str], cases: bool = False, parts=None) -> int:
    days = [datetime.date.fromisoformat(w) for w in weeks]
    cells = summaries_refresh(organization_id=organization_id, weeks=days, parts=parts)
    if cases:
        cells += case_summary_rebuild(organization_id=organization_id)
    return cells


@shared_task(name="displacement.summaries_rebuild", **RETRY_POLICY)
def summaries_rebuild_task() -> int:
    cells = 0
    for organization_id in Organization.objects.values_list("pk", flat=True):
        cells += summaries_rebuild(organization_id=organization_id)
    logger.info("summary tables rebuilt: %d rows written", cells)
    return cells
