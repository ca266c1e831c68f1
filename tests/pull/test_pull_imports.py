"""Pulls through the real submissions import: what arrives is written once, again is unchanged,
an edit updates, a deletion is withheld; a planted name and phone stay in contact details."""

import copy
import datetime
import logging

import pytest

from displacement.models import ContactDetails, Household, ImportReportRow, ImportRun, ImportStatus, PullConnection
from displacement.services.pulls import connection_pull
from tests.importers.submission_fixtures import fixture_json

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 7, 10, 0, tzinfo=datetime.UTC)
NAME, PHONE = "CANARY Pulledperson", "+380 99 271 8281"


def _kobo_first(**changes) -> dict:
    record = copy.deepcopy(fixture_json("kobo_data.json")["results"][0])
    record.update({"household/contact/full_name": NAME, "household/contact/phone": PHONE, **changes})
    return record


def test_a_kobo_pull_imports_then_finds_nothing_changed_then_takes_the_edit(caplog, standin, kobo_connection):
    caplog.set_level(logging.DEBUG)
    standin.kobo = [_kobo_first()]
    first = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert first.status == ImportStatus.DONE, first.error
    assert (first.created, first.rejected) == (1, 0), list(first.report_rows.values_list("field", "message"))
    household = Household.objects.get(organization=kobo_connection.organization)
    assert ContactDetails.objects.get(household=household).full_name == NAME
    again = connection_pull(connection_id=kobo_connection.pk, now=NOW)  # in the edit window: read again
    assert (again.status, again.created, again.updated, again.unchanged) == (ImportStatus.DONE, 0, 0, 1)
    root = _kobo_first()["meta/instanceID"]
    edited = _kobo_first(
        **{
            "meta/rootUuid": root,
            "meta/deprecatedID": root,
            "meta/instanceID": "uuid:6a1f0c8e-0000-4000-8000-0000000000e1",
            "_uuid": "6a1f0c8e-0000-4000-8000-0000000000e1",
            "account/summary": "Shelling near the station; the family left the next morning.",
        }
    )
    standin.kobo = [edited]
    third = connection_pull(connection_id=kobo_connection.pk, now=NOW)
    assert (third.status, third.created, third.updated) == (ImportStatus.DONE, 0, 1), third.error
    assert Household.objects.filter(organization=kobo_connection.organization).count() == 1
    # The planted name and phone: in contact details, and nowhere a pull writes or says.
    texts = [r.message for r in ImportReportRow.objects.all()] + [r.error for r in ImportRun.objects.all()]
    texts += list(PullConnection.objects.values_list("last_error", flat=True))
    for planted in (NAME, PHONE):
        assert not any(planted in text for text in texts)
        assert planted not in caplog.text


def test_an_odk_pull_withholds_the_rejected_and_the_deleted(standin, odk_connection):
    document = fixture_json("odk_submissions_expanded.json")
    standin.odk = copy.deepcopy(document["value"])
    run = connection_pull(connection_id=odk_connection.pk, now=NOW)
    assert run.status == ImportStatus.DONE, run.error
    assert run.created == 1  # the approved one; the rejected and the deleted are not imported
    withheld = {line.external_id: line.message for line in run.report_rows.all()}
    assert "Not imported: rejected by a reviewer." in withheld.values()
    assert "Not imported: deleted on the server." in withheld.values()
    # The imported one is deleted on the server: the next pull brings the deletion, and the
    # household it made stays, flagged for a coordinator.
    standin.odk[0]["__system"]["deletedAt"] = "2026-12-06T10:00:00.000Z"
    later = connection_pull(connection_id=odk_connection.pk, now=NOW)
    assert later.status == ImportStatus.DONE and later.flagged == 1
    assert "Deleted on the server" in later.report_rows.get(level="flagged").message
    assert Household.objects.filter(organization=odk_connection.organization).count() == 1
