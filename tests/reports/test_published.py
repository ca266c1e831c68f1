"""Partner aggregate files are chosen from whole published tables, never counted again.

Two partner files that overlapped (the previous month and everything; all displacements and
those of one event type) could be subtracted to isolate a household. Now every number in a
partner's aggregate file is a cell of one table per owner and fixed period (a calendar month,
an ISO week), suppressed whole; the run's period and an oblast only choose which.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.models import Consent, Place, ReportDefinition, SharingAgreement
from displacement.models.vocab import ConsentPurpose
from displacement.reports import kinds
from displacement.services import reports
from displacement.services.summaries import summaries_rebuild
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
    TestimonyFactory,
)

pytestmark = pytest.mark.django_db

JANUARY, FEBRUARY = (
    (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31)),
    (
        datetime.date(2025, 2, 1),
        datetime.date(2025, 2, 28),
    ),
)


def _displaced(ngo, *, left_on, origin="UA1416021", destination="UA1202001", households=1):
    for _ in range(households):
        household = HouseholdFactory(organization=ngo, current_place=Place.objects.get(pcode=destination))
        PersonFactory(household=household)
        testimony = TestimonyFactory(organization=ngo, household=household)
        Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
        DisplacementFactory(
            household=household,
            left_on=left_on,
            origin=Place.objects.get(pcode=origin),
            destination=Place.objects.get(pcode=destination),
        )
        CaseFactory(household=household, opened_on=left_on)


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


@pytest.fixture
def shared(ngo, partner_org):
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=["summaries"], purposes=["statistics"])
    _displaced(ngo, left_on=datetime.date(2025, 1, 13), households=5)  # a Monday: January, from UA14 to UA12
    _displaced(ngo, left_on=datetime.date(2025, 2, 10), destination="UA8000000")  # one household: hidden
    _displaced(ngo, left_on=datetime.date(2025, 2, 11), origin="UA6312027", households=7)
    _displaced(ngo, left_on=datetime.date(2025, 2, 12), origin="UA6312027", destination="UA4606001", households=6)
    summaries_rebuild(organization_id=ngo.pk)  # what the refreshes after these writes would make


def _define(ngo, partner_org, kind, slug, **fields):
    definition = ReportDefinition(
        organization=ngo, slug=slug, name=slug, kind=kind, audience=partner_org, recipients="m@example.org", **fields
    )
    return reports.report_definition_save(definition)


def _numbers(output, keys: int):
    """A file's numbers by the key columns that precede them: {(*key, column): value}."""
    names = [column.name for column in output.columns]
    numbers = {}
    for row in output.rows:
        for name, value in list(zip(names, row, strict=True))[keys:]:
            if not name.endswith("_name"):
                numbers[(*row[:keys], name)] = value
    return numbers


@pytest.mark.parametrize(("kind", "keys"), [("flows", 4), ("case_status", 4), ("displacement_summary", 3)])
def test_every_partner_file_is_a_choice_of_the_cells_of_the_whole_tables(ngo, partner_org, shared, kind, keys):
    definition = _define(ngo, partner_org, kind, "all")
    everything = _numbers(kinds.generate(definition), keys)
    by_oblast = _define(ngo, partner_org, kind, "oblast", filters={"place": "UA63"})
    for span in (None, JANUARY, FEBRUARY, (datetime.date(2025, 1, 1), datetime.date(2025, 2, 28))):
        for chosen in (definition, by_oblast):
            part = _numbers(kinds.generate(chosen, span=span), keys)
            assert part.items() <= everything.items(), (chosen.slug, span)
    assert any(value is None for value in everything.values())  # February's household is hidden


def test_a_partner_flows_file_holds_the_cells_of_the_apis_summaries(ngo, partner_org, shared):
    _, key = OrganizationAPIKey.objects.create_key(name="k", organization=partner_org, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    api = {
        (r["month"], r["origin_adm1_pcode"], r["destination_adm1_pcode"]): r["households"]
        for r in client.get("/api/v1/summaries/").json()
    }
    output = kinds.generate(_define(ngo, partner_org, "flows", "flows"))
    for month, origin, _name, destination, _dname, households, _people in output.rows:
        assert api.get((month, origin, destination), 0) == (households if households is not None else 0) or (
            households is None and api[(month, origin, destination)] is None
        )


def test_a_partial_week_or_month_is_left_out(ngo, partner_org, shared):
    # A Wednesday-to-Tuesday week holds no whole ISO week; 2025-01-13 to 19 is one.
    weekly = _define(ngo, partner_org, "displacement_summary", "weekly", period="week")
    assert kinds.generate(weekly, span=(datetime.date(2025, 1, 8), datetime.date(2025, 1, 14))).rows == []
    rows = kinds.generate(weekly, span=(datetime.date(2025, 1, 13), datetime.date(2025, 1, 19))).rows
    assert [row[:2] for row in rows] == [["2025-01-13", "UA14"]]
    monthly = _define(ngo, partner_org, "flows", "monthly", period="month")
    assert kinds.generate(monthly, span=(datetime.date(2025, 1, 2), datetime.date(2025, 2, 27))).rows == []


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("flows", {"filters": {"event_type": "battles"}}, "filters"),
        ("flows", {"filters": {"occurred_after": "2025-01-02"}}, "filters"),
        ("displacement_summary", {"filters": {"destination": "UA12"}}, "filters"),
        ("case_status", {"filters": {"status": "open"}}, "filters"),
        ("flows", {"filters": {"place": "UA1416"}}, "filters"),
        ("flows", {"period": "week"}, "period"),
        ("case_status", {"period": "day"}, "period"),
        ("displacement_summary", {"period": "day"}, "period"),
    ],
)
def test_a_partner_aggregate_that_would_count_again_is_refused(ngo, partner_org, shared, kind, fields, field):
    with pytest.raises(ValidationError) as refused:
        _define(ngo, partner_org, kind, "refused", **fields)
    assert field in refused.value.message_dict


def test_internal_aggregates_keep_every_filter_and_period(ngo, shared):
    definition = ReportDefinition(
        organization=ngo,
        slug="internal",
        name="internal",
        kind="flows",
        period="week",
        filters={"event_type": "battles"},
    )
    reports.report_definition_save(definition)
