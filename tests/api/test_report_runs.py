"""/api/v1/report-runs/: a partner reads the runs made for it, staff their organisation's; a
file that holds a record which may no longer reach the partner is withdrawn."""

import datetime
import hashlib

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.storage import default_storage
from django.utils import timezone

from displacement.models import ReportDefinition, ReportRun, RunStatus, SharingAgreement, Testimony
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors import pseudonyms
from displacement.services.report_delivery import download_link
from displacement.services.reports import report_definition_save
from displacement.services.sharing import agreements_expire
from displacement.services.testimonies import consent_withdraw
from displacement.services.tombstones import testimony_unshare_check
from displacement.tasks.reports import report_run_task
from tests.api.conftest import shared_testimony
from tests.factories import EventFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
SLOT = datetime.datetime(2026, 11, 23, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def runs(ngo, other_ngo, partner_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORTS_WORK_DIR = tmp_path / "partial"
    EventFactory.create_batch(2, organization=ngo)
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["events"], purposes=["statistics"])
    stranger = OrganizationFactory(name="Someone Else", slug="else", code="UA-ELS")
    SharingAgreement.objects.create(owner=ngo, partner=stranger, record_kinds=["events"], purposes=["statistics"])
    made = {}
    for slug, audience, owner in [
        ("for-esa", partner_org, ngo),
        ("internal", None, ngo),
        ("for-else", stranger, ngo),
        ("theirs", None, other_ngo),
    ]:
        definition = report_definition_save(
            ReportDefinition(organization=owner, slug=slug, name=slug, kind="events", audience=audience)
        )
        report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
        made[slug] = ReportRun.objects.get(definition=definition)
    return made


def test_a_partner_lists_and_downloads_only_the_runs_made_for_it(partner, partner_org, runs):
    response = partner.get("/api/v1/report-runs/")
    assert response.status_code == 200
    (row,) = response.json()["results"]
    run = runs["for-esa"]
    assert row["id"] == pseudonyms.encode("report_run", run.pk, partner_org.pk)
    assert row["report"] == "for-esa" and row["rows"] == 2 and row["sha256"] == run.sha256
    assert row["manifest"]["columns"][0]["hxl"] == "#event+id"
    download = partner.get(f"/api/v1/report-runs/{row['id']}/download/")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == run.sha256
    for other in ("internal", "for-else", "theirs"):
        ref = pseudonyms.encode("report_run", runs[other].pk, partner_org.pk)
        assert partner.get(f"/api/v1/report-runs/{ref}/").status_code == 404
        assert partner.get(f"/api/v1/report-runs/{ref}/download/").status_code == 404
    assert partner.get(f"/api/v1/report-runs/{runs['internal'].pk}/").status_code == 404


def test_staff_list_their_organisations_runs(staff, runs):
    listed = {row["report"] for row in staff.get("/api/v1/report-runs/").json()["results"]}
    assert listed == {"for-esa", "internal", "for-else"}
    assert staff.get(f"/api/v1/report-runs/{runs['theirs'].pk}/").status_code == 404
    assert staff.get(f"/api/v1/report-runs/{runs['internal'].pk}/download/").status_code == 200
    assert staff.get("/api/v1/report-runs/", {"report": "internal"}).json()["results"][0]["report"] == "internal"
    assert staff.get("/api/v1/report-runs/", {"status": "nope"}).status_code == 400


def test_a_purged_or_failed_run_has_no_download(partner, partner_org, runs):
    run = runs["for-esa"]
    ReportRun.objects.filter(pk=run.pk).update(file="", purged_at=SLOT)
    ref = pseudonyms.encode("report_run", run.pk, partner_org.pk)
    assert partner.get(f"/api/v1/report-runs/{ref}/download/").status_code == 404
    assert partner.get("/api/v1/report-runs/").json()["results"] == []


def test_staff_see_failed_runs_without_a_download(staff, runs):
    ReportRun.objects.filter(pk=runs["internal"].pk).update(status=RunStatus.FAILED, file="")
    row = staff.get(f"/api/v1/report-runs/{runs['internal'].pk}/").json()
    assert row["status"] == "failed" and row["download"] is None
    assert staff.get(f"/api/v1/report-runs/{runs['internal'].pk}/download/").status_code == 404


def test_partner_downloads_are_in_the_owners_access_log(partner, partner_org, ngo, runs):
    from displacement.models import AccessLog

    ref = pseudonyms.encode("report_run", runs["for-esa"].pk, partner_org.pk)
    partner.get(f"/api/v1/report-runs/{ref}/download/")
    entry = AccessLog.objects.filter(organization=ngo, model="displacement.ReportRun").latest("at")
    assert entry.object_ids == [runs["for-esa"].pk] and entry.detail["partner"] == "esa"


def _testimony_runs(ngo, partner_org, *, sensitivity=Sensitivity.PUBLIC):
    """A testimony in the partner's testimony file, and the partner's events file (no people)."""
    SharingAgreement.objects.filter(owner=ngo, partner=partner_org).update(record_kinds=["events", "testimonies"])
    testimony = shared_testimony(ngo, sensitivity=sensitivity, narrative="CANARY what she saw")
    definition = report_definition_save(
        ReportDefinition(
            organization=ngo, slug="testimonies-esa", name="t", kind="testimonies", audience=partner_org,
            recipients="esa@example.org",
        )
    )  # fmt: skip
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    return testimony, ReportRun.objects.get(definition=definition)


def _listed(partner, partner_org, run) -> dict:
    ref = pseudonyms.encode("report_run", run.pk, partner_org.pk)
    return next(row for row in partner.get("/api/v1/report-runs/").json()["results"] if row["id"] == ref)


def _link(run) -> str:
    return download_link(run)[0].removeprefix(settings.SITE_URL)


@pytest.mark.parametrize("change", ["consent withdrawn", "made restricted"])
def test_a_record_leaving_partners_withdraws_every_partner_file_that_holds_it(
    partner, partner_org, ngo, staff, coordinator, runs, client, change, django_capture_on_commit_callbacks
):
    testimony, run = _testimony_runs(ngo, partner_org)
    ref = pseudonyms.encode("report_run", run.pk, partner_org.pk)
    assert run.status == RunStatus.SUCCEEDED and run.rows == 1
    assert partner.get(f"/api/v1/report-runs/{ref}/download/").status_code == 200
    assert client.get(_link(run)).status_code == 200
    name = run.file.name
    with django_capture_on_commit_callbacks(execute=True):
        if change == "consent withdrawn":
            consent = testimony.consents.get(purpose=ConsentPurpose.SHARING)
            consent_withdraw(consent=consent, by=coordinator, reason="Asked by phone")
        else:
            before = testimony.sensitivity
            Testimony.objects.filter(pk=testimony.pk).update(sensitivity=Sensitivity.RESTRICTED)
            testimony_unshare_check(
                testimony=testimony, sensitivity_before=before, household_before=testimony.household_id
            )
    reason = "consent_withdrawn" if change == "consent withdrawn" else "unshared"
    row = _listed(partner, partner_org, run)
    assert row["status"] == "withdrawn" and row["withdrawal_reason"] == reason and row["download"] is None
    gone = partner.get(f"/api/v1/report-runs/{ref}/download/")
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "withdrawn"
    assert client.get(_link(run)).status_code == 410
    assert not default_storage.exists(name), "the file itself is deleted"
    # The owner sees which run was withdrawn, and why.
    mine = staff.get(f"/api/v1/report-runs/{run.pk}/").json()
    assert mine["status"] == "withdrawn" and mine["withdrawal_reason"] == reason
    # Files that do not hold the record stay: the partner's events file, internal files.
    assert (
        partner.get(
            f"/api/v1/report-runs/{pseudonyms.encode('report_run', runs['for-esa'].pk, partner_org.pk)}/download/"
        ).status_code
        == 200
    )
    assert ReportRun.objects.get(pk=runs["internal"].pk).status == RunStatus.SUCCEEDED


def test_a_record_the_file_does_not_hold_withdraws_nothing(partner, partner_org, ngo, coordinator, runs):
    _testimony, run = _testimony_runs(ngo, partner_org)
    later = shared_testimony(ngo, sensitivity=Sensitivity.PUBLIC)  # made after the file
    consent_withdraw(consent=later.consents.get(purpose=ConsentPurpose.SHARING), by=coordinator)
    assert _listed(partner, partner_org, run)["status"] == "succeeded"


def test_an_ended_agreement_lists_the_partners_runs_as_withdrawn(partner, partner_org, ngo, staff, runs, client):
    run = runs["for-esa"]
    agreement = SharingAgreement.objects.get(owner=ngo, partner=partner_org)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_from=yesterday - datetime.timedelta(days=30), valid_until=yesterday
    )
    # At once, before the daily job: listed as withdrawn, no download.
    row = _listed(partner, partner_org, run)
    assert row["status"] == "withdrawn" and row["withdrawal_reason"] == "agreement_ended"
    assert partner.get(f"/api/v1/report-runs/{row['id']}/download/").status_code == 410
    assert client.get(_link(run)).status_code == 410
    assert [r["id"] for r in partner.get("/api/v1/report-runs/", {"status": "withdrawn"}).json()["results"]] == [
        row["id"]
    ]
    assert partner.get("/api/v1/report-runs/", {"status": "succeeded"}).json()["results"] == []
    agreements_expire()
    run.refresh_from_db()
    assert run.status == RunStatus.WITHDRAWN and run.withdrawal_reason == "agreement_ended" and not run.file
    assert staff.get(f"/api/v1/report-runs/{run.pk}/").json()["withdrawal_reason"] == "agreement_ended"
    assert ReportRun.objects.get(pk=runs["for-else"].pk).status == RunStatus.SUCCEEDED  # another partner's


