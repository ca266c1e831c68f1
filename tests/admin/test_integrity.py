"""Attacks found in review, kept as tests: no role can widen its own access or bypass consent."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from displacement import models as m
from displacement.models.vocab import ConsentPurpose, Sensitivity
from displacement.selectors.sharing import shared_testimonies
from displacement.services.attachments import attachment_upload
from displacement.services.testimonies import testimony_delete
from tests.factories import EventFactory, HouseholdFactory, OrganizationFactory, TestimonyFactory

pytestmark = pytest.mark.django_db
NARRATIVE = "We hid in the basement of the school with the neighbours"


def _url(model, view, *args):
    return reverse(f"admin:displacement_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def world(ngo, caseworker, coordinator):
    mine = HouseholdFactory(organization=ngo)
    m.Case.objects.create(household=mine, reference="TEST-00001", assigned_to=caseworker)
    theirs = HouseholdFactory(organization=ngo)
    m.ContactDetails.objects.create(household=theirs, full_name="Demo Contact", phone="+380 00")
    case = m.Case.objects.create(household=theirs, reference="TEST-00002", assigned_to=coordinator)
    testimony = TestimonyFactory(organization=ngo, household=theirs, narrative=NARRATIVE, interviewer=coordinator)
    return {"mine": mine, "theirs": theirs, "case": case, "testimony": testimony}


@pytest.mark.parametrize("lookup", ["narrative__icontains", "narrative__regex", "summary__icontains"])
def test_narratives_cannot_be_searched_through_url_filters(client, analyst, world, lookup):
    client.force_login(analyst)
    response = client.get(_url(m.Testimony, "changelist"), {lookup: "basement"})
    # Refused, never a filtered list: no filter of this list offers these lookups (summaries are
    # searched with the search box instead).
    assert response.status_code == 400
    assert b"basement" not in response.content


def test_a_caseworker_cannot_name_themselves_interviewer_or_move_a_testimony(client, caseworker, world):
    testimony = world["testimony"]
    client.force_login(caseworker)
    page = client.get(_url(m.Testimony, "change", testimony.pk))
    form = page.context["adminform"].form
    assert "interviewer" not in form.fields and "household" not in form.fields
    assert NARRATIVE.encode() not in page.content
    client.post(
        _url(m.Testimony, "change", testimony.pk),
        {
            "interviewer": caseworker.pk,
            "household": world["mine"].pk,
            "recorded_on": "2025-05-02",
            "language": "uk",
            "witness_role": "displaced_civilian",
            "summary": "s",
            "sensitivity": "internal",
            "event_links-TOTAL_FORMS": 0,
            "event_links-INITIAL_FORMS": 0,
            "consents-TOTAL_FORMS": 0,
            "consents-INITIAL_FORMS": 0,
        },
    )
    testimony.refresh_from_db()
    assert testimony.interviewer_id != caseworker.pk and testimony.household == world["theirs"]


def test_a_caseworker_cannot_assign_a_case_to_themselves(client, caseworker, world):
    case = world["case"]
    client.force_login(caseworker)
    page = client.get(_url(m.Case, "change", case.pk))
    assert "assigned_to" not in page.context["adminform"].form.fields
    client.post(
        _url(m.Case, "changelist"),
        {
            "action": "assign_caseworker",
            "_selected_action": [case.pk],
            "apply": "1",
            "caseworker": caseworker.pk,
        },
    )
    case.refresh_from_db()
    assert case.assigned_to_id != caseworker.pk
    household = client.get(_url(m.Household, "change", world["theirs"].pk))
    assert b"Demo Contact" not in household.content


def test_a_closed_side_case_grants_nothing(client, caseworker, world):
    client.force_login(caseworker)
    client.post(
        _url(m.Case, "add"),
        {
            "household": world["theirs"].pk,
            "status": "closed",
            "priority": "low",
            "opened_on": "2025-01-01",
            "assigned_to": caseworker.pk,
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert not m.Case.objects.filter(household=world["theirs"], assigned_to=caseworker).exists()


def test_a_case_opened_in_the_future_is_a_field_error_not_a_crash(client, caseworker):
    household = HouseholdFactory(organization=caseworker.organization)
    client.force_login(caseworker)
    response = client.post(
        _url(m.Case, "add"),
        {
            "household": household.pk,
            "priority": "low",
            "opened_on": "2030-01-01",
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "opened_on" in response.context["adminform"].form.errors


def test_a_caseworker_opening_the_first_case_of_a_household_they_registered_takes_it_on(client, caseworker):
    household = HouseholdFactory(organization=caseworker.organization, registered_by=caseworker)
    client.force_login(caseworker)
    client.post(
        _url(m.Case, "add"),
        {
            "household": household.pk,
            "priority": "low",
            "opened_on": "2025-05-03",
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert m.Case.objects.get(household=household).assigned_to == caseworker


def test_a_caseworker_opening_a_case_of_a_household_they_did_not_register_does_not_take_it_on(
    client, caseworker, coordinator
):
    household = HouseholdFactory(organization=caseworker.organization, registered_by=coordinator)
    m.ContactDetails.objects.create(household=household, full_name="Demo Contact", phone="+380 00")
    client.force_login(caseworker)
    response = client.post(
        _url(m.Case, "add"),
        {
            "household": household.pk,
            "priority": "low",
            "opened_on": "2025-05-03",
            "notes-TOTAL_FORMS": 0,
            "notes-INITIAL_FORMS": 0,
            "referrals-TOTAL_FORMS": 0,
            "referrals-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302
    assert m.Case.objects.get(household=household).assigned_to is None
    assert b"Demo Contact" not in client.get(_url(m.Household, "change", household.pk)).content


def test_a_caseworker_who_cannot_read_a_narrative_cannot_publish_it(client, caseworker, world):
    testimony = world["testimony"]
    testimony.sensitivity = Sensitivity.RESTRICTED
    testimony.save()
    client.force_login(caseworker)
    page = client.get(_url(m.Testimony, "change", testimony.pk))
    assert "sensitivity" not in page.context["adminform"].form.fields
    client.post(
        _url(m.Testimony, "change", testimony.pk),
        {
            "recorded_on": "2025-05-02",
            "language": "uk",
            "witness_role": "displaced_civilian",
            "summary": "s",
            "sensitivity": "public",
            "event_links-TOTAL_FORMS": 0,
            "event_links-INITIAL_FORMS": 0,
            "consents-TOTAL_FORMS": 0,
            "consents-INITIAL_FORMS": 0,
        },
    )
    testimony.refresh_from_db()
    assert testimony.sensitivity == Sensitivity.RESTRICTED


def test_a_consent_cannot_be_deleted_moved_or_repurposed(client, caseworker, world):
    other = TestimonyFactory(organization=world["testimony"].organization)
    consent = m.Consent.objects.create(testimony=world["testimony"], purpose=ConsentPurpose.SHARING)
    client.force_login(caseworker)
    assert client.post(_url(m.Consent, "delete", consent.pk), {"post": "yes"}).status_code == 403
    client.post(
        _url(m.Consent, "change", consent.pk),
        {"testimony": other.pk, "purpose": "statistics", "method": "written", "given_on": "2025-01-01"},
    )
    consent.refresh_from_db()
    assert (consent.testimony_id, consent.purpose) == (world["testimony"].pk, ConsentPurpose.SHARING)


def test_analysts_cannot_run_write_actions(client, analyst, world):
    consent = m.Consent.objects.create(testimony=world["testimony"], purpose=ConsentPurpose.SHARING)
    event = EventFactory(organization=world["testimony"].organization)
    client.force_login(analyst)
    client.post(_url(m.Consent, "changelist"), {"action": "withdraw", "_selected_action": [consent.pk], "apply": "1"})
    client.post(_url(m.Event, "changelist"), {"action": "mark_verified", "_selected_action": [event.pk]})
    client.post(
        _url(m.Case, "changelist"),
        {
            "action": "assign_caseworker",
            "_selected_action": [world["case"].pk],
            "apply": "1",
            "caseworker": analyst.pk,
        },
    )
    consent.refresh_from_db()
    event.refresh_from_db()
    assert consent.withdrawn_at is None and event.verification_status == "reported"


def test_deleting_a_testimony_tombstones_what_it_alone_shared(world):
    testimony = world["testimony"]
    m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    household_id, testimony_id = testimony.household_id, testimony.pk
    testimony_delete(testimony=testimony)
    kinds = set(m.Tombstone.objects.values_list("record_kind", "record_id"))
    assert ("testimonies", testimony_id) in kinds
    assert ("households", household_id) in kinds and ("cases", world["case"].pk) in kinds


def test_restricted_testimonies_are_never_shared(ngo, world):
    partner = OrganizationFactory(slug="esa", code="UA-ESA")
    m.SharingAgreement.objects.create(owner=ngo, partner=partner, record_kinds=["testimonies"], purposes=["statistics"])
    testimony = world["testimony"]
    m.Consent.objects.create(testimony=testimony, purpose=ConsentPurpose.SHARING)
    assert list(shared_testimonies(partner=partner)) == [testimony]
    testimony.sensitivity = Sensitivity.RESTRICTED
    testimony.save()
    assert not shared_testimonies(partner=partner).exists()


def test_the_access_log_lists_only_own_users(client, coordinator, other_caseworker, world):
    m.AccessLog.objects.create(organization=other_caseworker.organization, user=other_caseworker, action="export")
    client.force_login(coordinator)
    page = client.get(_url(m.AccessLog, "changelist"))
    assert b"other-caseworker" not in page.content


def test_reading_history_with_narratives_is_logged(client, coordinator, world):
    client.force_login(coordinator)
    client.get(_url(m.Testimony, "history", world["testimony"].pk))
    assert m.AccessLog.objects.filter(action="view_narrative", user=coordinator).exists()


def test_attachments_are_downloaded_through_the_gate(client, caseworker, other_caseworker, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    attachment = attachment_upload(organization=caseworker.organization, file=ContentFile(b"photo", name="p.jpg"))
    url = reverse("admin:displacement_attachment_download", args=[attachment.pk])
    client.force_login(other_caseworker)
    assert client.get(url).status_code == 404
    client.force_login(caseworker)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"photo"
    assert m.AccessLog.objects.filter(user=caseworker, model="displacement.Attachment").exists()
