"""A stand-in server, two connections to it, and the submissions' import recorded as it is called."""

import pytest

from displacement.importers.pipeline import Counts
from displacement.models import PullKind
from displacement.pull import http
from displacement.services import pulls
from displacement.services.pulls import connection_save
from tests.pull.standin import ASSET, FORM, KOBO_TOKEN, ODK_EMAIL, ODK_PASSWORD, PROJECT, StandIn


@pytest.fixture
def standin():
    server = StandIn()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def small_pages_and_no_waiting(settings, monkeypatch):
    settings.PULL_PAGE_SIZE = 2
    settings.PULL_TIMEOUT_SECONDS = 5
    waits = []
    monkeypatch.setattr(http, "sleep", waits.append)
    return waits


class Imported(list):
    """Each SubmissionSet handed to the import, with its run."""


@pytest.fixture
def imported(monkeypatch):
    calls = Imported()

    def submissions_import(*, organization, run, submissions, media=None, by=None, report=None):
        calls.append((run, submissions))
        return Counts(created=len(submissions.submissions))

    monkeypatch.setattr(pulls, "submissions_import", submissions_import)
    return calls


@pytest.fixture
def kobo_connection(ngo, coordinator, standin):
    return connection_save(
        organization=ngo,
        by=coordinator,
        data={"name": "Kobo intake", "kind": PullKind.KOBO, "server_url": standin.url, "asset_uid": ASSET},
        secret=KOBO_TOKEN,
    )


@pytest.fixture
def odk_connection(ngo, coordinator, standin):
    return connection_save(
        organization=ngo,
        by=coordinator,
        data={
            "name": "ODK intake",
            "kind": PullKind.ODK,
            "server_url": standin.url,
            "account_email": ODK_EMAIL,
            "project_id": PROJECT,
            "form_id": FORM,
        },
        secret=ODK_PASSWORD,
    )
