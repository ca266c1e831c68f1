"""Report housekeeping: the work directory, old files purged, abandoned runs recovered or given
up, recipients not yet told (``services.reports`` runs the reports)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from displacement.models.reports import ReportRun, RunStatus


def work_dir() -> Path:
    path = Path(settings.REPORTS_WORK_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def reports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete report files older than ``REPORTS_RETENTION_DAYS`` (the run stays, as a record
    of what was sent), and temporary files that interrupted runs left behind."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REPORTS_RETENTION_DAYS)
    purged = 0
    for run in ReportRun.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        default_storage.delete(run.file.name)
        ReportRun.objects.filter(pk=run.pk).update(file="", purged_at=now)
        purged += 1
    # Withdrawn runs lost their file already; they stop being listed when it would have gone.
    ReportRun.objects.filter(status=RunStatus.WITHDRAWN, finished_at__lt=cutoff, purged_at__isnull=True).update(
        purged_at=now
    )
    stale = (now - datetime.timedelta(days=1)).timestamp()
    for partial in work_dir().glob("run-*.part"):
        if partial.stat().st_mtime < stale:
            partial.unlink(missing_ok=True)
    return purged


def _abandoned(now: datetime.datetime) -> Q:
    return Q(status=RunStatus.QUEUED, queued_at__lt=now - datetime.timedelta(minutes=10)) | Q(
        status=RunStatus.RUNNING, lease_until__lt=now
    )


def runs_to_recover(*, now: datetime.datetime | None = None):
    """Runs that nobody is working on: queued for a while (the message was lost) or running
    under an expired claim (the worker died and its message did not come back)."""
    now = now or timezone.now()
    return ReportRun.objects.filter(_abandoned(now)).filter(attempts__lt=settings.TASK_MAX_RETRIES + 1)


def runs_give_up(*, now: datetime.datetime | None = None) -> int:
    """Mark failed the abandoned runs that have used all their attempts: never stuck, never
    tried forever."""
    now = now or timezone.now()
    return ReportRun.objects.filter(_abandoned(now), attempts__gte=settings.TASK_MAX_RETRIES + 1).update(
        status=RunStatus.FAILED,
        error=f"Abandoned after {settings.TASK_MAX_RETRIES + 1} attempts (workers stopped or died).",
        finished_at=now,
        lease_until=None,
    )


def runs_to_notify():
    """Succeeded runs whose recipients were not told (the mail server failed)."""
    return ReportRun.objects.filter(status=RunStatus.SUCCEEDED, notified_at__isnull=True).exclude(
        definition__recipients=""
    )
