"""A file of form submissions through the import pipeline: read, profile, check, import."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from pathlib import Path

from displacement.importers.pipeline import Counts, Problem
from displacement.importers.profiles import apply_profile, report_lines
from displacement.importers.submission_files import odk_tables_read, read_submissions
from displacement.importers.submissions import SubmissionSet, SubmissionSetError
from displacement.models import ImportProfile
from displacement.selectors.import_profiles import import_profile_named
from displacement.services.submission_import import submissions_import


def submissions_profiled(
    submissions: SubmissionSet, *, organization=None, profile: str = "", report: list[Problem]
) -> SubmissionSet:
    """``submissions`` mapped by the organisation's import profile named ``profile`` (its problems
    into ``report``); refused whole (``SubmissionSetError``) when the profile does not exist. The
    form's check is ``submissions_import``'s, on the submissions it is to write."""
    found = None
    if profile:
        try:
            found = import_profile_named(organization=organization, name=profile)
        except ImportProfile.DoesNotExist:
            raise SubmissionSetError(
                f"{organization} has no import profile named {profile!r}: see Imports → Import profiles. "
                "Nothing was imported."
            ) from None
    submissions, problems = apply_profile(submissions, found)
    report.extend(report_lines(problems))
    return submissions


@contextmanager
def _no_cycle_collection():
    """Python's cycle collector off while a file is read and imported: a file's hundreds of
    thousands of answers (acyclic dicts and strings, freed by reference counting) made it walk
    the whole heap again and again, a third of reading a file of 50,000 submissions."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def submissions_file_import(
    *, run, path: Path, media_path: Path | None, report: list[Problem], progress=None, odk_tables=()
) -> Counts:
    """Read ``path`` (any platform's file, told apart by its content), map it with the run's
    profile, import it (refused whole, ``SubmissionSetError``, if it is not the intake form's).
    ``odk_tables``: paths of ODK Central repeat tables downloaded apart from ``path``."""
    with _no_cycle_collection():
        return _file_import(
            run=run, path=path, media_path=media_path, report=report, progress=progress, odk_tables=odk_tables
        )


def _file_import(*, run, path: Path, media_path: Path | None, report: list[Problem], progress, odk_tables) -> Counts:
    tables = odk_tables_read((Path(t).name, Path(t).read_bytes()) for t in odk_tables) if odk_tables else None
    submissions = submissions_profiled(
        read_submissions(path.read_bytes(), check=False, odk_tables=tables),
        organization=run.organization,
        profile=run.profile,
        report=report,
    )
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
