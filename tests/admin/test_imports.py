"""The import screen: a coordinator uploads, reads the dry run, confirms, and follows the run."""

import pytest
from django.urls import reverse

from displacement.models import AccessLog, Event, ImportRun, ImportStatus
from displacement.services.imports import import_run_execute
from tests.importers.conftest import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def imports_run_when_committed(settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    """Uploaded files go to a temporary MEDIA_ROOT; the Celery task runs as the worker would."""
    from displacement.tasks.imports import import_run_task

    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(import_run_task, "delay", lambda run_id: import_run_execute(run_id=run_id))


def _upload(client, name, capture):
    with (FIXTURES / name).open("rb") as handle, capture(execute=True):
        return client.post(reverse("admin:displacement_importrun_add"), {"file": handle, "kind": ""})


def test_a_coordinator_uploads_reads_the_dry_run_and_confirms_it(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    response = _upload(client, "acled_2022.csv", django_capture_on_commit_callbacks)
    dry = ImportRun.objects.get()
    assert response.url == reverse("admin:displacement_importrun_change", args=[dry.pk])
    page = client.get(response.url).content.decode()
    assert (dry.dry_run, dry.status, dry.created, dry.kind) == (True, ImportStatus.DONE, 6, "acled_csv")
    assert "Black Sea" in page and "Confirm: import this file" in page
    assert not Event.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("admin:import_run_confirm", args=[dry.pk]))
    run = ImportRun.objects.get(dry_run=False)
    assert confirmed.url == reverse("admin:displacement_importrun_change", args=[run.pk])
    assert (run.status, run.created, Event.objects.count()) == (ImportStatus.DONE, 6, 6)
    assert run.sha256 == dry.sha256
    again = _upload(client, "acled_2022.csv", django_capture_on_commit_callbacks)
    assert "was already imported" in client.get(again.url).content.decode()
    listing = client.get(reverse("admin:displacement_importrun_changelist")).content.decode()
    assert "acled_2022.csv" in listing and run.sha256[:12] in listing


def test_a_malformed_run_id_is_not_found_not_an_error(client, coordinator):
    client.force_login(coordinator)
    assert client.get("/admin/displacement/importrun/upload/change/").status_code == 404


def test_the_report_downloads_as_csv_and_the_file_only_with_an_access_log_entry(
    client, coordinator, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _upload(client, "acled_bad_rows.csv", django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    report = client.get(reverse("admin:import_run_report", args=[run.pk])).content.decode()
    assert "Skirmishes" in report
    assert not AccessLog.objects.filter(action="import_file").exists()
    download = client.get(reverse("admin:import_run_file", args=[run.pk]))
    assert b"".join(download.streaming_content) == (FIXTURES / "acled_bad_rows.csv").read_bytes()
    assert AccessLog.objects.get(action="import_file").object_ids == [run.pk]


def test_a_file_that_is_not_csv_fails_as_a_whole_and_says_why(
    client, coordinator, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(coordinator)
    _upload(client, "acled_missing_columns.csv", django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.FAILED
    assert (
        "event_date, admin1"
        in client.get(reverse("admin:displacement_importrun_change", args=[run.pk])).content.decode()
    )


@pytest.mark.parametrize("role", ["caseworker", "analyst"])
def test_only_coordinators_open_the_import_screens(
    client, request, coordinator, role, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    _upload(client, "acled_api.json", django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    client.force_login(request.getfixturevalue(role))
    for url in (
        reverse("admin:displacement_importrun_add"),
        reverse("admin:displacement_importrun_changelist"),
        reverse("admin:displacement_importrun_change", args=[run.pk]),
        reverse("admin:import_run_report", args=[run.pk]),
        reverse("admin:import_run_file", args=[run.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("admin:import_run_confirm", args=[run.pk])).status_code == 403


def test_another_organisations_run_is_not_found(client, coordinator, other_ngo, django_capture_on_commit_callbacks):
    from tests.conftest import _member

    client.force_login(coordinator)
    _upload(client, "acled_api.json", django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    client.force_login(_member(other_ngo, "coordinator", "other-coordinator"))
    assert client.get(reverse("admin:displacement_importrun_change", args=[run.pk])).status_code == 404


def test_a_coordinator_imports_form_submissions_with_their_media(
    client, coordinator, django_capture_on_commit_callbacks, tmp_path
):
    import io
    import zipfile

    from displacement.models import Attachment, ImportKind, Testimony

    client.force_login(coordinator)
    media = io.BytesIO()
    with zipfile.ZipFile(media, "w") as archive:
        archive.writestr("media/house-1_10_2_3.jpg", b"an invented photo")
    media.seek(0)
    media.name = "media.zip"
    with (FIXTURES / "kobo_data.json").open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:displacement_importrun_add"), {"file": handle, "kind": "", "media": media}
        )
    dry = ImportRun.objects.get()
    assert (dry.kind, dry.status, dry.created, dry.rejected) == (ImportKind.KOBO_JSON, ImportStatus.DONE, 1, 1)
    page = client.get(response.url).content.decode()
    assert "rejected by a reviewer" in page and "interview-1_10_5_1.m4a" in page
    assert not Testimony.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:import_run_confirm", args=[dry.pk]))
    run = ImportRun.objects.get(dry_run=False)
    assert (run.status, run.created) == (ImportStatus.DONE, 1)
    assert Attachment.objects.get().testimony == Testimony.objects.get()


def test_a_coordinator_imports_another_forms_export_with_an_import_profile(
    client, ngo, coordinator, other_ngo, django_capture_on_commit_callbacks
):
    from displacement.models import FormSubmission
    from displacement.services.import_profiles import import_profile_load
    from tests.importers.submission_fixtures import fixture_bytes

    profile = import_profile_load(organization=ngo, data=fixture_bytes("profile_other_form.json"))
    import_profile_load(
        organization=other_ngo, data=fixture_bytes("profile_other_form.json").replace(b"Family", b"Theirs")
    )
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_importrun_add")).content.decode()
    assert profile.name in page and "Theirs" not in page  # only the organisation's own profiles
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("theirs.json", fixture_bytes("kobo_other_form.json"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:displacement_importrun_add"), {"file": upload, "kind": "", "profile": profile.name}
        )
    dry = ImportRun.objects.get()
    assert (dry.profile, dry.status, dry.dry_run) == (profile.name, ImportStatus.DONE, True)
    assert dry.created and "extra/needs_food" in client.get(response.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:import_run_confirm", args=[dry.pk]))
    run = ImportRun.objects.get(dry_run=False)
    assert (run.profile, run.created, FormSubmission.objects.count()) == (profile.name, dry.created, dry.created)
