"""A partner organisation with keys and an agreement, and a world of shared records."""

import pytest
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.models import Consent, SharingAgreement
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.services.summaries import summaries_rebuild
from tests.factories import (
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    TestimonyFactory,
)

ALL_KINDS = ["events", "testimonies", "households", "displacements", "cases", "summaries"]


@pytest.fixture
def partner_org(db):
    return OrganizationFactory(name="Eastern Shelter Alliance", slug="esa", code="UA-ESA")


def _key(organization, scopes):
    api_key, key = OrganizationAPIKey.objects.create_key(name="sync", organization=organization, scopes=scopes)
    return api_key, key


@pytest.fixture
def partner_key(partner_org):
    return _key(partner_org, ["read", "write"])


@pytest.fixture
def partner(partner_key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {partner_key[1]}")
    return client


@pytest.fixture
def staff(coordinator):
    client = APIClient()
    client.force_login(coordinator)
    return client


def shared_testimony(organization, **fields):
    household = HouseholdFactory(organization=organization)
    PersonFactory(household=household, age_band="5-11")
    testimony = TestimonyFactory(organization=organization, household=household, **fields)
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.STATISTICS)
    DisplacementFactory(household=household)
    return testimony


@pytest.fixture
def world(ngo, other_ngo, partner_org):
    """The NGO shares everything with the partner; another NGO shares nothing."""
    SharingAgreement.objects.create(owner=ngo, partner=partner_org, record_kinds=ALL_KINDS, purposes=["statistics"])
    for organization in (ngo, other_ngo):
        EventFactory(organization=organization)
        SourceFactory(organization=organization)
        shared_testimony(organization, sensitivity=Sensitivity.PUBLIC, narrative="Shared narrative.")
        summaries_rebuild(organization_id=organization.pk)  # what the refreshes after these writes would make
    return {"ngo": ngo, "other": other_ngo}
