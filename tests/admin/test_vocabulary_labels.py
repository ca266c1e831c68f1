"""Arrays of vocabulary words shown read-only show their labels in the user's language, never
the stored slugs: a member's vulnerabilities, a case's needs, what an agreement shares, a key's
scopes; those who may change them still tick checkboxes."""

import csv
import io

import pytest
from django.urls import reverse

from api.models import OrganizationAPIKey
from displacement.models import Organization, SharingAgreement
from displacement.services.households import member_update
from tests.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

VULNERABILITIES = ["single_caregiver", "trauma"]


@pytest.fixture
def household(ngo):
    household = HouseholdFactory(organization=ngo)
    PersonFactory(household=household, vulnerabilities=VULNERABILITIES)
    return household


@pytest.fixture
def case(household):
    return CaseFactory(household=household, needs=["shelter", "legal"])


def _page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_an_analyst_reads_a_members_vulnerabilities_by_their_labels(client, analyst, household):
    client.force_login(analyst)
    page = _page(client, reverse("admin:displacement_household_change", args=[household.pk]))
    assert "Single caregiver, Signs of trauma" in page
    assert "single_caregiver" not in page
    member = household.members.get()
    page = _page(client, reverse("admin:displacement_person_change", args=[member.pk]))
    assert "Single caregiver, Signs of trauma" in page and "single_caregiver" not in page


def test_the_labels_are_in_the_users_language(client, analyst, household):
    client.force_login(analyst)
    url = reverse("admin:displacement_household_change", args=[household.pk])
    page = _page(client, url, HTTP_ACCEPT_LANGUAGE="uk")
    assert "Одинокий опікун, Ознаки травми" in page


def test_an_analyst_reads_a_cases_needs_by_their_labels(client, analyst, case):
    client.force_login(analyst)
    page = _page(client, reverse("admin:displacement_case_change", args=[case.pk]))
    assert "Shelter, Legal aid" in page and 'value="legal"' not in page


def test_those_who_may_change_them_still_tick_checkboxes(client, coordinator, case):
    client.force_login(coordinator)
    page = _page(client, reverse("admin:displacement_household_change", args=[case.household_id]))
    assert 'value="single_caregiver"' in page and "Single caregiver, Signs of trauma" not in page
    page = _page(client, reverse("admin:displacement_case_change", args=[case.pk]))
    assert 'name="needs" value="legal"' in page and "Shelter, Legal aid" not in page


def test_the_case_export_names_needs_by_their_labels(client, coordinator, case):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:displacement_case_changelist"), {"action": "export_csv", "_selected_action": [case.pk]}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["needs"] == "Shelter; Legal aid"


def test_agreements_and_api_keys_list_their_words_by_labels(client, coordinator, ngo, superuser):
    partner = Organization.objects.create(name="Partner", slug="partner", code="UA-PRT")
    SharingAgreement.objects.create(owner=ngo, partner=partner, record_kinds=["events"], purposes=["statistics"])
    key, _secret = OrganizationAPIKey.objects.create_key(name="Sync", organization=ngo, scopes=["read", "write"])
    client.force_login(coordinator)
    agreements = _page(client, reverse("admin:displacement_sharingagreement_changelist"))
    assert "Statistics and analysis" in agreements and "statistics<" not in agreements
    keys = _page(client, reverse("admin:api_organizationapikey_changelist"))
    assert "Read, Write" in keys and "read, write" not in keys
    detail = _page(client, reverse("admin:api_organizationapikey_change", args=[key.pk]))
    assert "Read, Write" in detail and "read, write" not in detail


def test_the_history_names_changed_vulnerabilities_by_their_labels(client, coordinator, household):
    member = household.members.get()
    member_update(member=member, by=coordinator, vulnerabilities=["disability"])
    client.force_login(coordinator)
    page = _page(client, reverse("admin:displacement_person_history", args=[member.pk]))
    assert "Single caregiver, Signs of trauma" in page and "Disability" in page
    assert "single_caregiver" not in page
