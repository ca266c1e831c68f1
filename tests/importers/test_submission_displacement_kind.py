""" "How did they leave?" answered in the form is stored on the displacement, and follows a later version."""

import pytest

from displacement.models import Displacement, FormSubmission
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import NEW_HOUSEHOLD
from tests.importers.test_submission_import import _later, first_only, kobo_page, lines, write

pytestmark = pytest.mark.django_db


def test_how_they_left_is_stored_and_a_later_version_changes_it(ngo, tmp_path):
    first = first_only(kobo_page())
    answered = first["results"][0]["displacements"][0]["displacements/kind"]
    run_import(ngo, write(tmp_path, first))
    household = FormSubmission.objects.get(stable_id=NEW_HOUSEHOLD).household
    assert Displacement.objects.get(household=household).kind == answered
    later, item = _later(first)
    changed = "eviction" if answered != "eviction" else "self_evacuation"
    item["displacements"][0]["displacements/kind"] = changed
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.updated, run.rejected) == (1, 0), lines(run)
    assert Displacement.objects.get(household=household).kind == changed