def test_a_run_finishing_after_a_withdrawal_is_withdrawn_not_delivered(partner_org, ngo, coordinator, monkeypatch):
    """The file was written before the consent was withdrawn, and is moved into place after."""
    from displacement.services import reports

    SharingAgreement.objects.create(
        owner=ngo, partner=partner_org, record_kinds=["testimonies"], purposes=["statistics"]
    )
    testimony = shared_testimony(ngo, sensitivity=Sensitivity.PUBLIC)
    written = reports.write_csv

    def write_then_withdraw(*args, **kwargs):
        result = written(*args, **kwargs)
        consent_withdraw(consent=testimony.consents.get(purpose=ConsentPurpose.SHARING), by=coordinator)
        return result

    monkeypatch.setattr(reports, "write_csv", write_then_withdraw)
    definition = report_definition_save(
        ReportDefinition(
            organization=ngo, slug="t-esa", name="t", kind="testimonies", audience=partner_org,
            recipients="esa@example.org",
        )
    )  # fmt: skip
    mail.outbox.clear()
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": SLOT.isoformat()})
    run = ReportRun.objects.get(definition=definition)
    assert run.status == RunStatus.WITHDRAWN and run.withdrawal_reason == "consent_withdrawn"
    assert not run.file and not default_storage.exists(reports.final_name(run))
    assert mail.outbox == [], "nobody is told of a file that is not delivered"
