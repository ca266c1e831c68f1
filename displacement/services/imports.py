"""Import runs: start one from a file, run it (all or nothing), report it, open its file.

``import_run_start`` records the file (name, size, SHA-256) and keeps it for the run;
``import_run_execute`` reads, maps, validates and writes it through the pipeline in one
transaction (a dry run rolls its writes back and keeps only the run and its report).
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from displacement.importers.acled import columns as acled_columns
from displacement.importers.acled.mapping import EventMapper, deletion_mapper
from displacement.importers.pipeline import Counts, FileError, Problem, read_csv, read_json_list, results
from displacement.importers.submissions import SubmissionSetError
from displacement.models import AccessAction, ImportKind, ImportReportRow, ImportRun, ImportStatus
from displacement.models.imports import FILE_KINDS, PULL_KINDS, SUBMISSION_KINDS
from displacement.services import event_duplicate_queue
from displacement.services.acting import acting
from displacement.services.audit import access_record
from displacement.services.event_deletions import events_delete_imported
from displacement.services.event_import import events_import, imported_revisions
from displacement.services.stored_files import removed_if_rolled_back
from displacement.services.submission_files import submissions_file_import

logger = logging.getLogger(__name__)

#: Report lines kept per run (the counts are always exact).
REPORT_LINES = 50_000


def fingerprint(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    handle.seek(0)
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


def detect_kind(path: Path) -> str:
    """Form submissions: an XLSX (a ZIP) is KoboToolbox's export; JSON with ``"value"`` ODK
    Central's OData, with ``_uuid`` KoboToolbox's data; a CSV header naming ``_uuid`` KoboToolbox's
    export. ACLED otherwise: JSON when the file starts with ``{`` or ``[``; deletions when it names
    ``deleted_timestamp``; otherwise a CSV export."""
    head = _head(path)
    if head[:2] == b"PK":
        return ImportKind.KOBO_XLSX
    if head[:1] in (b"{", b"["):
        if (b'"value"' in head and b'"@odata.context"' in head) or b'"__id"' in head:
            return ImportKind.ODK_ODATA
        if b'"_uuid"' in head or b'"results"' in head:
            return ImportKind.KOBO_JSON
        return ImportKind.ACLED_DELETIONS if b'"deleted_timestamp"' in head else ImportKind.ACLED_JSON
    first = head.split(b"\n", 1)[0].lower()
    if b"_uuid" in first or b"meta/instanceid" in first:
        return ImportKind.KOBO_CSV
    return ImportKind.ACLED_DELETIONS if b"deleted_timestamp" in first else ImportKind.ACLED_CSV


def earlier_import(run: ImportRun) -> ImportRun | None:
    """An earlier committed import of the same file (same SHA-256) by the same organisation."""
    return (
        ImportRun.objects.filter(
            organization_id=run.organization_id, sha256=run.sha256, dry_run=False, status=ImportStatus.DONE
        )
        .exclude(pk=run.pk)
        .order_by("-created_at")
        .first()
    )


def import_run_start(
    *,
    organization,
    by,
    handle,
    file_name: str,
    kind: str = "",
    dry_run: bool,
    keep_file: bool = True,
    media=None,
    profile: str = "",
) -> ImportRun:
    """Record an import of the open binary file ``handle``; keep the file (for the run's
    Celery task and its readers) unless ``keep_file`` is false (a command reads it in place).
    ``media`` (an open binary file: the media ZIP of form submissions) is kept with it."""
    sha256, size = fingerprint(handle)
    if size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)d bytes; the limit is %(limit)d.")
            % {"size": size, "limit": settings.IMPORT_MAX_BYTES}
        )
    if kind and kind not in dict(FILE_KINDS):
        raise ValidationError(_("Unknown import kind “%(kind)s”.") % {"kind": kind})
    run = ImportRun(
        organization=organization,
        created_by=by,
        kind=kind or "",
        file_name=Path(file_name).name[:255],
        size=size,
        sha256=sha256,
        dry_run=dry_run,
        profile=profile or "",
    )
    with transaction.atomic():
        run.save()
        if keep_file:
            run.file.save(run.sha256, File(handle), save=False)
            ImportRun.objects.filter(pk=run.pk).update(file=run.file.name)
            if media is not None:
                run.media_file.save(run.sha256, File(media), save=False)
                ImportRun.objects.filter(pk=run.pk).update(media_file=run.media_file.name)
    return run


def import_run_confirm(*, run: ImportRun, by) -> ImportRun:
    """The real import of a dry run's file: a new run, same file."""
    if not run.dry_run or run.status != ImportStatus.DONE or not run.file:
        raise ValidationError(_("Only a finished dry run whose file is kept can be confirmed."))
    return ImportRun.objects.create(
        organization_id=run.organization_id,
        created_by=by,
        kind=run.kind,
        file=run.file.name,
        media_file=run.media_file.name,
        profile=run.profile,
        file_name=run.file_name,
        size=run.size,
        sha256=run.sha256,
        dry_run=False,
    )


def import_run_queue(run: ImportRun) -> None:
    from displacement.tasks.imports import import_run_task

    transaction.on_commit(lambda: import_run_task.delay(run.pk))


class _Progress:
    """Writes the rows done on a connection of its own, so that the run's page sees them
    while the import's transaction is still open."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.connection = None

    def __call__(self, done: int, total: int | None = None) -> None:
        if self.connection is None:
            self.connection = connections.create_connection("default")
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE displacement_importrun SET rows_done = %s, rows_total = coalesce(%s, rows_total) WHERE id = %s",
                [done, total, self.run_id],
            )

    def close(self):
        if self.connection is not None:
            self.connection.close()


def _columns(kind: str):
    if kind == ImportKind.ACLED_DELETIONS:
        return acled_columns.DELETIONS, acled_columns.DELETIONS
    return acled_columns.REQUIRED, acled_columns.KNOWN


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(4096).lstrip(b"\xef\xbb\xbf \r\n\t")


def _starts_json(path: Path) -> bool:
    return _head(path)[:1] in (b"{", b"[")


def import_run_execute(
    *, run_id: int, path: Path | str | None = None, media_path: Path | str | None = None, odk_tables=()
) -> ImportRun:
    """Run the import: all or nothing; a file-level error marks the run failed and writes nothing.
    ``path`` and ``media_path``: files read in place (a command), else the run's kept files;
    ``odk_tables``: ODK Central repeat tables downloaded apart (a command's files)."""
    run = ImportRun.objects.select_related("organization", "created_by").get(pk=run_id)
    if run.status == ImportStatus.DONE:
        return run
    path = Path(path) if path else Path(run.file.path)
    media_path = Path(media_path) if media_path else (Path(run.media_file.path) if run.media_file else None)
    run.kind = run.kind or detect_kind(path)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING, kind=run.kind, error="")
    report: list[Problem] = []
    counts = Counts()
    progress = _Progress(run.pk)
    try:
        with removed_if_rolled_back(), transaction.atomic(), acting(run.created_by, import_run=run.pk):
            written = transaction.savepoint()
            if run.kind in SUBMISSION_KINDS:
                counts = submissions_file_import(
                    run=run, path=path, media_path=media_path, report=report, progress=progress, odk_tables=odk_tables
                )
                ignored = []
            else:
                ignored = _acled(run, path, report, counts, progress)
            if run.dry_run:
                transaction.savepoint_rollback(written)  # and the summary refreshes it queued
            import_run_finish(run, counts, report, ignored)
    except (FileError, SubmissionSetError) as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED, error=str(exc), finished_at=timezone.now(), rows_done=0
        )
    except Exception:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            error=_("The import stopped on an internal error; nothing was written."),
            finished_at=timezone.now(),
        )
        raise
    finally:
        progress.close()
    run.refresh_from_db()
    return run


