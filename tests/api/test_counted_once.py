"""The dashboard, /api/v1/summaries/ and the reports read the same summary cells: one figure
for one cell, and a consent withdrawn leaves the partners' figures at the refresh it queues."""

import datetime

import pytest

from displacement.celery import app as celery_app
from displacement.models import Place, ReportDefinition, SharingAgreement
from displacement.models.vocab import CaseStatus, ConsentPurpose
from displacement.reports import kinds
from displacement.selectors.dashboard import DashboardFilters, dashboard_data
from displacement.services import reports
from displacement.services.cases import case_open
from displacement.services.displacements import displacement_record
from displacement.services.testimonies import consent_record, consent_withdraw
from tests.factories import HouseholdFactory, PersonFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
MONDAY = datetime.date(2025, 2, 10)  # an ISO week inside February


@pytest.fixture
def eager_tasks():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def _figures(ngo, partner_org, staff, partner):
    """The households displaced from UA14 to UA12 in the week, as each output gives them."""
    dashboard = dashboard_data(ngo, DashboardFilters(since=MONDAY, until=MONDAY + datetime.timedelta(days=6)))
    staff_rows = staff.get("/api/v1/summaries/?occurred_after=2025-02-10&occurred_before=2025-02-16").json()
    partner_rows = partner.get("/api/v1/summaries/?occurred_after=2025-02-01&occurred_before=2025-02-28").json()
    files = {
        kind: kinds.generate(
            reports.report_definition_save(
                ReportDefinition(
                    organization=ngo, slug=kind, name=kind, kind=kind, audience=partner_org, recipients="m@example.org"
                )
            )
        )
        for kind in ("displacement_summary", "flows")
    }
    ReportDefinition.objects.all().delete()
    weekly, flows = files["displacement_summary"].rows, files["flows"].rows
    return {
        "dashboard": dashboard["weekly"]["households_displaced"],
        "staff api": [r["households"] for r in staff_rows if _cell(r)],
        "partner api": [r["households"] for r in partner_rows if _cell(r)],
        "weekly file": [row[3] for row in weekly if row[:2] == [MONDAY.isoformat(), "UA14"]],
        "flows file": [row[5] for row in flows if row[1] == "UA14" and row[3] == "UA12"],
    }


def _cell(row) -> bool:
    return (row["origin_adm1_pcode"], row["destination_adm1_pcode"]) == ("UA14", "UA12")


def test_the_dashboard_the_api_and_the_reports_give_one_figure_and_a_withdrawal_leaves_the_partners(
    ngo, partner_org, staff, partner, eager_tasks, django_capture_on_commit_callbacks
):
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["summaries"], purposes=["statistics"])
    consents = []
    with django_capture_on_commit_callbacks(execute=True):  # the refreshes the writes queue, not a rebuild
        for _ in range(7):
            household = HouseholdFactory(organization=ngo)
            PersonFactory(household=household)
            testimony = TestimonyFactory(organization=ngo, household=household)
            consents.append(consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS))
            displacement_record(  # through its service, which queues its weeks' refresh
                organization=ngo,
                household=household,
                left_on=MONDAY + datetime.timedelta(days=1),
                origin=Place.objects.get(pcode="UA1416021"),
                destination=Place.objects.get(pcode="UA1202001"),
            )
    everyone = {output: [7] for output in ("dashboard", "staff api", "partner api", "weekly file", "flows file")}
    assert _figures(ngo, partner_org, staff, partner) == everyone

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consents[0], by=None)
    partners = {output: [6] for output in ("partner api", "weekly file", "flows file")}
    assert _figures(ngo, partner_org, staff, partner) == everyone | partners


def _cases(ngo, partner_org):
    """February's new cases in UA12, as the dashboard and the partner's case status give them."""
    definition = reports.report_definition_save(
        ReportDefinition(
            organization=ngo, slug="cases", name="cases", kind="case_status", audience=partner_org, recipients="m@x.org"
        )
    )
    rows = kinds.generate(definition).rows
    definition.delete()
    dashboard = dashboard_data(ngo, DashboardFilters(adm1="UA12"))["by_status"]
    return {
        "dashboard": dict(zip(dashboard["labels"], dashboard["values"], strict=True)).get(str(CaseStatus.NEW.label)),
        "partner file": [row[4] for row in rows if row[0] == "2025-02" and row[1:4:2] == ["UA12", "new"]],
    }


def test_the_partners_case_status_reads_the_case_summary_and_a_withdrawal_leaves_it(
    ngo, partner_org, eager_tasks, django_capture_on_commit_callbacks
):
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["summaries"], purposes=["statistics"])
    consents = []
    with django_capture_on_commit_callbacks(execute=True):  # the refreshes the writes queue, not a rebuild
        for _ in range(7):
            household = HouseholdFactory(organization=ngo, current_place=Place.objects.get(pcode="UA1202001"))
            testimony = TestimonyFactory(organization=ngo, household=household)
            consents.append(consent_record(testimony=testimony, purpose=ConsentPurpose.STATISTICS))
            case_open(household=household, opened_on=MONDAY)  # through its service: the case summary's refresh
    assert _cases(ngo, partner_org) == {"dashboard": 7, "partner file": [7]}

    with django_capture_on_commit_callbacks(execute=True):
        consent_withdraw(consent=consents[0], by=None)
    assert _cases(ngo, partner_org) == {"dashboard": 7, "partner file": [6]}
