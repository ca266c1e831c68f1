"""The API after a merge: a writer's merged id reaches the survivor, partners learn where an event
or a household went."""

import pytest

from displacement.models import Event, Household
from displacement.models.vocab import Sensitivity
from displacement.selectors import pseudonyms
from displacement.services.event_merge import event_merge
from displacement.services.events import event_delete
from displacement.services.household_merge import household_merge
from tests.factories import EventFactory

from .conftest import shared_testimony
from .test_upserts import EVENT, URL, _put

pytestmark = pytest.mark.django_db
SINCE = "2000-01-01T00:00:00Z"


def test_a_put_under_a_merged_id_updates_the_survivor(partner, partner_org, world):
    assert _put(partner, "UKR100", EVENT).status_code == 201
    assert _put(partner, "UKR200", {**EVENT, "killed": 1}).status_code == 201
    survivor = Event.objects.get(organization=partner_org, external_id="UKR100")
    event_merge(survivor=survivor, merged=Event.objects.get(organization=partner_org, external_id="UKR200"))

    response = _put(partner, "UKR200", {**EVENT, "killed": 5})
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == pseudonyms.encode("event", survivor.pk, partner_org.pk)
    assert Event.objects.get(pk=survivor.pk).killed == 5
    assert Event.objects.filter(organization=partner_org).count() == 1
    assert partner.get(URL.format("UKR200")).json()["id"] == response.json()["id"]
    created_only = _put(partner, "UKR200", EVENT, HTTP_IF_NONE_MATCH="*")
    assert created_only.status_code == 412  # the id is known: no second event under it

    bulk = partner.post("/api/v1/events/bulk/", [{**EVENT, "external_id": "UKR200", "killed": 6}], format="json")
    assert bulk.json()["results"][0]["status"] == "updated"
    assert Event.objects.get(pk=survivor.pk).killed == 6


def test_partners_find_the_merged_event_on_their_deletions_feed_with_the_survivor(partner, partner_org, ngo, world):
    survivor, merged = Event.objects.get(organization=ngo), EventFactory(organization=ngo)
    event_merge(survivor=survivor, merged=merged)
    rows = partner.get("/api/v1/deletions/", {"since": SINCE}).json()["results"]
    [row] = [r for r in rows if r["record_kind"] == "events"]
    assert row["reason"] == "merged"
    assert row["id"] == pseudonyms.encode("event", merged.pk, partner_org.pk)
    assert row["survivor_id"] == pseudonyms.encode("event", survivor.pk, partner_org.pk)
    listed = {r["id"] for r in partner.get("/api/v1/events/", {"page_size": 200}).json()["results"]}
    assert row["survivor_id"] in listed and row["id"] not in listed


def test_other_deletions_name_no_survivor(staff, ngo, world):
    event_delete(event=Event.objects.get(organization=ngo))
    [row] = staff.get("/api/v1/deletions/", {"since": SINCE}).json()["results"]
    assert (row["reason"], row["survivor_id"]) == ("deleted", None)


def test_partners_find_a_merged_household_on_their_deletions_feed_with_the_survivor(partner, partner_org, ngo, world):
    """A household shared through a testimony and then merged is reported as merged into the
    survivor, not silently forgotten because its testimonies moved before it was deleted."""
    merged = Household.objects.get(organization=ngo)
    survivor = shared_testimony(ngo, sensitivity=Sensitivity.PUBLIC).household
    listed = {r["id"] for r in partner.get("/api/v1/households/", {"page_size": 200}).json()["results"]}
    assert pseudonyms.encode("household", merged.pk, partner_org.pk) in listed

    household_merge(survivor=survivor, merged=merged)
    rows = partner.get("/api/v1/deletions/", {"since": SINCE}).json()["results"]
    [row] = [r for r in rows if r["record_kind"] == "households"]
    assert row["reason"] == "merged"
    assert row["id"] == pseudonyms.encode("household", merged.pk, partner_org.pk)
    assert row["survivor_id"] == pseudonyms.encode("household", survivor.pk, partner_org.pk)
