"""Imported form submissions in the admin: a read-only list for coordinators that shows what
each submission made and never what it answered."""

import copy

import pytest
from django.urls import reverse

from displacement.models import FormSubmission
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import NEW_HOUSEHOLD, fixture_json
from tests.importers.test_submission_import import first_only, write

pytestmark = pytest.mark.django_db

NAME, PHONE = "CANARY-ADMIN-NAME-Olena", "+380 66 765 4321"


@pytest.fixture
def record(ngo, tmp_path):
    page = copy.deepcopy(first_only(fixture_json("kobo_data.json")))
    page["results"][0].update({"household/contact/full_name": NAME, "household/contact/phone": PHONE})
    run_import(ngo, write(tmp_path, page))
    return FormSubmission.objects.get(organization=ngo, stable_id=NEW_HOUSEHOLD)


def test_a_coordinator_reads_what_a_submission_made_and_none_of_its_answers(client, coordinator, record):
    client.force_login(coordinator)
    listing = client.get(reverse("admin:displacement_formsubmission_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert record.stable_id in page and str(record.household) in page
    detail = client.get(reverse("admin:displacement_formsubmission_change", args=[record.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert record.version_id in text and str(record.import_run) in text
    for answer in (NAME, PHONE):
        assert answer not in page and answer not in text


def test_nobody_adds_changes_or_deletes_one_by_hand(client, coordinator, record):
    client.force_login(coordinator)
    assert client.get(reverse("admin:displacement_formsubmission_add")).status_code == 403
    change = reverse("admin:displacement_formsubmission_change", args=[record.pk])
    client.post(change, {"stable_id": "uuid:forged", "platform": "odk_central"})
    record.refresh_from_db()
    assert record.stable_id == NEW_HOUSEHOLD
    assert (
        client.post(reverse("admin:displacement_formsubmission_delete", args=[record.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert FormSubmission.objects.filter(pk=record.pk).exists()


def test_a_caseworker_does_not_open_the_list(client, caseworker, record):
    client.force_login(caseworker)
    assert client.get(reverse("admin:displacement_formsubmission_changelist")).status_code == 403
