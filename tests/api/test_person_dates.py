"""Dates about people reach a partner at the precision of the owner's agreement (an ISO week by
default), in pages, records and CSV alike, and its date filters compare whole periods; event
dates, staff and the partner's own records keep the day."""

import datetime

import pytest

from displacement.models import Case, Displacement, SharingAgreement, Testimony
from tests.api.conftest import shared_testimony
from tests.factories import CaseFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
#: A Wednesday: ISO week 24 of 2025; the Sunday of that week.
WEDNESDAY, SUNDAY = datetime.date(2025, 6, 11), datetime.date(2025, 6, 15)


@pytest.fixture
def dated(ngo, world):
    """The NGO's shared testimony, its household's displacement and a case, on known days."""
    testimony = Testimony.objects.get(organization=ngo)
    Testimony.objects.filter(pk=testimony.pk).update(recorded_on=WEDNESDAY)
    Displacement.objects.filter(household=testimony.household).update(left_on=WEDNESDAY, arrived_on=SUNDAY)
    CaseFactory(household=testimony.household, opened_on=WEDNESDAY)
    Case.objects.filter(household=testimony.household).update(opened_on=WEDNESDAY)
    return testimony


def _dates(client, resource, fields) -> list[tuple]:
    rows = client.get(f"/api/v1/{resource}/").json()["results"]
    return [tuple(row[field] for field in fields) for row in rows]


EXPECTED = {
    "day": ("2025-06-11", "2025-06-15"),
    "week": ("2025-W24", "2025-W24"),
    "month": ("2025-06", "2025-06"),
}


@pytest.mark.parametrize("precision", ["week", "month", "day"])
def test_a_partner_reads_dates_about_people_at_its_agreements_precision(partner, staff, ngo, dated, precision):
    if precision != "week":  # the default
        SharingAgreement.objects.filter(owner=ngo).update(date_precision=precision)
    on, until = EXPECTED[precision]
    assert _dates(partner, "testimonies", ["recorded_on"]) == [(on,)]
    assert _dates(partner, "displacements", ["left_on", "arrived_on"]) == [(on, until)]
    assert _dates(partner, "cases", ["opened_on", "closed_on"]) == [(on, None)]
    csv_text = b"".join(partner.get("/api/v1/testimonies/?format=csv").streaming_content).decode("utf-8-sig")
    assert f",{on}," in csv_text and (precision == "day" or "2025-06-11" not in csv_text)
    # Staff read the day; event dates are facts, given as recorded.
    assert _dates(staff, "testimonies", ["recorded_on"]) == [("2025-06-11",)]
    events = partner.get("/api/v1/events/").json()["results"]
    assert all(len(row["start"]) == 10 for row in events)


def test_several_agreements_give_the_coarsest_and_a_partners_own_records_the_day(partner, partner_org, ngo, dated):
    SharingAgreement.objects.create(
        owner=ngo, partner=partner_org, record_kinds=["testimonies"], purposes=["statistics"], date_precision="month"
    )
    TestimonyFactory(organization=partner_org, recorded_on=SUNDAY)
    assert sorted(_dates(partner, "testimonies", ["recorded_on"])) == [("2025-06",), ("2025-06-15",)]
    own = partner.get("/api/v1/testimonies/").json()["results"]
    one = next(row for row in own if row["recorded_on"] == "2025-06-15")
    assert partner.get(f"/api/v1/testimonies/{one['id']}/").json()["recorded_on"] == "2025-06-15"


@pytest.mark.parametrize(
    ("resource", "after", "before"),
    [
        ("testimonies", "recorded_after", "recorded_before"),
        ("displacements", "occurred_after", "occurred_before"),
        ("cases", "recorded_after", "recorded_before"),
    ],
)
def test_a_partners_date_filters_compare_whole_weeks(partner, staff, dated, resource, after, before):
    """Filtering on or after the Thursday, or on or before the Tuesday, of a record made on a
    Wednesday still finds it: two filters a day apart cannot be subtracted to find the day."""
    thursday, tuesday = "2025-06-12", "2025-06-10"
    for params in ({after: thursday}, {before: tuesday}, {after: thursday, before: thursday}):
        assert len(partner.get(f"/api/v1/{resource}/", params).json()["results"]) == 1, params
    for params in ({after: "2025-06-16"}, {before: "2025-06-08"}):  # the weeks after and before
        assert partner.get(f"/api/v1/{resource}/", params).json()["results"] == [], params
    assert staff.get(f"/api/v1/{resource}/", {after: thursday}).json()["results"] == []  # staff: by the day


def test_a_partners_filters_compare_whole_months_under_a_month_agreement(partner, ngo, dated):
    SharingAgreement.objects.filter(owner=ngo).update(date_precision="month")
    assert len(partner.get("/api/v1/testimonies/", {"recorded_after": "2025-06-30"}).json()["results"]) == 1
    assert partner.get("/api/v1/testimonies/", {"recorded_after": "2025-07-01"}).json()["results"] == []


def test_a_partners_daily_report_covers_the_whole_week(ngo, partner_org, world, settings, tmp_path):
    from displacement.models import ReportDefinition, ReportRun
    from displacement.services.reports import report_definition_save
    from displacement.tasks.reports import report_run_task

    settings.MEDIA_ROOT, settings.REPORTS_WORK_DIR = tmp_path / "media", tmp_path / "partial"
    monday = shared_testimony(ngo)
    Testimony.objects.filter(pk=monday.pk).update(recorded_on=datetime.date(2025, 6, 9))
    definition = report_definition_save(
        ReportDefinition(
            organization=ngo, slug="daily", name="d", kind="testimonies", audience=partner_org, period="day"
        )
    )
    slot = datetime.datetime(2025, 6, 11, 4, 0, tzinfo=datetime.UTC)  # Wednesday: the period is Tuesday
    report_run_task.apply(args=(definition.pk,), kwargs={"slot": slot.isoformat()})
    run = ReportRun.objects.get(definition=definition)
    assert run.manifest["period"] == ["2025-06-09", "2025-06-15"] and run.rows == 1
    assert "2025-W24" in run.file.open("rb").read().decode("utf-8-sig")


@pytest.mark.parametrize(
    ("resource", "filters"),
    [
        ("testimonies", "recorded_after=2025-06-11"),
        ("displacements", "occurred_before=2025-06-11"),
        ("cases", "recorded_after=2025-06-11&recorded_before=2025-06-30"),
    ],
)
def test_a_partners_date_filter_costs_no_query_of_its_own(partner, dated, resource, filters):
    """The agreements' precisions come with the API key's own statement."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner.get(f"/api/v1/{resource}/")  # the key's last use, recorded once a minute
    with CaptureQueriesContext(connection) as plain:
        assert partner.get(f"/api/v1/{resource}/").status_code == 200
    with CaptureQueriesContext(connection) as filtered:
        answer = partner.get(f"/api/v1/{resource}/?{filters}")
    assert answer.status_code == 200 and len(answer.json()["results"]) == 1
    assert len(filtered.captured_queries) == len(plain.captured_queries), filtered.captured_queries


def test_an_agreements_precision_counts_at_the_next_request(ngo, partner_org, partner, dated):
    assert _dates(partner, "testimonies", ["recorded_on"]) == [("2025-W24",)]
    SharingAgreement.objects.filter(owner=ngo, partner=partner_org).update(date_precision="month")
    assert _dates(partner, "testimonies", ["recorded_on"]) == [("2025-06",)]
    # A week-precision filter would start on Monday 9 June; a month's starts on 1 June.
    assert len(partner.get("/api/v1/testimonies/?recorded_after=2025-06-30").json()["results"]) == 1
