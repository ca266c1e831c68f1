"""A file of form submissions through the import pipeline: read, profile, check, import."""

from __future__ import annotations

from pathlib import Path

from displacement.importers.intake_form import intake_spec
from displacement.importers.pipeline import Counts, Problem
from displacement.importers.profile_hook import apply_profile
from displacement.importers.submission_files import read_submissions
from displacement.importers.submissions import check_form
from displacement.services.submission_import import submissions_import


def submissions_file_import(
    *, run, path: Path, media_path: Path | None, report: list[Problem], progress=None
) -> Counts:
    """Read ``path`` (any platform's file, told apart by its content), map it with the run's
    profile, refuse it whole if it is not the intake form's (``SubmissionSetError``), import it."""
    submissions = read_submissions(path.read_bytes(), check=False)
    submissions, problems = apply_profile(submissions, run.profile)
    report.extend(problems)
    check_form(submissions, intake_spec())
    if progress is not None:
        progress(0, total=len(submissions.submissions))
    if media_path is None:
        return submissions_import(
            organization=run.organization, run=run, submissions=submissions, by=run.created_by, report=report
        )
    with media_path.open("rb") as media:
        return submissions_import(
            organization=run.organization,
            run=run,
            submissions=submissions,
            media=media,
            by=run.created_by,
            report=report,
        )
