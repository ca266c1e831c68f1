"""The sync recipe from docs/api.md, end to end: a partner's mirror converges."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from api.sync import HEADER as SYNC_HEADER
from displacement.models import Event, SharingAgreement, Tombstone
from displacement.models.vocab import ConsentPurpose
from displacement.services.events import event_delete
from displacement.services.testimonies import consent_record, consent_withdraw
from tests.api.conftest import shared_testimony
from tests.factories import EventFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
KINDS = ["events", "testimonies", "households", "displacements"]


def _pull(client, path, params):
    rows, url = [], path
    while url:
        page = client.get(url, params).json()
        rows += page["results"]
        url, params = page["next"], None
    return rows


class Mirror:
    """What a partner keeps: records by id, refreshed with updated_since and deletions, from
    the Sync-Token of the run's first answer (``token``) or the time the run started."""

    def __init__(self, client, *, token=False):
        self.client, self.records, self.since, self.token = client, {kind: {} for kind in KINDS}, None, token

    def sync(self):
        started = timezone.now().isoformat()
        for kind in KINDS:
            params = {"page_size": 2, **({"updated_since": self.since} if self.since else {})}
            if self.token and kind == KINDS[0]:
                started = self.client.get(f"/api/v1/{kind}/", params)[SYNC_HEADER]
            for row in _pull(self.client, f"/api/v1/{kind}/", params):
                self.records[kind][row["id"]] = row
        if self.since:
            for stone in _pull(self.client, "/api/v1/deletions/", {"since": self.since, "page_size": 2}):
                self.records.get(stone["record_kind"], {}).pop(stone["id"], None)
        self.since = started

    def truth(self):
        return {kind: {row["id"]: row for row in _pull(self.client, f"/api/v1/{kind}/", {})} for kind in KINDS}


@pytest.mark.parametrize("token", [True, False], ids=["sync token", "time"])
def test_the_mirror_converges_through_creates_updates_and_withdrawals(partner, ngo, world, token):
    mirror = Mirror(partner, token=token)
    mirror.sync()
    assert mirror.records == mirror.truth()

    event = EventFactory(organization=ngo, killed=1)
    new = shared_testimony(ngo)
    mirror.sync()
    assert mirror.records == mirror.truth()

    event.killed = 3
    event.save()
    late = shared_testimony(ngo)
    late.consents.filter(purpose=ConsentPurpose.SHARING).delete()
    mirror.sync()
    before = len(mirror.records["testimonies"])
    consent_record(testimony=late, purpose=ConsentPurpose.SHARING)  # consent given later
    consent_withdraw(consent=new.consents.get(purpose=ConsentPurpose.SHARING), by=None)
    event_delete(event=event)
    mirror.sync()
    assert mirror.records == mirror.truth()
    assert len(mirror.records["testimonies"]) == before
    assert not any(row["killed"] == 3 for row in mirror.records["events"].values())


# --- what a partner can learn of change times ---------------------------------------------


def _client_of(organization):
    _, key = OrganizationAPIKey.objects.create_key(name="sync", organization=organization, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def second_partner(ngo, world):
    second = OrganizationFactory(name="Second Partner", slug="second", code="UA-SEC")
    SharingAgreement.objects.create(owner=ngo, partner=second, record_kinds=["events"], purposes=["statistics"])
    return _client_of(second)


def test_two_partners_get_different_etags_for_one_record(partner, second_partner, staff, ngo):
    event = EventFactory(organization=ngo, killed=777)
    first, second = (client.get("/api/v1/events/").json()["results"] for client in (partner, second_partner))
    (mine,) = [row["id"] for row in first if row["killed"] == event.killed]
    (theirs,) = [row["id"] for row in second if row["killed"] == event.killed]
    etags = {
        partner.get(f"/api/v1/events/{mine}/")["ETag"],
        second_partner.get(f"/api/v1/events/{theirs}/")["ETag"],
        staff.get(f"/api/v1/events/{event.pk}/")["ETag"],
    }
    assert len(etags) == 3


def _marks(client, path):
    """The events listed at ``path``, by their number of killed (each test's events differ in it)."""
    return {row["killed"] for row in _pull(client, path, {})}


def test_a_partners_time_counts_from_the_start_of_its_day_so_no_search_finds_a_change(partner, staff, ngo, world):
    event = EventFactory(organization=ngo, killed=777)
    just_after = (event.updated_at + datetime.timedelta(microseconds=1)).isoformat().replace("+", "%2B")
    # Staff read change times in their rows, and may ask for an exact one; a partner may not.
    assert event.killed not in _marks(staff, f"/api/v1/events/?updated_since={just_after}")
    assert event.killed in _marks(partner, f"/api/v1/events/?updated_since={just_after}")
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert event.killed not in _marks(partner, f"/api/v1/events/?updated_since={tomorrow}")


def test_a_partners_deletions_since_a_time_count_from_the_start_of_its_day(partner, ngo, world):
    event = EventFactory(organization=ngo)
    pk = event.pk
    event_delete(event=event)
    stone = Tombstone.objects.get(record_id=pk, record_kind="events")
    just_after = (stone.created_at + datetime.timedelta(microseconds=1)).isoformat().replace("+", "%2B")
    assert len(partner.get(f"/api/v1/deletions/?since={just_after}").json()["results"]) == 1


def test_a_sync_token_gives_what_changed_after_the_answer_that_carried_it(partner, ngo, world):
    event_delete(event=EventFactory(organization=ngo))
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    Tombstone.objects.update(created_at=two_hours_ago)
    Event.objects.update(updated_at=two_hours_ago)
    token = partner.get("/api/v1/events/")[SYNC_HEADER]
    assert token.startswith("st_") and str(timezone.now().year) not in token
    new = EventFactory(organization=ngo, killed=777)
    assert _marks(partner, f"/api/v1/events/?updated_since={token}") == {777}
    assert partner.get(f"/api/v1/deletions/?since={token}").json()["results"] == []
    event_delete(event=new)
    assert len(partner.get(f"/api/v1/deletions/?since={token}").json()["results"]) == 1


@pytest.mark.parametrize("path", ["/api/v1/events/?updated_since=", "/api/v1/deletions/?since="])
def test_a_sync_token_is_only_good_for_whoever_received_it(partner, second_partner, staff, path):
    name = path.split("?")[1].rstrip("=")
    token = partner.get("/api/v1/events/")[SYNC_HEADER]
    assert partner.get(path + token).status_code == 200
    for client, value in ((second_partner, token), (staff, token), (partner, token[:-3] + "xyz"), (partner, "st_x")):
        response = client.get(path + value)
        assert response.status_code == 400 and name in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00%2B14:00", "9999-12-31T23:59:59-14:00", "yesterday"])
def test_a_time_that_is_not_one_is_a_400(partner, staff, value):
    for client in (partner, staff):
        response = client.get(f"/api/v1/events/?updated_since={value}")
        assert response.status_code == 400 and "updated_since" in response.json()["error"]["fields"]
