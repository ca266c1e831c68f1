"""Import form submissions (KoboToolbox, ODK Central) of the intake form: the entry point.

``submissions_import(organization=, run=, submissions=, media=None, by=None)`` is what the
import pipeline (a file, ``import_submissions``, the admin's import screen; mapped by its
profile first) and the live pull (pages downloaded from a server) call, inside the run's
transaction. The set is refused whole (``SubmissionSetError``) when the submissions it is to
write are not of the intake form. Per submission, by its stable id (KoboToolbox
``meta/rootUuid``, ODK ``__id``):

- deleted on the server (ODK ``deletedAt``) or rejected by a reviewer: not imported; one
  imported earlier is kept as it is and flagged;
- older than the version imported (``submissions.is_older``: a version the imported one replaced,
  the original after an edit, or an earlier time on the server): unchanged and flagged, nothing
  read further, nothing written, no media;
- imported before with the same digest (a keyed hash of its answers and media names): unchanged,
  nothing read further, nothing written;
- imported before with another digest (a later version): what the earlier version made is
  brought up to date through the record services, only what differs written;
- never imported: checked (``importers.intake_mapping``), then written in bulk
  (``submission_writes``); an edit whose original was never imported comes in as new, flagged.

A submission that breaks a rule is rejected with its reasons; the others import. The report's
lines name the submission (row and stable id), the question and the reason, never an answer.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
from contextlib import closing

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.encoding import force_bytes

from displacement import models as m
from displacement.importers.intake_form import intake_spec
from displacement.importers.intake_mapping import mapped_in_background
from displacement.importers.pipeline import Counts, Problem
from displacement.importers.submissions import (
    ImportedVersion,
    ReviewStatus,
    Submission,
    SubmissionSet,
    check_form,
    is_older,
)
from displacement.models.imports import ReportLevel
from displacement.selectors.intake import imported_submissions, imported_versions, intake_lookups
from displacement.services.event_import import _LOCK_NAMESPACE
from displacement.services.submission_media import MediaArchive, attachments_import
from displacement.services.submission_updates import submission_update
from displacement.services.submission_writes import submissions_create

OLDER = "An older version of a submission already imported at a later version: nothing changed."


def submission_digest(submission: Submission) -> str:
    """A keyed SHA-256 of what the submission says: of its record's text as the platform wrote
    it when the reader kept that (``source_digest``: a JSON file's records, not mapped by a
    profile), else of its answers and media names. Equal whenever the same version comes again
    in the same shape; another shape of it (an export, a pull's page) is checked and found
    unchanged by the record services. Keyed, so that it cannot be matched against guessed answers."""
    if submission.source_digest:
        content = b"source:" + submission.source_digest
    else:
        answered = [submission.answers, sorted(a.filename for a in submission.attachments)]
        content = json.dumps(answered, sort_keys=True, ensure_ascii=False).encode()
    return hmac.digest(_digest_key(settings.SECRET_KEY), content, "sha256").hex()


@functools.cache
def _digest_key(secret: str) -> bytes:
    """``salted_hmac``'s key for the digests (the same digests), derived once a secret, not once
    a submission."""
    return hashlib.sha256(b"displacement.submission-digest" + force_bytes(secret)).digest()


def _line(report, level, submission: Submission, field: str, message: str) -> None:
    report.append(Problem(level, field[:60], message, submission.row, submission.stable_id))


def submissions_import(
    *, organization, run, submissions: SubmissionSet, media=None, by=None, report: list[Problem] | None = None
) -> Counts:
    """Import ``submissions`` into ``organization`` (see the module). ``media``: a media ZIP (a
    path, bytes or an open binary file), or None. Lines for the report go into ``report`` when
    given, else onto ``run``. Runs inside the caller's transaction (a dry run rolls it back)."""
    if not connection.in_atomic_block:
        raise RuntimeError("submissions_import runs inside the import's transaction")
    own_report = report is None
    report = [] if own_report else report
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, organization.pk])
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
    counts = Counts()
    imported = imported_versions(organization=organization, stable_ids=(s.stable_id for s in submissions.submissions))
    todo, digests, checked, older = _sort_out(submissions.submissions, imported, counts, report)
    check_form(SubmissionSet(submissions.platform, checked, submissions.form_id), intake_spec())
    made = {}
    if todo:
        earlier = imported_submissions(organization=organization, stable_ids=(s.stable_id for s in todo))
        made = _write(organization, run, by, todo, earlier, digests, counts, report)
    archive = MediaArchive.open(media)
    if archive is not None:
        skipped = made.keys() | older  # written above, or older than the version imported
        with_media = (s.stable_id for s in submissions.submissions if s.attachments and s.stable_id not in skipped)
        made |= imported_submissions(organization=organization, stable_ids=with_media)
        with archive:
            lines = list(
                attachments_import(organization=organization, by=by, archive=archive, records=made,
                                   submissions=submissions.submissions, dry_run=run.dry_run)
            )  # fmt: skip
        flagged = {p.external_id for p in report if p.level == ReportLevel.FLAGGED}
        counts.flagged += len({line.external_id for line in lines} - flagged)
        report.extend(lines)
    _close(run, report, own_report)
    return counts