def _acled(run: ImportRun, path: Path, report: list[Problem], counts: Counts, progress: _Progress) -> list[str]:
    """An ACLED file through the pipeline; the columns it ignored."""
    required, known = _columns(run.kind)
    deletions = run.kind == ImportKind.ACLED_DELETIONS
    mapper = deletion_mapper if deletions else EventMapper(revisions=imported_revisions(run.organization_id))
    if _starts_json(path):
        table = read_json_list(path, required=required, known=known)
    else:
        unchanged = None if deletions else mapper.unchanged_check
        table = read_csv(path, required=required, known=known, unchanged=unchanged)
    progress(0, total=table.rows_estimate)
    if deletions:
        accepted = list(results(table, mapper, report, counts, progress))
        done = events_delete_imported(organization=run.organization, results=accepted, report=report)
    else:
        accepted = results(table, mapper, report, counts, progress)
        done = events_import(
            organization=run.organization, run=run, rows=(r.values for r in accepted), by=run.created_by
        )
    for name in ("created", "updated", "unchanged", "deleted", "rejected"):
        setattr(counts, name, getattr(counts, name) + getattr(done, name))
    return table.ignored_columns


def import_run_finish(run: ImportRun, counts: Counts, report: list[Problem] = (), ignored: list[str] = ()) -> None:
    """Mark ``run`` done with its counts, report lines and ignored columns (inside the import's
    transaction); a submissions import's events are checked for duplicates after it commits."""
    ImportReportRow.objects.bulk_create(
        [
            ImportReportRow(
                run=run,
                level=p.level,
                row_number=p.row_number,
                external_id=p.external_id[:60],
                field=p.field[:60],
                message=p.message,
            )
            for p in report[:REPORT_LINES]
        ],
        batch_size=5000,
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.DONE,
        finished_at=timezone.now(),
        ignored_columns=list(ignored),
        created=counts.created,
        updated=counts.updated,
        unchanged=counts.unchanged,
        deleted=counts.deleted,
        rejected=counts.rejected,
        flagged=counts.flagged,
        rows_done=counts.created + counts.updated + counts.unchanged + counts.deleted + counts.rejected,
    )
    wrote = counts.created or counts.updated  # (a file found unchanged wrote no event: no task)
    if not run.dry_run and wrote and (run.kind in SUBMISSION_KINDS or run.kind in PULL_KINDS):
        # The events field submissions wrote (copied, no save signal), as events_import does for ACLED.
        event_duplicate_queue.check_run_after_commit(run.pk)


