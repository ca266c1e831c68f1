"""Celery tasks, one module per job: each takes ids, calls one service, is safe to run twice.

Importing the package registers them (Celery's autodiscovery imports ``displacement.tasks``).
"""

from .duplicates import (
    event_duplicates_check_run_task,
    event_duplicates_check_task,
    event_duplicates_find_task,
    household_duplicates_find_task,
)
from .imports import import_files_purge_task, import_run_task
from .pulls import connection_pull_task, pulls_due_task
from .reports import report_run_task, reports_purge_task, reports_recover_task
from .retention import retention_purge_task
from .sharing import agreements_expire_task
from .summaries import summaries_rebuild_task, summaries_refresh_task

__all__ = [
    "agreements_expire_task",
    "connection_pull_task",
    "event_duplicates_check_run_task",
    "event_duplicates_check_task",
    "event_duplicates_find_task",
    "household_duplicates_find_task",
    "import_files_purge_task",
    "import_run_task",
    "pulls_due_task",
    "report_run_task",
    "reports_purge_task",
    "reports_recover_task",
    "retention_purge_task",
    "summaries_rebuild_task",
    "summaries_refresh_task",
]
