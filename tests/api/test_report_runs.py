"""/api/v1/report-runs/: a partner reads the runs made for it, staff their organisation's."""

import datetime
import hashlib

import pytest

from displacement.models import ReportDefinition, ReportRun, RunStatus, SharingAgreement
from displacement.selectors import pseudonyms
from displacement.services.reports import report_definition_save
from displacement.tasks.reports import report_run_task
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
