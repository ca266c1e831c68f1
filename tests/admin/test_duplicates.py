"""The admin: suggestions while registering a household, and the coordinators' queue."""

import pytest
from django.urls import reverse

from displacement.models import AccessAction, AccessLog, DuplicateStatus, HouseholdDuplicateCandidate
from displacement.models.vocab import Role
from displacement.services.household_duplicates import household_duplicates_find
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.support.duplicates import register

pytestmark = pytest.mark.django_db

URL = reverse("admin:displacement_household_duplicates")


def _ask(client, user, **typed):
    client.force_login(user)
    return client.post(URL, {"full_name": "Olena Shevchenko", "date_of_birth": "1980-03-03", **typed})


def test_the_household_form_loads_the_suggestions_script(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_household_add"))
    assert b"displacement/js/household_duplicates.js" in page.content
    assert b"<script>" not in page.content  # the CSP forbids inline script


def test_a_coordinator_sees_names_and_the_reading_is_logged(client, coordinator, ngo):
    olena = register(ngo, "Олена Шевченко", born=1980)
    [suggestion] = _ask(client, coordinator).json()["suggestions"]
    assert suggestion["full_name"] == "Олена Шевченко"
    assert suggestion["url"] == reverse("admin:displacement_household_change", args=[olena.pk])
    entry = AccessLog.objects.get(action=AccessAction.VIEW_CONTACT_DETAILS)
    assert entry.object_ids == [olena.contact_details.pk]


def test_a_caseworker_without_the_case_is_told_whom_to_ask(client, caseworker, coordinator, ngo):
    olena = register(ngo, "Олена Шевченко", born=1980)
    CaseFactory(household=olena, assigned_to=coordinator)
    response = _ask(client, caseworker)
    [suggestion] = response.json()["suggestions"]
    assert set(suggestion) == {"score", "ask"}
    assert "Шевченко" not in response.content.decode() and olena.code not in response.content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.VIEW_CONTACT_DETAILS).exists()
    assert "ask its caseworker, coordinator," in suggestion["ask"]


def test_without_a_caseworker_the_organisations_coordinators_are_named(client, caseworker, ngo, other_ngo):
    lead = UserFactory(username="mkoval", first_name="Maryna", last_name="Koval")
    MembershipFactory(user=lead, organization=ngo, role=Role.COORDINATOR)
    gone = UserFactory(username="left", first_name="Ivan", last_name="Left", is_active=False)
    MembershipFactory(user=gone, organization=ngo, role=Role.COORDINATOR)
    theirs = UserFactory(username="theirs", first_name="Taras", last_name="Other")
    MembershipFactory(user=theirs, organization=other_ngo, role=Role.COORDINATOR)
    register(ngo, "Олена Шевченко", born=1980)
    [suggestion] = _ask(client, caseworker).json()["suggestions"]
    assert set(suggestion) == {"score", "ask"}
    assert "Maryna Koval" in suggestion["ask"]
    assert "Ivan" not in suggestion["ask"] and "Taras" not in suggestion["ask"]


def test_an_analyst_may_not_ask(client, analyst, ngo):
    register(ngo, "Олена Шевченко", born=1980)
    assert _ask(client, analyst).status_code == 403


def test_names_never_travel_in_a_url(client, coordinator):
    client.force_login(coordinator)
    assert client.get(URL, {"full_name": "Olena Shevchenko"}).status_code == 405


def test_bad_input_gives_no_suggestions_and_no_error(client, coordinator, ngo):
    register(ngo, "Олена Шевченко", born=1980)
    response = _ask(client, coordinator, date_of_birth="not a date", origin="x", household="-1")
    assert response.status_code == 200
    assert _ask(client, coordinator, full_name="O").json()["suggestions"] == []


def test_a_coordinator_answers_the_queue_with_an_action(client, coordinator, ngo):
    register(ngo, "Олена Шевченко", born=1980)
    register(ngo, "Olena Shevchenko", born=1980)
    household_duplicates_find()
    candidate = HouseholdDuplicateCandidate.objects.get()
    client.force_login(coordinator)
    changelist = reverse("admin:displacement_householdduplicatecandidate_changelist")
    assert client.get(changelist).status_code == 200
    client.post(changelist, {"action": "not_the_same", "_selected_action": [candidate.pk]})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISTINCT


def test_the_queue_is_for_coordinators_only(client, caseworker):
    client.force_login(caseworker)
    changelist = reverse("admin:displacement_householdduplicatecandidate_changelist")
    assert client.get(changelist).status_code == 403
