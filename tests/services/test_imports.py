"""Uploaded import files are kept for IMPORT_FILE_DAYS, then deleted; runs and reports stay."""

import datetime

import pytest
from django.utils import timezone

from displacement.models import ImportRun
from displacement.services.imports import import_files_purge, import_run_confirm, import_run_execute, import_run_start
from tests.importers.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def test_old_files_are_deleted_once_no_run_keeps_them(ngo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_DAYS = 30
    with (FIXTURES / "acled_api.json").open("rb") as handle:
        dry = import_run_start(organization=ngo, by=None, handle=handle, file_name="api.json", dry_run=True)
    dry = import_run_execute(run_id=dry.pk)
    confirmed = import_run_confirm(run=dry, by=None)
    stored = tmp_path / dry.file.name
    assert stored.exists()
    assert import_files_purge() == 0
    later = timezone.now() + datetime.timedelta(days=31)
    assert import_files_purge(now=later) == 2
    assert not stored.exists()
    assert set(ImportRun.objects.values_list("file", flat=True)) == {""}
    assert ImportRun.objects.get(pk=confirmed.pk).file_purged_at == later


def test_a_media_zip_is_kept_with_its_file_and_deleted_with_it(ngo, settings, tmp_path):
    import io
    import zipfile

    from tests.importers.submission_fixtures import FIXTURES as SUBMISSIONS

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("media/house-1_10_2_3.jpg", b"an invented photo")
    archive.seek(0)

    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_DAYS = 30
    with (SUBMISSIONS / "kobo_data.json").open("rb") as handle:
        dry = import_run_start(
            organization=ngo, by=None, handle=handle, file_name="kobo.json", dry_run=True, media=archive
        )
    confirmed = import_run_confirm(run=import_run_execute(run_id=dry.pk), by=None)
    media = tmp_path / dry.media_file.name
    assert media.exists() and confirmed.media_file.name == dry.media_file.name
    assert import_files_purge(now=timezone.now() + datetime.timedelta(days=31)) == 2
    assert not media.exists()
    assert set(ImportRun.objects.values_list("media_file", flat=True)) == {""}
