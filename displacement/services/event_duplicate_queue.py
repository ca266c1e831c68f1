"""The duplicate check queued after a write: the events a transaction saved (or an import run
wrote) are checked once it commits, by one task. Apart from ``event_duplicates`` so that the
services that write events (``events``, ``event_merge``, the imports) queue it without importing
the check itself, which merges."""

from __future__ import annotations

import logging

from django.db import connection, transaction

logger = logging.getLogger(__name__)


def _pending_checks() -> set[int]:
    if not hasattr(connection, "_event_duplicate_checks"):
        connection._event_duplicate_checks = set()
    return connection._event_duplicate_checks


def _queue_checks() -> None:
    from displacement.tasks.duplicates import event_duplicates_check_task

    ids = sorted(_pending_checks())
    _pending_checks().clear()
    if not ids:
        return
    try:
        event_duplicates_check_task.apply_async((ids,), retry=True, retry_policy={"max_retries": 2})
    except Exception:  # the broker is down: the nightly pass catches up
        logger.warning("could not queue a duplicate check of %d event(s)", len(ids), exc_info=True)


def check_after_commit(*event_ids: int) -> None:
    """Check these events for duplicates once the transaction commits (one task for all)."""
    _pending_checks().update(event_ids)
    transaction.on_commit(_queue_checks)


def check_run_after_commit(run_id: int) -> None:
    """Check the events an import run wrote, once it commits (by the run: no list of ids)."""

    def queue():
        from displacement.tasks.duplicates import event_duplicates_check_run_task

        try:
            event_duplicates_check_run_task.apply_async((run_id,), retry=True, retry_policy={"max_retries": 2})
        except Exception:
            logger.warning("could not queue the duplicate check of import run %s", run_id, exc_info=True)

    transaction.on_commit(queue)
