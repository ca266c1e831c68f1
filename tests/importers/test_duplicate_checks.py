"""Events that field submissions bring are checked for duplicates once the import commits, as
ACLED's are (tests/importers/test_acled_aliases.py)."""

from unittest import mock

import pytest

from displacement.models import Event, ImportStatus
from tests.importers.conftest import run_import
from tests.importers.test_submission_import import first_only, kobo_page, write

pytestmark = pytest.mark.django_db
TASK = "displacement.tasks.duplicates.event_duplicates_check_run_task.apply_async"


def test_the_events_a_submissions_import_wrote_are_checked_after_it_commits(
    ngo, tmp_path, django_capture_on_commit_callbacks
):
    with mock.patch(TASK) as queued, django_capture_on_commit_callbacks(execute=True):
        run = run_import(ngo, write(tmp_path, first_only(kobo_page())))
    assert run.status == ImportStatus.DONE, run.error
    assert Event.objects.filter(import_run=run).exists()
    assert [call.args[0] for call in queued.call_args_list] == [(run.pk,)]


def test_a_dry_run_queues_no_check(ngo, tmp_path, django_capture_on_commit_callbacks):
    with mock.patch(TASK) as queued, django_capture_on_commit_callbacks(execute=True):
        run = run_import(ngo, write(tmp_path, first_only(kobo_page())), dry_run=True)
    assert run.status == ImportStatus.DONE
    assert not queued.called
