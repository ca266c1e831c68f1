"""Reads of sensitive data are logged, and a coordinator can see who accessed a household."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from displacement.models import AccessLog, Case, CaseNote, Consent, ContactDetails, Tombstone
from tests.factories import HouseholdFactory, TestimonyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(caseworker):
    household = HouseholdFactory(organization=caseworker.organization)
    ContactDetails.objects.create(household=household, full_name="Demo Contact", phone="+380 00")
    case = Case.objects.create(household=household, reference="UA-DNP-2025-00001", assigned_to=caseworker)
    CaseNote.objects.create(case=case, body="Visited the collective centre.")
    return household


def test_opening_identifiers_narratives_and_notes_is_logged(client, caseworker, household):
    testimony = TestimonyFactory(organization=caseworker.organization, household=household, narrative="…")
    client.force_login(caseworker)
    client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    client.get(reverse("admin:displacement_testimony_change", args=[testimony.pk]))
    client.get(reverse("admin:displacement_case_change", args=[household.cases.get().pk]))
    actions = list(AccessLog.objects.filter(user=caseworker).values_list("action", "household_id"))
    assert sorted(actions) == sorted(
        [
            ("view_contact_details", household.pk),
            ("view_narrative", household.pk),
            ("view_case_notes", household.pk),
        ]
    )


def test_each_entry_names_the_record_read_by_its_own_kind_and_id(client, caseworker, household):
    client.force_login(caseworker)
    client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    entry = AccessLog.objects.get(user=caseworker, action="view_contact_details")
    # The contact details' own record, not a household of the same number (another family).
    assert (entry.model, entry.object_ids) == ("displacement.ContactDetails", [household.contact_details.pk])


def test_an_analyst_opening_the_same_pages_reads_nothing_sensitive_and_is_not_logged(client, analyst, household):
    client.force_login(analyst)
    page = client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    assert page.status_code == 200 and b"Demo Contact" not in page.content
    assert not AccessLog.objects.filter(user=analyst).exists()


def test_exports_are_logged_with_the_record_ids(client, coordinator, household):
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:displacement_household_changelist"),
        {"action": "export_csv", "_selected_action": [household.pk]},
    )
    b"".join(response.streaming_content)
    entry = AccessLog.objects.get(action="export")
    assert entry.user == coordinator and entry.object_ids == [household.pk]
    assert entry.model == "displacement.Household"


def test_a_coordinator_sees_who_accessed_a_household_in_the_last_90_days(client, coordinator, caseworker, household):
    client.force_login(caseworker)
    client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    client.force_login(coordinator)
    page = client.get(reverse("admin:displacement_household_change", args=[household.pk]))
    link = reverse("admin:displacement_accesslog_changelist") + f"?household__id__exact={household.pk}"
    assert link.encode() in page.content.replace(b"&amp;", b"&")
    since = (timezone.now() - datetime.timedelta(days=90)).strftime("%Y-%m-%d")
    log = client.get(link + f"&at_from_0={since}")
    assert log.status_code == 200
    users = {entry.user.username for entry in log.context["cl"].queryset}
    assert users == {"caseworker", "coordinator"}


def test_withdrawing_consent_in_the_admin_goes_through_the_service(client, caseworker, household):
    testimony = TestimonyFactory(organization=caseworker.organization, household=household)
    consent = Consent.objects.create(testimony=testimony, purpose="sharing_with_partners")
    client.force_login(caseworker)
    url = reverse("admin:displacement_consent_changelist")
    form = client.post(url, {"action": "withdraw", "_selected_action": [consent.pk]})
    assert form.status_code == 200
    done = client.post(
        url, {"action": "withdraw", "_selected_action": [consent.pk], "apply": "1", "reason": "By phone"}
    )
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at and consent.withdrawn_by == caseworker
    assert Tombstone.objects.filter(record_kind="testimonies", record_id=testimony.pk).exists()


def test_history_rows_carry_user_url_and_request_id(client, coordinator, caseworker, household):
    case = household.cases.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("admin:displacement_case_changelist"),
        {
            "action": "assign_caseworker",
            "_selected_action": [case.pk],
            "apply": "1",
            "caseworker": coordinator.pk,
        },
    )
    assert response.status_code == 302
    row = case.history.filter(pgh_label="update").order_by("pgh_id").last()
    context = row.pgh_context.metadata
    assert context["user"] == coordinator.pk
    assert context["url"] == reverse("admin:displacement_case_changelist")
    assert context["method"] == "POST"
    assert context["request_id"] == response["X-Request-ID"]


def test_the_server_makes_the_request_id_and_keeps_a_clients_apart(client, coordinator, household):
    """A client's X-Request-ID is never the id: it could forge one, or collide with another
    request's. Its value is kept apart, as ``client_request_id``."""
    case = household.cases.get()
    client.force_login(coordinator)
    ids = []
    for _ in range(2):
        response = client.post(
            reverse("admin:displacement_case_changelist"),
            {"action": "assign_caseworker", "_selected_action": [case.pk], "apply": "1", "caseworker": coordinator.pk},
            HTTP_X_REQUEST_ID="forged-id",
        )
        assert response.status_code == 302
        context = case.history.filter(pgh_label="update").order_by("pgh_id").last().pgh_context.metadata
        assert context["request_id"] == response["X-Request-ID"] != "forged-id"
        assert context["client_request_id"] == "forged-id"
        ids.append(context["request_id"])
        Case.objects.filter(pk=case.pk).update(assigned_to=None)
    assert ids[0] != ids[1]
