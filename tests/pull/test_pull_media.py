"""A pull downloads the photos and recordings its submissions name, once, from its own server only."""

import copy
import datetime
import hashlib
from urllib.parse import urlsplit

import pytest

from displacement.models import Attachment, ImportStatus, ReportLevel
from displacement.services.pulls import connection_pull
from tests.importers.submission_fixtures import fixture_json

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def _with_media(standin, host=None):
    record = copy.deepcopy(fixture_json("kobo_data.json")["results"][0])
    contents = {}
    for attachment in record["_attachments"]:
        path = urlsplit(attachment["download_url"]).path
        attachment["download_url"] = f"{host or standin.url}{path}"
        contents[attachment["media_file_basename"]] = standin.files[path] = f"bytes of {path}".encode()
    standin.kobo = [record]
    return contents


def _media_requests(standin):
    return [r for r in standin.requests if "/attachments/" in r["path"]]


def test_the_files_are_downloaded_attached_once_and_not_again(standin, kobo_connection):
    contents = _with_media(standin)
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert run.status == ImportStatus.DONE, run.error
    assert all(r["headers"]["Authorization"].startswith("Token ") for r in _media_requests(standin))
    attached = {a.original_name: a.sha256 for a in Attachment.objects.filter(testimony__isnull=False)}
    assert attached == {name: hashlib.sha256(data).hexdigest() for name, data in contents.items()}
    assert not run.report_rows.filter(message__contains="media ZIP").exists()
    standin.requests.clear()
    again = connection_pull(connection_id=kobo_connection.pk, now=NOW)  # read again in the edit window
    assert again.unchanged == 1 and not _media_requests(standin)
    assert not again.report_rows.filter(message__contains="media ZIP").exists()
    assert Attachment.objects.filter(testimony__isnull=False).count() == 2


def test_a_file_on_another_server_is_not_fetched_and_is_reported_missing(standin, kobo_connection):
    _with_media(standin, host="https://elsewhere.example.org")
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert run.status == ImportStatus.DONE and not _media_requests(standin)
    missing = run.report_rows.filter(level=ReportLevel.FLAGGED, message__contains="not in the media ZIP")
    assert missing.count() == 2 and not Attachment.objects.filter(testimony__isnull=False).exists()


def test_files_beyond_the_limit_stop_the_pull_and_import_nothing(settings, standin, kobo_connection):
    settings.PULL_MEDIA_MAX_BYTES = 1024
    _with_media(standin)
    standin.files = {path: b"x" * 1000 for path in standin.files}
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert run.status == ImportStatus.FAILED and "PULL_MEDIA_MAX_BYTES" in run.error
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {} and not Attachment.objects.exists()


def test_a_file_the_server_does_not_have_yet_is_reported_missing_and_the_rest_imports(standin, kobo_connection):
    _with_media(standin)
    late = dict([standin.files.popitem()])
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert run.status == ImportStatus.DONE and run.created == 1
    assert run.report_rows.filter(level=ReportLevel.FLAGGED, message__contains="not in the media ZIP").count() == 1
    assert Attachment.objects.filter(testimony__isnull=False).count() == 1
    # The file arrives; the next pull (the submission read again in the edit window) fetches
    # that one only, and does not call the one attached already missing.
    standin.files.update(late)
    standin.requests.clear()
    later = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert [r["path"] for r in _media_requests(standin)] == list(late)
    assert Attachment.objects.filter(testimony__isnull=False).count() == 2
    assert not later.report_rows.filter(message__contains="media ZIP").exists()


def test_an_odk_pull_downloads_its_files_with_the_session(standin, odk_connection):
    from tests.pull.standin import FORM, PROJECT, SESSION, odk_row

    row = odk_row(1, submitted="2026-12-01T09:00:00.000Z")
    standin.odk = [row]
    base = f"/v1/projects/{PROJECT}/forms/{FORM}/submissions/uuid%3A{row['__id'].removeprefix('uuid:')}/attachments"
    standin.files = {f"{base}/house-1_10_2_3.jpg": b"a photo", f"{base}/interview-1_10_5_1.m4a": b"a recording"}
    run = connection_pull(connection_id=odk_connection.pk, now=NOW)
    assert run.status == ImportStatus.DONE, run.error
    fetched = _media_requests(standin)
    assert sorted(r["path"] for r in fetched) == sorted(standin.files)
    assert all(r["headers"]["Authorization"] == f"Bearer {SESSION}" for r in fetched)
    attached = dict(Attachment.objects.filter(testimony__isnull=False).values_list("original_name", "sha256"))
    assert attached == {
        "house-1_10_2_3.jpg": hashlib.sha256(b"a photo").hexdigest(),
        "interview-1_10_5_1.m4a": hashlib.sha256(b"a recording").hexdigest(),
    }
