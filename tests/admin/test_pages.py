"""Every admin screen opens, and every member sees only their organisation's records."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from displacement.models import (
    Case,
    Event,
    Household,
)
from displacement.selectors.access import Viewer
from tests.factories import (
    CaseFactory,
    DisplacementFactory,
    EventFactory,
    HouseholdFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_screen_opens_for_those_who_may_open_it(client, coordinator, superuser):
    """Changelist and add page of every model, for a coordinator or, for operations, an operator."""
    for model in REGISTERED:
        user = coordinator if Viewer.of(coordinator).may_open(model) else superuser
        client.force_login(user)
        assert client.get(_url(model, "changelist")).status_code == 200, model
        if admin.site._registry[model].has_add_permission(_request_of(user)):
            assert client.get(_url(model, "add")).status_code == 200, model


def _request_of(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_user_without_membership_sees_no_casework(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="stranger"))
    assert client.get(_url(Event, "changelist")).status_code == 403


def test_operations_screens_are_for_superusers_only(client, coordinator):
    from displacement.models import Organization

    client.force_login(coordinator)
    assert client.get(_url(Organization, "changelist")).status_code == 403


def test_a_foreign_household_is_refused_as_a_field_error(client, caseworker, other_ngo):
    foreign = HouseholdFactory(organization=other_ngo)
    client.force_login(caseworker)
    response = client.post(
        _url(Case, "add"),
        {
            "household": foreign.pk,
            "status": "new",
            "priority": "medium",
            "opened_on": "2025-05-03",
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "household" in response.context["adminform"].form.errors
    assert not Case.objects.exists()


def test_a_case_added_in_the_admin_gets_a_reference(client, caseworker):
    household = HouseholdFactory(organization=caseworker.organization, registered_by=caseworker)
    client.force_login(caseworker)
    response = client.post(
        _url(Case, "add"),
        {
            "household": household.pk,
            "status": "new",
            "priority": "high",
            "opened_on": "2025-05-03",
            "needs": ["shelter", "cash"],
            "notes-TOTAL_FORMS": 1,
            "notes-INITIAL_FORMS": 0,
            "notes-0-body": "First visit at the collective centre.",
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    case = Case.objects.get()
    assert case.reference == "UA-DNP-2025-00001"
    assert case.organization == caseworker.organization
    assert case.notes.get().author == caseworker


def test_an_invalid_event_shows_field_errors_and_stores_nothing(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        _url(Event, "add"),
        {
            "title": "Shelling of apartment blocks",
            "category": "violence",
            "event_type": "battles",
            "sub_event_type": "air_drone_strike",
            "start": "2025-05-02",
            "end": "2025-05-01",
            "date_precision": "day",
            "place": Household.objects.none() or _pcode("UA1416021"),
            "geo_precision": 2,
            "verification_status": "reported",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "sub_event_type" in errors and "end" in errors
    assert "is not a sub-type of" in str(errors["sub_event_type"])
    assert not Event.objects.exists()


def _pcode(pcode):
    from displacement.models import Place

    return Place.objects.get(pcode=pcode).pk


def test_verification_action_records_who_decided(client, coordinator):
    events = EventFactory.create_batch(2, organization=coordinator.organization)
    client.force_login(coordinator)
    response = client.post(
        _url(Event, "changelist"),
        {"action": "mark_verified", "_selected_action": [e.pk for e in events]},
    )
    assert response.status_code == 302
    for event in events:
        event.refresh_from_db()
        assert event.verification_status == "verified" and event.verified_by == coordinator


def test_assign_caseworker_action(client, coordinator, caseworker):
    cases = [CaseFactory(household=HouseholdFactory(organization=coordinator.organization)) for _ in range(2)]
    client.force_login(coordinator)
    url = _url(Case, "changelist")
    selected = [c.pk for c in cases]
    form = client.post(url, {"action": "assign_caseworker", "_selected_action": selected})
    assert form.status_code == 200 and b"caseworker" in form.content
    done = client.post(
        url,
        {
            "action": "assign_caseworker",
            "_selected_action": selected,
            "apply": "1",
            "caseworker": caseworker.pk,
        },
    )
    assert done.status_code == 302
    assert set(Case.objects.values_list("assigned_to", flat=True)) == {caseworker.pk}


def test_export_selected_to_csv_is_safe_for_spreadsheets(client, coordinator):
    EventFactory(organization=coordinator.organization, title='=HYPERLINK("http://x")')
    client.force_login(coordinator)
    response = client.post(
        _url(Event, "changelist"),
        {"action": "export_csv", "_selected_action": list(Event.objects.values_list("pk", flat=True))},
    )
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    assert "'=HYPERLINK" in body


def test_history_page_shows_who_changed_what(client, coordinator):
    event = EventFactory(organization=coordinator.organization)
    client.force_login(coordinator)
    client.post(_url(Event, "changelist"), {"action": "mark_disputed", "_selected_action": [event.pk]})
    page = client.get(_url(Event, "history", event.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "coordinator" in text and "Disputed".lower() in text.lower()


def test_household_page_shows_members_and_trajectory(client, caseworker):
    household = HouseholdFactory(organization=caseworker.organization)
    PersonFactory(household=household)
    DisplacementFactory(household=household, left_on=datetime.date(2025, 5, 1))
    DisplacementFactory(household=household, left_on=datetime.date(2024, 3, 1))
    client.force_login(caseworker)
    page = client.get(_url(Household, "change", household.pk))
    assert page.status_code == 200
    formset = next(f for f in page.context["inline_admin_formsets"] if f.opts.model.__name__ == "Displacement")
    dates = [form.form.instance.left_on for form in formset if form.original]
    assert len(dates) == 2 and dates == sorted(dates)