def import_report_csv(run: ImportRun) -> str:
    """The run's report as CSV: row number, external id, level, field, message."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "external_id", "level", "field", "message"])
    for line in run.report_rows.order_by("row_number", "id").iterator():
        writer.writerow([line.row_number or "", line.external_id, line.level, line.field, line.message])
    return out.getvalue()


def import_file_open(*, run: ImportRun, who):
    """The kept file of ``run``, for a coordinator of its organisation; logged in the access log."""
    if not run.file:
        raise FileNotFoundError(run.file_name)
    access_record(who=who, action=AccessAction.IMPORT_FILE, model="ImportRun", ids=[run.pk])
    return run.file.open("rb")


def import_files_purge(*, now=None) -> int:
    """Delete the files of runs older than ``IMPORT_FILE_DAYS`` (the run and its report stay)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_FILE_DAYS)
    purged = 0
    for run in ImportRun.objects.filter(created_at__lt=cutoff, file_purged_at__isnull=True).exclude(file=""):
        name, media = run.file.name, run.media_file.name
        ImportRun.objects.filter(pk=run.pk).update(file="", media_file="", file_purged_at=now)
        # A dry run and its confirmed import share one file: delete it when none keeps it.
        if not ImportRun.objects.filter(file=name).exists():
            run.file.storage.delete(name)
        if media and not ImportRun.objects.filter(media_file=media).exists():
            run.file.storage.delete(media)
        purged += 1
    return purged


def failure_message(run: ImportRun) -> str:
    """What a failed run says to whoever ran it: its error, saying once that nothing was imported."""
    return run.error if "Nothing was imported" in run.error else f"Nothing was imported: {run.error}"
