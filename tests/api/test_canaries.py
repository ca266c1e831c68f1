"""Canary values in identifiers and unconsented narratives never reach a partner, JSON or CSV."""

import pytest

from displacement.models import Case, CaseNote, Consent, ContactDetails
from displacement.models.vocab import ConsentPurpose, Sensitivity
from tests.factories import HouseholdFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
CANARIES = ["CANARY-API-NAME", "+380 CANARY 55", "CANARY-API-NARRATIVE", "CANARY-API-NOTE", "CANARY-API-ADDR"]
ENDPOINTS = ["events", "testimonies", "households", "displacements", "cases", "summaries", "sources", "places"]


@pytest.fixture
def planted(world, ngo):
    household = HouseholdFactory(organization=ngo)
    ContactDetails.objects.create(household=household, full_name=CANARIES[0], phone=CANARIES[1], address=CANARIES[4])
    case = Case.objects.create(household=household, reference="C-1")
    CaseNote.objects.create(case=case, body=CANARIES[3])
    shared_but_internal = TestimonyFactory(
        organization=ngo, household=household, narrative=CANARIES[2], sensitivity=Sensitivity.INTERNAL
    )
    Consent.objects.create(testimony=shared_but_internal, purpose=ConsentPurpose.SHARING)
    public_without_consent = TestimonyFactory(organization=ngo, narrative=CANARIES[2], sensitivity=Sensitivity.PUBLIC)
    Consent.objects.create(testimony=public_without_consent, purpose=ConsentPurpose.STATISTICS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_no_canary_reaches_a_partner(partner, planted, endpoint, fmt):
    response = partner.get(f"/api/v1/{endpoint}/?format={fmt}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    for canary in CANARIES:
        assert canary not in text, (endpoint, fmt, canary)


def test_staff_api_never_carries_contact_details_or_notes(staff, planted):
    for endpoint in ENDPOINTS:
        text = staff.get(f"/api/v1/{endpoint}/?page_size=200").content.decode()
        for canary in (CANARIES[0], CANARIES[1], CANARIES[3], CANARIES[4]):
            assert canary not in text, (endpoint, canary)