def _sort_out(
    submissions, imported: dict[str, ImportedVersion], counts, report
) -> tuple[list, dict[str, str], list, set[str]]:
    """The submissions to write, their digests, those the form's check is to read (all but the
    versions already imported, each of which passed it when imported, and whose answers are not
    read), and the stable ids of those older than the version imported (``is_older``: nothing of
    them is written, media included). The others are counted and reported (repeated in the file,
    older, withheld, already imported)."""
    seen: set[str] = set()
    digests: dict[str, str] = {}
    todo: list[Submission] = []
    checked: list[Submission] = []
    older: set[str] = set()
    for submission in submissions:
        before = imported.get(submission.stable_id)  # the version imported, if any
        if submission.stable_id in seen:
            checked.append(submission)
            counts.rejected += 1
            _line(report, ReportLevel.REJECTED, submission, "submission", "This submission is in the file twice.")
            continue
        seen.add(submission.stable_id)
        if before is not None and is_older(submission, before):
            older.add(submission.stable_id)
            counts.unchanged += 1
            counts.flagged += 1
            _line(report, ReportLevel.FLAGGED, submission, "submission", OLDER)
            continue
        withheld = _withheld(submission)
        if withheld:
            checked.append(submission)
        if withheld and before is None:
            counts.rejected += 1
            _line(report, ReportLevel.IGNORED, submission, "submission", f"Not imported: {withheld}.")
        elif withheld:
            counts.unchanged += 1
            counts.flagged += 1
            message = f"{withheld.capitalize()}; the records it made here were kept: delete them here if meant."
            _line(report, ReportLevel.FLAGGED, submission, "submission", message)
        else:
            digests[submission.stable_id] = digest = submission_digest(submission)
            if before is not None and before.digest == digest:
                counts.unchanged += 1
            else:
                todo.append(submission)
                checked.append(submission)
    return todo, digests, checked, older


def _write(organization, run, by, todo, earlier, digests, counts, report) -> dict:
    """Check ``todo``, update the later versions one by one and create the new ones in bulk;
    the ``FormSubmission`` of each written, by stable id."""
    answers = [s.answers for s in todo]
    lookups = intake_lookups(
        organization=organization,
        codes={str(a.get("household/household_code", "")) for a in answers},
        references={str(a.get("event/event_reference", "")) for a in answers},
        usernames={str(a.get("interview/interviewer", "")).strip() for a in answers},
    )
    levels = {place.id: place.admin_level for place in lookups.places.values()}
    made = {}

    def new_ones(mapped):
        """The new submissions' values, as they are mapped (the checks of the next ones overlap
        the writes of these); the rejected reported, the later versions updated on the way."""
        for submission, values, problems in mapped:
            if values is None:
                counts.rejected += 1
                for path, message in problems:
                    _line(report, ReportLevel.REJECTED, submission, path, message)
                continue
            record = earlier.get(submission.stable_id)
            if record is None:
                if submission.edited and not submission.flags:  # (the reader flags an edit it cannot match)
                    values.flags.append(("submission", "An edit of a submission never imported here: imported as new."))
                _flags(report, counts, submission, values)
                yield submission, values
                continue
            try:
                changed = submission_update(record=record, submission=submission, values=values, run=run, by=by,
                                            levels=levels, digest=digests[submission.stable_id])  # fmt: skip
            except ValidationError as exc:
                counts.rejected += 1
                for field, messages in _messages(exc):
                    _line(report, ReportLevel.REJECTED, submission, field, messages)
                continue
            counts.updated += changed
            counts.unchanged += not changed
            made[submission.stable_id] = record
            _flags(report, counts, submission, values)

    with closing(mapped_in_background(todo, lookups)) as mapped:  # its thread stopped on an error too
        created = submissions_create(
            organization=organization, run=run, by=by, items=new_ones(mapped), levels=levels, digests=digests
        )
    counts.created += len(created)
    return made | {record.stable_id: record for record in created}


def _withheld(submission: Submission) -> str:
    if submission.deleted:
        return "deleted on the server"
    if submission.review_status == ReviewStatus.REJECTED:
        return "rejected by a reviewer"
    return ""


def _flags(report, counts, submission, values) -> None:
    flags = list(values.flags)
    if submission.review_status in (ReviewStatus.ON_HOLD, ReviewStatus.HAS_ISSUES):
        flags.append(("submission", f"A reviewer marked it {submission.review_status.replace('_', ' ')}."))
    for field, message in flags:
        _line(report, ReportLevel.FLAGGED, submission, field, message)
    counts.flagged += bool(flags)


def _messages(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        return [
            (field, " ".join(e.messages[0] if hasattr(e, "messages") else str(e) for e in errors))
            for field, errors in exc.error_dict.items()
        ]
    return [("submission", " ".join(exc.messages))]


def _close(run, report, own_report) -> None:
    if own_report and report:
        m.ImportReportRow.objects.bulk_create(
            m.ImportReportRow(
                run=run,
                level=p.level,
                row_number=p.row_number,
                external_id=p.external_id[:60],
                field=p.field[:60],
                message=p.message,
            )
            for p in report
        )
