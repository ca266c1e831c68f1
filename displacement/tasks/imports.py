"""Imports: run one (the admin's confirmed upload), and delete old uploaded files nightly."""

from celery import shared_task

from displacement.services.imports import import_files_purge, import_run_execute
from displacement.tasks.base import RETRY_POLICY


@shared_task(name="displacement.import_run", **RETRY_POLICY)
def import_run_task(run_id: int) -> str:
    """All or nothing: a crash rolls back, and Celery's redelivery (acks late) runs it again from the start."""
    return import_run_execute(run_id=run_id).status


@shared_task(name="displacement.import_files_purge", **RETRY_POLICY)
def import_files_purge_task() -> int:
    return import_files_purge()
