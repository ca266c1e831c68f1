"""Pulling an ODK Central form from the stand-in: the session, nextLink paging, edits, deletions, a wrong password."""

import datetime
import json

import pytest

from displacement.models import ImportKind, ImportStatus
from displacement.services.pulls import connection_pull, connection_test
from tests.pull.standin import ODK_EMAIL, ODK_PASSWORD, SESSION, odk_row

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)


def _feeds(standin):
    return [r for r in standin.requests if r["path"].endswith(".svc/Submissions")]


def test_the_first_pull_signs_in_follows_next_links_and_ends_the_session(standin, odk_connection, imported):
    standin.odk = [odk_row(n, submitted=f"2026-12-0{n}T09:00:00.000Z") for n in range(1, 6)]
    standin.odk.append(odk_row(6, submitted="2026-12-01T09:00:00.000Z", deleted="2026-12-03T10:00:00.000Z"))
    run = connection_pull(connection_id=odk_connection.pk, now=NOW)
    sign_in = standin.requests[0]
    assert (sign_in["method"], sign_in["path"]) == ("POST", "/v1/sessions")
    assert json.loads(sign_in["body"]) == {"email": ODK_EMAIL, "password": ODK_PASSWORD}
    feeds = _feeds(standin)
    assert all(r["headers"]["Authorization"] == f"Bearer {SESSION}" for r in feeds)
    changed = [r for r in feeds if "deletedAt" not in r["query"].get("$filter", "")]
    assert [r["query"].get("$skiptoken") for r in changed] == [None, "2", "4"]  # three pages, by @odata.nextLink
    assert all(r["query"]["$expand"] == "*" and r["query"]["$top"] == "2" for r in changed)
    assert "$filter" not in changed[0]["query"]
    deleted = [r for r in feeds if r not in changed]
    assert [r["query"]["$filter"] for r in deleted] == ["__system/deletedAt ne null"]
    assert standin.requests[-1]["method"] == "DELETE" and standin.requests[-1]["path"] == "/v1/sessions/current"
    ((_, submissions),) = imported
    assert submissions.platform == "odk_central" and submissions.form_id == "testimony_intake"
    assert [(s.stable_id[-2:], s.deleted) for s in submissions.submissions] == [
        ("01", False),
        ("02", False),
        ("03", False),
        ("04", False),
        ("05", False),
        ("06", True),
    ]
    assert (run.kind, run.status, run.created) == (ImportKind.ODK_PULL, ImportStatus.DONE, 6)
    odk_connection.refresh_from_db()
    assert odk_connection.watermark == {"changed": "2026-12-05T09:00:00.000Z", "deleted": "2026-12-03T10:00:00.000Z"}


def test_a_later_pull_filters_on_the_watermark_and_brings_edits_and_deletions(
    settings, standin, odk_connection, imported
):
    settings.PULL_OVERLAP_SECONDS = 60
    standin.odk = [odk_row(n, submitted=f"2026-11-2{n}T09:00:00.000Z") for n in (1, 2)]
    standin.odk.append(odk_row(3, submitted="2026-12-01T09:00:00.000Z"))
    connection_pull(connection_id=odk_connection.pk, now=NOW)
    standin.odk = [
        odk_row(1, submitted="2026-11-21T09:00:00.000Z"),  # unchanged: not read again
        odk_row(2, version=2, submitted="2026-11-22T09:00:00.000Z", updated="2026-12-06T12:00:00.000Z"),
        odk_row(3, submitted="2026-12-01T09:00:00.000Z", deleted="2026-12-06T13:00:00.000Z"),
        odk_row(4, submitted="2026-12-06T14:00:00.000Z"),
    ]
    standin.requests.clear()
    connection_pull(connection_id=odk_connection.pk, now=NOW)
    filters = [r["query"].get("$filter") for r in _feeds(standin)]
    assert filters == [
        "__system/submissionDate gt 2026-12-01T08:59:00.000Z or __system/updatedAt gt 2026-12-01T08:59:00.000Z",
        "__system/deletedAt ne null",
    ]
    submissions = {s.stable_id[-2:]: s for s in imported[-1][1].submissions}
    assert set(submissions) == {"02", "03", "04"}
    assert submissions["02"].edited and submissions["02"].previous_version_id.endswith("0001-4000-8000-000000000002")
    assert submissions["03"].deleted and not submissions["04"].deleted
    odk_connection.refresh_from_db()
    assert odk_connection.watermark == {"changed": "2026-12-06T14:00:00.000Z", "deleted": "2026-12-06T13:00:00.000Z"}
    standin.requests.clear()
    connection_pull(connection_id=odk_connection.pk, now=NOW)
    assert [r["query"]["$filter"] for r in _feeds(standin)][1] == "__system/deletedAt gt 2026-12-06T12:59:00.000Z"


def test_a_wrong_password_is_a_clear_error_and_a_test_says_so(standin, odk_connection, imported):
    from displacement.pull import secrets
    from displacement.pull.http import PullError

    odk_connection.secret = secrets.encrypt("wrong-password")
    odk_connection.save()
    run = connection_pull(connection_id=odk_connection.pk, now=NOW)
    odk_connection.refresh_from_db()
    assert "ODK Central refused the credentials (HTTP 401" in odk_connection.last_error
    assert "wrong-password" not in odk_connection.last_error
    assert run.status == ImportStatus.FAILED and not imported
    with pytest.raises(PullError, match="refused the credentials"):
        connection_test(connection=odk_connection)


def test_a_connection_test_names_the_form(standin, odk_connection, kobo_connection):
    assert connection_test(connection=odk_connection) == "Testimony intake (stand-in)"
    assert connection_test(connection=kobo_connection) == "Testimony intake (stand-in)"
