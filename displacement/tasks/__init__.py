"""Celery tasks, one module per job: each takes ids, calls one service, is safe to run twice.

Importing the package registers them (Celery's autodiscovery imports ``displacement.tasks``).
"""

from .retention import retention_purge_task

__all__ = ["retention_purge_task"]
