"""A consent withdrawn here and a later import of the submission: the withdrawal stands, the
partner API keeps the narrative out, and the report says why the submission's "yes" was not
recorded again. Only a consent staff record re-grants it."""

import json

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.models import Consent, FormSubmission, ReportLevel, SharingAgreement
from displacement.models.vocab import ConsentPurpose
from displacement.services.testimonies import consent_record, consent_withdraw
from tests.factories import OrganizationFactory
from tests.importers.conftest import run_import
from tests.importers.submission_fixtures import fixture_json
from tests.importers.test_submission_import import _later, first_only, kobo_page, lines, write

pytestmark = pytest.mark.django_db

NARRATIVE = "A made-up account for tests: the block next to ours was hit at night."
APPROVED = {"uid": "validation_status_approved", "label": "Approved"}


@pytest.fixture
def partner(ngo):
    partner_org = OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["testimonies"], purposes=[])
    _, key = OrganizationAPIKey.objects.create_key(name="sync", organization=partner_org, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def serves_narrative(partner) -> bool:
    response = partner.get("/api/v1/testimonies/")
    assert response.status_code == 200
    return NARRATIVE in response.content.decode()


def public_and_shared():
    first = first_only(kobo_page())
    first["results"][0] |= {"account/sensitivity": "public", "consent/sharing_with_partners": "yes"}
    first["results"][0]["_validation_status"] = {}
    return first


def withdraw_sharing(by):
    testimony = FormSubmission.objects.get().testimony
    consent = Consent.objects.get(testimony=testimony, purpose=ConsentPurpose.SHARING)
    with transaction.atomic():
        consent_withdraw(consent=consent, by=by, reason="The witness asked us to stop sharing.")
    return testimony


def active_sharing(testimony) -> int:
    return Consent.objects.filter(testimony=testimony, purpose=ConsentPurpose.SHARING, withdrawn_at=None).count()


def withdrawn_flag(run) -> list:
    today = timezone.localdate().isoformat()
    expected = (
        f"Consent to sharing with partners was withdrawn here on {today}; the submission's yes is not recorded again."
    )
    return [(field, message) for _, field, message in lines(run, ReportLevel.FLAGGED) if message == expected]


def test_a_sharing_consent_withdrawn_here_is_not_granted_again_by_the_same_record_approved(
    ngo, coordinator, partner, tmp_path
):
    first = public_and_shared()
    run_import(ngo, write(tmp_path, first))
    assert serves_narrative(partner)
    testimony = withdraw_sharing(coordinator)
    assert not serves_narrative(partner)
    first["results"][0]["_validation_status"] = APPROVED  # only the review changed on the server
    run = run_import(ngo, write(tmp_path, first, "approved.json"))
    assert (run.created, run.updated, run.unchanged, run.flagged) == (0, 0, 1, 1), lines(run)
    assert [field for field, _ in withdrawn_flag(run)] == ["consent/sharing_with_partners"]
    assert active_sharing(testimony) == 0
    testimony.refresh_from_db()
    assert not testimony.sharing_consent
    assert not serves_narrative(partner)


def test_a_sharing_consent_withdrawn_here_is_not_granted_again_by_a_later_version(ngo, coordinator, partner, tmp_path):
    first = public_and_shared()
    run_import(ngo, write(tmp_path, first))
    testimony = withdraw_sharing(coordinator)
    later, item = _later(first)
    item["account/summary"] = "Invented test summary, corrected."
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.updated, run.rejected, run.flagged) == (1, 0, 1), lines(run)
    assert len(withdrawn_flag(run)) == 1
    testimony.refresh_from_db()
    assert testimony.summary == "Invented test summary, corrected."  # the rest of the version follows
    assert active_sharing(testimony) == 0 and not testimony.sharing_consent
    assert not serves_narrative(partner)


def test_a_consent_staff_record_again_after_the_withdrawal_stands_and_nothing_is_flagged(
    ngo, coordinator, partner, tmp_path
):
    first = public_and_shared()
    run_import(ngo, write(tmp_path, first))
    testimony = withdraw_sharing(coordinator)
    with transaction.atomic():
        consent_record(testimony=testimony, by=coordinator, purpose=ConsentPurpose.SHARING)
    later, item = _later(first)
    item["account/summary"] = "Invented test summary, corrected."
    run = run_import(ngo, write(tmp_path, later, "later.json"))
    assert (run.updated, withdrawn_flag(run)) == (1, []), lines(run)
    assert active_sharing(testimony) == 1
    assert serves_narrative(partner)


def test_a_consent_a_version_answered_no_to_is_not_granted_again_by_a_later_yes(ngo, tmp_path):
    first = public_and_shared()
    run_import(ngo, write(tmp_path, first))
    no, item = _later(first)
    item["consent/sharing_with_partners"] = "no"
    assert run_import(ngo, write(tmp_path, no, "no.json")).updated == 1
    yes, _ = _later(first, instance="uuid:6a1f0c8e-0000-4000-8000-0000000000fe")
    yes["results"][0]["meta/deprecatedID"] = "uuid:6a1f0c8e-0000-4000-8000-0000000000ff"
    run = run_import(ngo, write(tmp_path, yes, "yes.json"))
    assert (run.updated, run.flagged) == (0, 1), lines(run)
    assert len(withdrawn_flag(run)) == 1
    assert active_sharing(FormSubmission.objects.get().testimony) == 0


def test_the_live_pull_entry_point_keeps_a_withdrawal_too(ngo, coordinator, partner):
    from displacement.importers.submission_files import read_submissions
    from displacement.models import ImportRun
    from displacement.services.submission_import import submissions_import

    page = first_only(fixture_json("kobo_data.json"))
    page["results"][0] |= {"account/sensitivity": "public", "consent/sharing_with_partners": "yes"}
    page["results"][0]["_validation_status"] = {}

    def pull(document):
        run = ImportRun.objects.create(organization=ngo, file_name="pull", size=0, sha256="0" * 64)
        with transaction.atomic():
            counts = submissions_import(
                organization=ngo, run=run, submissions=read_submissions(json.dumps(document).encode())
            )
        return run, counts

    pull(page)
    testimony = withdraw_sharing(coordinator)
    page["results"][0]["_validation_status"] = APPROVED
    run, counts = pull(page)
    assert (counts.updated, counts.unchanged, counts.flagged) == (0, 1, 1)
    assert len(withdrawn_flag(run)) == 1
    assert active_sharing(testimony) == 0
    assert not serves_narrative(partner)
