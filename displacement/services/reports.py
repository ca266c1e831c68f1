"""Scheduled reports: definitions kept in step with beat, and runs produced exactly once.

A run is the one row for (definition, slot); the unique constraint makes every beat,
redelivery and manual retry find it rather than make another. A worker works on a run only
after claiming it with a conditional UPDATE: the run is queued, or it is running under the
same task id (the message was redelivered because its worker died), or its claim has
expired. The file is written under a temporary name, validated, and moved to its final,
deterministic name; the run is marked succeeded only by the worker that holds the claim.
Recipients are told once: the notification is claimed the same way before it is sent.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement import models as m
from displacement.models.reports import ReportRun, RunStatus
from displacement.reports import kinds
from displacement.reports.files import ReportInvalid, validate, write_csv
from displacement.reports.suppression import threshold
from displacement.services.report_definitions import (  # noqa: F401 (the reports' services, in one place)
    TASK_NAME,
    report_definition_check,
    report_definition_save,
)
from displacement.services.report_delivery import download_link
from displacement.services.report_housekeeping import (  # noqa: F401
    reports_purge,
    runs_give_up,
    runs_to_notify,
    runs_to_recover,
    work_dir,
)
from displacement.services.report_withdrawal import owner_lock, run_records_check, run_records_save

logger = logging.getLogger(__name__)


def lease() -> datetime.timedelta:
    """How long a claim lasts: longer than a task may run, so only a dead worker loses it."""
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


# --- runs ----------------------------------------------------------------------------------


def report_run_open(definition: m.ReportDefinition, slot: datetime.datetime, *, manual: bool = False) -> ReportRun:
    """The run of ``definition`` for ``slot``: the existing one, or a new one."""
    run, _created = ReportRun.objects.get_or_create(
        definition=definition, slot=slot, defaults={"manual": manual, "audience_id": definition.audience_id}
    )
    return run


def report_run_claim(run_id: int, token: str) -> bool:
    now = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | (
        Q(status=RunStatus.RUNNING) & (Q(claimed_by=token) | Q(lease_until__lt=now))
    )
    return bool(
        ReportRun.objects.filter(claimable, pk=run_id).update(
            status=RunStatus.RUNNING,
            claimed_by=token,
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
            started_at=now,
        )
    )


def _partial_path(run: ReportRun, token: str) -> Path:
    """One temporary file per run and claim: a worker only ever touches its own."""
    return work_dir() / f"run-{run.pk}-{hashlib.sha256(token.encode()).hexdigest()[:16]}.part"


def final_name(run: ReportRun) -> str:
    definition = run.definition
    stamp = run.slot.astimezone(datetime.UTC).strftime("%Y%m%dT%H%MZ")
    return f"reports/{definition.organization.slug}/{definition.slug}/{definition.slug}-{stamp}.csv"


def _store(partial: Path, name: str) -> str:
    """Put the complete file at ``name``, replacing what an interrupted attempt of the same
    run may have left there. On a local disk this is a rename, atomic on one filesystem."""
    storage = default_storage
    if storage.exists(name):
        storage.delete(name)
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(partial, target)
        return name
    with open(partial, "rb") as fh:
        saved = storage.save(name, File(fh))
    partial.unlink(missing_ok=True)
    return saved


def report_run_execute(run_id: int, *, token: str) -> str:
    """Produce the file of run ``run_id`` if it is this caller's to produce; return the run's
    status afterwards (another worker's "running" means: nothing to do here)."""
    if not report_run_claim(run_id, token):
        run = ReportRun.objects.select_related("definition").get(pk=run_id)
        if run.status == RunStatus.SUCCEEDED and run.notified_at is None:
            notify_quietly(run)
        return run.status
    run = ReportRun.objects.select_related("definition__organization", "audience").get(pk=run_id)
    definition = run.definition
    # The run is made for the audience it was queued for, whatever the definition says now.
    definition.audience = run.audience
    partial = _partial_path(run, token)
    span = kinds.report_window(definition, run.slot, timezone.get_default_timezone())
    output = kinds.generate(definition, span=span)
    written = write_csv(partial, output.columns, output.rows, run_id=run.pk)
    partner = bool(definition.audience_id)
    try:
        validate(partial, output.columns, expected_rows=written.rows, partner=partner)
    except ReportInvalid:
        partial.unlink(missing_ok=True)
        raise
    manifest = {
        "report": definition.slug,
        "kind": definition.kind,
        "slot": run.slot.isoformat(),
        "period": [day.isoformat() for day in span] if span else None,
        "filters": definition.filters,
        "audience": definition.audience.slug if partner else "internal",
        "file": final_name(run).rsplit("/", 1)[-1],
        "rows": written.rows,
        "bytes": written.size,
        "sha256": written.sha256,
        "columns": [{"name": c.name, "hxl": c.tag} for c in output.columns],
        "small_cell_threshold": threshold() if partner else None,
        **output.notes,
        "generated_at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        if output.records is not None:
            owner_lock(definition.organization_id)  # before the row's lock, as withdrawals take them
        # The file is moved into place only by the holder of the claim, under the row's lock.
        held = ReportRun.objects.select_for_update().filter(pk=run.pk, claimed_by=token, status=RunStatus.RUNNING)
        done = held.exists()
        lost = ""
        if done and output.records is not None:
            # A partner's list: which records it holds, and that each may still reach the partner.
            run_records_save(run, output.records)
            lost = run_records_check(run, kinds.KINDS[definition.kind].record_kind)
        if lost:
            done = False
            held.update(
                status=RunStatus.WITHDRAWN,
                withdrawn_at=timezone.now(),
                withdrawal_reason=lost,
                rows=written.rows,
                sha256=written.sha256,
                manifest=manifest,
                finished_at=timezone.now(),
                lease_until=None,
            )
        elif done:
            name = _store(partial, final_name(run))
            held.update(
                status=RunStatus.SUCCEEDED,
                file=name,
                rows=written.rows,
                size=written.size,
                sha256=written.sha256,
                manifest=manifest,
                error="",
                finished_at=timezone.now(),
                lease_until=None,
            )
    if not done:
        partial.unlink(missing_ok=True)
    run.refresh_from_db()
    if done:
        logger.info(
            "report run %s (%s) succeeded: %d rows, sha256 %s", run.pk, definition.slug, written.rows, written.sha256
        )
        notify_quietly(run)
    return run.status


def notify_quietly(run: ReportRun) -> None:
    """The file is done: a mail server that fails now must not fail the run. The recovery
    task tries the notification again."""
    try:
        report_run_notify(run)
    except Exception:
        logger.warning("report run %s: recipients not notified yet; will try again", run.pk, exc_info=True)


def report_run_release(run_id: int, token: str, error: str) -> None:
    """Give the claim back after a transient error, so that the retry (or anyone) can claim."""
    ReportRun.objects.filter(pk=run_id, claimed_by=token, status=RunStatus.RUNNING).update(
        status=RunStatus.QUEUED, error=error[:2000], lease_until=None
    )


def report_run_fail(run_id: int, token: str, error: str) -> None:
    run = ReportRun.objects.select_related("definition__organization").filter(pk=run_id).first()
    if run is None:
        return
    _partial_path(run, token).unlink(missing_ok=True)
    with transaction.atomic():
        failed = (
            ReportRun.objects.select_for_update()
            .filter(pk=run_id, claimed_by=token)
            .exclude(status=RunStatus.SUCCEEDED)
            .update(status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now(), lease_until=None)
        )
        if failed and default_storage.exists(final_name(run)):
            default_storage.delete(final_name(run))  # moved into place before the run could be marked done
    if failed:
        logger.error("report run %s failed: %s", run_id, error[:300])


def report_run_retry(run: ReportRun) -> bool:
    """Put a failed run back in the queue (an admin action); True if it was failed."""
    return bool(
        ReportRun.objects.filter(pk=run.pk, status=RunStatus.FAILED).update(
            status=RunStatus.QUEUED, claimed_by="", finished_at=None
        )
    )


# --- delivery ------------------------------------------------------------------------------


def report_run_notify(run: ReportRun) -> bool:
    """E-mail the recipients a link to the run, once. The message names no one: it says which
    report, which slot, how many rows, the checksum and where to download it."""
    definition = run.definition
    recipients = definition.recipient_list
    if not recipients or run.status != RunStatus.SUCCEEDED:
        return False
    if not ReportRun.objects.filter(pk=run.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
        return False
    link, expires = download_link(run)
    lines = [
        _("The report “%(name)s” for %(slot)s is ready.")
        % {"name": definition.name, "slot": timezone.localtime(run.slot).strftime("%Y-%m-%d %H:%M")},
        "",
        _("Rows: %(rows)d") % {"rows": run.rows},
        _("SHA-256: %(sha)s") % {"sha": run.sha256},
        "",
        _("Download: %(link)s") % {"link": link},
    ]
    if expires:
        lines.append(_("This link expires on %(day)s.") % {"day": timezone.localtime(expires).strftime("%Y-%m-%d")})
    subject = _("Report ready: %(name)s") % {"name": definition.name}
    body = "\n".join(lines)
    try:
        # One message each: recipients do not see one another's addresses.
        send_mass_mail([(subject, body, None, [address]) for address in recipients])
    except Exception:
        ReportRun.objects.filter(pk=run.pk).update(notified_at=None)  # tried again by the next delivery
        raise
    return True
