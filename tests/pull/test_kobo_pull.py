"""Pulling a KoboToolbox project from the stand-in: paging, edits, 429, a server that goes away, a wrong token."""

import datetime
import json

import pytest

from displacement.models import ImportKind, ImportRun, ImportStatus
from displacement.services.pulls import connection_pull
from tests.pull.standin import kobo_record

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def _data_requests(standin):
    return [r for r in standin.requests if r["path"].endswith("/data/")]


def test_the_first_pull_reads_every_page_and_keeps_the_last_id(standin, kobo_connection, imported):
    standin.kobo = [kobo_record(n) for n in range(1, 6)]
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    pages = _data_requests(standin)
    assert [(r["query"]["start"], r["query"]["limit"]) for r in pages] == [("0", "2"), ("2", "2"), ("4", "2")]
    assert all("query" not in r["query"] and r["query"]["format"] == "json" for r in pages)
    assert all(r["headers"]["Authorization"].startswith("Token ") for r in pages)
    ((handed_run, submissions),) = imported
    assert handed_run == run and submissions.platform == "kobotoolbox"
    assert [s.platform_id for s in submissions.submissions] == ["1", "2", "3", "4", "5"]
    assert (run.kind, run.status, run.created, run.connection_id) == (
        ImportKind.KOBO_PULL,
        ImportStatus.DONE,
        5,
        kobo_connection.pk,
    )
    assert run.rows_total == 5 and run.size > 0 and len(run.sha256) == 64
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {"last_id": 5}
    assert (kobo_connection.last_success_at, kobo_connection.last_error) == (NOW, "")


def test_a_later_pull_asks_for_new_ids_and_the_edit_window_and_brings_the_edit(
    settings, standin, kobo_connection, imported
):
    settings.PULL_KOBO_EDIT_DAYS = 14
    standin.kobo = [kobo_record(1, submitted="2026-10-01T08:00:00"), kobo_record(2, submitted="2026-12-01T08:00:00")]
    connection_pull(connection_id=kobo_connection.pk, now=NOW)
    # Submission 2 is edited (same _id and rootUuid, a new instanceID); 3 arrives.
    standin.kobo = [
        kobo_record(1, submitted="2026-10-01T08:00:00"),
        kobo_record(2, version=2, submitted="2026-12-01T08:00:00", summary="Edited summary"),
        kobo_record(3, submitted="2026-12-06T08:00:00"),
    ]
    standin.requests.clear()
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    query = json.loads(_data_requests(standin)[0]["query"]["query"])
    assert query == {"$or": [{"_id": {"$gt": 2}}, {"_submission_time": {"$gte": "2026-11-23T10:00:00"}}]}
    submissions = imported[-1][1].submissions
    assert [s.platform_id for s in submissions] == ["2", "3"]  # 1 is old and unedited: not read again
    edit = submissions[0]
    assert edit.stable_id == imported[0][1].submissions[1].stable_id  # the same submission, a later version
    assert edit.previous_version_id and edit.version_id != edit.stable_id
    assert edit.answers["account/summary"] == "Edited summary"
    assert run.status == ImportStatus.DONE
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {"last_id": 3}


def test_nothing_new_makes_no_run_but_counts_as_a_successful_pull(standin, kobo_connection, imported):
    assert connection_pull(connection_id=kobo_connection.pk, now=NOW) is None
    assert not imported and not ImportRun.objects.exists()
    kobo_connection.refresh_from_db()
    assert kobo_connection.last_success_at == NOW


def test_a_429_with_retry_after_is_waited_for_then_the_page_is_asked_again(
    standin, kobo_connection, imported, small_pages_and_no_waiting
):
    standin.kobo = [kobo_record(n) for n in range(1, 4)]
    standin.faults = [
        {"path": "/data/", "status": 429, "headers": {"Retry-After": "7"}, "when": lambda q: q["start"] == "2"}
    ]
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert small_pages_and_no_waiting == [7.0]
    assert [r["query"]["start"] for r in _data_requests(standin)] == ["0", "2", "2"]
    assert run.status == ImportStatus.DONE and len(imported[0][1].submissions) == 3


def test_a_retry_after_beyond_the_bound_stops_the_pull_and_keeps_the_watermark(
    settings, standin, kobo_connection, imported, small_pages_and_no_waiting
):
    settings.PULL_RETRY_AFTER_MAX_SECONDS = 60
    standin.kobo = [kobo_record(1)]
    standin.faults = [{"path": "/data/", "status": 429, "headers": {"Retry-After": "3600"}}]
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert small_pages_and_no_waiting == [] and not imported
    assert run.status == ImportStatus.FAILED and "busy (HTTP 429, retry after 3600 s)" in run.error
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {} and "HTTP 429" in kobo_connection.last_error
    assert kobo_connection.last_success_at is None


def test_a_server_that_goes_away_mid_page_imports_nothing_and_the_next_pull_resumes(standin, kobo_connection, imported):
    standin.kobo = [kobo_record(n, submitted="2026-10-01T08:00:00") for n in range(1, 6)]
    connection_pull(connection_id=kobo_connection.pk, now=NOW)
    standin.kobo += [kobo_record(n, submitted="2026-12-07T09:00:00") for n in range(6, 10)]
    standin.faults = [{"path": "/data/", "drop": True, "when": lambda q: q["start"] == "2"}]
    failed = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert failed.status == ImportStatus.FAILED and "went away in the middle of a page" in failed.error
    assert len(imported) == 1  # the first pull's only
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {"last_id": 5} and "went away" in kobo_connection.last_error
    resumed = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert resumed.status == ImportStatus.DONE
    assert [s.platform_id for s in imported[-1][1].submissions] == ["6", "7", "8", "9"]
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {"last_id": 9} and kobo_connection.last_error == ""


def test_a_wrong_token_is_a_clear_error_on_the_connection(standin, kobo_connection, imported):
    from displacement.pull import secrets

    kobo_connection.secret = secrets.encrypt("not-the-token")
    kobo_connection.save()
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    kobo_connection.refresh_from_db()
    assert "KoboToolbox refused the credentials (HTTP 401" in kobo_connection.last_error
    assert "check the token" in kobo_connection.last_error and "not-the-token" not in kobo_connection.last_error
    assert run.status == ImportStatus.FAILED and run.error == kobo_connection.last_error and not imported
    # Failing the same way at the next beats: said on the connection, no new run each time.
    assert connection_pull(connection_id=kobo_connection.pk, now=NOW) is None
    assert ImportRun.objects.filter(connection=kobo_connection).count() == 1


def test_a_project_of_another_form_is_refused_as_a_whole(standin, kobo_connection, imported):
    other = kobo_record(1)
    other["household/some_question_we_do_not_have"] = "x"
    standin.kobo = [other]
    run = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert run.status == ImportStatus.FAILED and "Nothing was imported" in run.error and not imported
    kobo_connection.refresh_from_db()
    assert kobo_connection.watermark == {}
