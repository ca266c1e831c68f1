"""The admin: the coordinators' queue of possible duplicate events."""

import pytest
from django.urls import reverse

from displacement.admin.event_duplicates import why
from displacement.models import DuplicateStatus, Event, EventDuplicateCandidate
from displacement.services.event_duplicates import event_duplicates_find
from tests.conftest import _member
from tests.support.events import acled, strike

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:displacement_eventduplicatecandidate_changelist")


@pytest.fixture
def candidate(ngo):
    strike(ngo, km_north=1, description="A drone hit the school.")
    acled(ngo, "UKR1", description="A drone hit the school in the morning.")
    event_duplicates_find()
    return EventDuplicateCandidate.objects.get()


def test_the_queue_shows_the_pair_and_why(client, coordinator, candidate):
    client.force_login(coordinator)
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "1.0 km apart" in text and "0 day(s) apart" in text and "same sub-type" in text
    assert reverse("admin:displacement_event_change", args=[candidate.other_id]) in text


def test_a_coordinator_answers_not_the_same_and_it_stays_answered(client, coordinator, candidate):
    client.force_login(coordinator)
    client.post(CHANGELIST, {"action": "not_the_same", "_selected_action": [candidate.pk]})
    candidate.refresh_from_db()
    assert candidate.status == DuplicateStatus.DISTINCT
    event_duplicates_find()
    assert EventDuplicateCandidate.objects.get().status == DuplicateStatus.DISTINCT


def test_a_coordinator_merges_with_an_action(client, coordinator, candidate):
    client.force_login(coordinator)
    asked = client.post(CHANGELIST, {"action": "merge", "_selected_action": [candidate.pk]})
    assert "cannot be undone" in asked.content.decode() and Event.objects.count() == 2  # asked first
    client.post(CHANGELIST, {"action": "merge", "_selected_action": [candidate.pk], "apply": "1"})
    assert list(Event.objects.values_list("external_id", flat=True)) == ["UKR1"]


@pytest.mark.parametrize("role", ["caseworker", "analyst"])
def test_the_queue_is_for_coordinators_only(client, request, role, candidate):
    client.force_login(request.getfixturevalue(role))
    assert client.get(CHANGELIST).status_code == 403
    client.post(CHANGELIST, {"action": "merge", "_selected_action": [candidate.pk], "apply": "1"})
    assert Event.objects.count() == 2


def test_another_organisations_coordinator_sees_nothing_of_the_queue(client, other_ngo, candidate):
    client.force_login(_member(other_ngo, "coordinator", "their-coordinator"))
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert not page.context["cl"].result_list.exists()


def test_why_in_words_for_raion_level_pairs():
    text = why({"level": "raion", "days_apart": 2, "types": "compatible", "target": "different"})
    assert text == "same raion; 2 day(s) apart; compatible types; different targets"


def test_the_event_page_shows_the_ids_merged_into_it(client, coordinator, candidate):
    client.force_login(coordinator)
    client.post(CHANGELIST, {"action": "merge", "_selected_action": [candidate.pk], "apply": "1"})
    survivor = Event.objects.get()
    merged = "partner-9"
    survivor.aliases.create(organization=survivor.organization, external_id=merged)
    page = client.get(reverse("admin:displacement_event_change", args=[survivor.pk]))
    assert merged in page.content.decode()
