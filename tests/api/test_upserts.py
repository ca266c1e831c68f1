"""Writes that sync: events upserted by the writer's own external id, one at a time or in lists."""

import datetime
import json
from urllib import parse

import pytest
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.models import Event, Place
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "title": "Glide bomb on a market",
    "category": "violence",
    "event_type": "explosions_remote_violence",
    "sub_event_type": "air_drone_strike",
    "start": "2025-05-03",
    "place": "UA1214025",
    "killed": 3,
}
URL = "/api/v1/events/by-external-id/{}/"
BULK = "/api/v1/events/bulk/"


def _client(organization, scopes) -> APIClient:
    _, key = OrganizationAPIKey.objects.create_key(name="system", organization=organization, scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def _put(client, external_id, body, **headers):
    return client.put(URL.format(external_id), body, format="json", **headers)


# --- one event ---------------------------------------------------------------------------------


def test_a_put_creates_then_updates_then_leaves_alone_the_event_of_that_external_id(partner, partner_org, world):
    created = _put(partner, "UKR100", EVENT)
    assert created.status_code == 201, created.json()
    event = Event.objects.get(organization=partner_org, external_id="UKR100")
    assert created.json()["id"].startswith("ev_") and created["ETag"]

    updated = _put(partner, "UKR100", {**EVENT, "killed": 4})
    assert updated.status_code == 200 and updated.json()["killed"] == 4
    assert updated.json()["id"] == created.json()["id"] and updated["ETag"] != created["ETag"]

    history = event.history.count()
    unchanged = _put(partner, "UKR100", {**EVENT, "killed": 4})
    assert unchanged.status_code == 200 and unchanged["ETag"] == updated["ETag"]
    assert event.history.count() == history, "an unchanged upsert writes no history"
    assert Event.objects.filter(organization=partner_org, external_id="UKR100").count() == 1


def test_a_put_replaces_the_event_so_a_field_left_out_takes_its_default(partner, partner_org, world):
    _put(partner, "UKR100", {**EVENT, "description": "Two rockets."})
    response = _put(partner, "UKR100", {key: value for key, value in EVENT.items() if key != "killed"})
    assert response.status_code == 200
    event = Event.objects.get(organization=partner_org, external_id="UKR100")
    assert (event.killed, event.description) == (None, "")


def test_a_put_is_checked_against_if_match_and_if_none_match_when_sent(partner, world):
    assert _put(partner, "UKR100", EVENT, HTTP_IF_MATCH="*").status_code == 412  # must exist
    created = _put(partner, "UKR100", EVENT, HTTP_IF_NONE_MATCH="*")
    assert created.status_code == 201
    assert _put(partner, "UKR100", EVENT, HTTP_IF_NONE_MATCH="*").status_code == 412  # create only
    changed = _put(partner, "UKR100", {**EVENT, "killed": 5}, HTTP_IF_MATCH=created["ETag"])
    assert changed.status_code == 200
    stale = _put(partner, "UKR100", {**EVENT, "killed": 6}, HTTP_IF_MATCH=created["ETag"])
    assert stale.status_code == 412 and stale.json()["error"]["code"] == "precondition_failed"
    assert Event.objects.get(external_id="UKR100").killed == 5


@pytest.mark.parametrize(
    ("external_id", "body"),
    [
        ("UKR100", {**EVENT, "external_id": "UKR200"}),  # two ids
        ("U" * 61, EVENT),  # longer than stored
        ("UKR100", {**EVENT, "sub_event_type": "armed_clash"}),
        ("UKR100", {**EVENT, "verification_status": "verified"}),
        ("UKR100", [EVENT]),
        ("UKR\x00100", EVENT),  # no text column holds a NUL
        (" UKR100", EVENT),
    ],
)
def test_a_bad_put_is_a_400_with_field_errors_and_writes_nothing(partner, partner_org, world, external_id, body):
    response = _put(partner, external_id, body)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["fields"]
    assert not Event.objects.filter(organization=partner_org).exists()


def test_an_impossible_external_id_is_a_400_also_with_an_idempotency_key(partner, partner_org, world):
    response = _put(partner, "UKR\x00100", EVENT, HTTP_IDEMPOTENCY_KEY="sync-8")
    assert response.status_code == 400 and "external_id" in response.json()["error"]["fields"]
    assert not Event.objects.filter(organization=partner_org).exists()


def test_a_retried_put_with_its_idempotency_key_gets_the_first_answer(partner, partner_org, world):
    first = _put(partner, "UKR100", EVENT, HTTP_IDEMPOTENCY_KEY="sync-7")
    second = _put(partner, "UKR100", EVENT, HTTP_IDEMPOTENCY_KEY="sync-7")
    assert first.status_code == second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert _put(partner, "UKR100", {**EVENT, "killed": 9}, HTTP_IDEMPOTENCY_KEY="sync-7").status_code == 422
    assert Event.objects.get(organization=partner_org, external_id="UKR100").killed == 3


def test_one_of_your_own_events_is_read_by_its_external_id(partner, partner_org, world):
    written = _put(partner, "UKR100", EVENT)
    read = partner.get(URL.format("UKR100"))
    assert read.status_code == 200 and read.json() == written.json() and read["ETag"] == written["ETag"]
    assert partner.get(URL.format("UKR404")).status_code == 404
    assert partner.get(URL.format("UKR\x00100")).status_code == 400


@pytest.mark.parametrize("external_id", ["a/b", "2025/05/UKR1", "a/", "/a"])
def test_an_external_id_with_a_slash_is_read_and_written_by_its_route(partner, partner_org, world, external_id):
    """A list may store "a/b": its route takes it sent as %2F, as any other id."""
    listed = partner.post(BULK, [{**EVENT, "external_id": external_id}], format="json")
    assert listed.json()["results"][0]["status"] == "created", listed.json()
    route = URL.format(parse.quote(external_id, safe=""))
    read = partner.get(route)
    assert read.status_code == 200, read.content[:200]
    assert read.json()["id"] == listed.json()["results"][0]["id"]
    assert _put(partner, parse.quote(external_id, safe=""), {**EVENT, "killed": 8}).status_code == 200
    assert Event.objects.get(organization=partner_org, external_id=external_id).killed == 8


def test_an_address_no_api_route_takes_is_the_apis_json_404(partner, world):
    for path in ("/api/v1/nothing/", "/api/v1/events/1/2/3/", "/api/v2/events/"):
        response = partner.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path
        assert response.json()["error"]["status"] == 404
    assert partner.get("/nothing/")["Content-Type"].startswith("text/html"), "the rest of the site keeps its page"


def test_a_staff_session_upserts_its_organisations_events(staff, ngo, world):
    response = _put(staff, "UKR100", EVENT)
    assert response.status_code == 201 and response.json()["external_id"] == "UKR100"
    assert Event.objects.get(external_id="UKR100").organization == ngo


# --- scope -------------------------------------------------------------------------------------


def test_another_organisations_key_cannot_reach_these_events(partner, partner_org, ngo, world):
    mine = EventFactory(organization=ngo, external_id="UKR100", killed=1)
    # Same external id from the partner's key: the partner's own event, never the NGO's.
    assert partner.get(URL.format("UKR100")).status_code == 404
    assert _put(partner, "UKR100", EVENT, HTTP_IF_MATCH="*").status_code == 412
    assert _put(partner, "UKR100", {**EVENT, "killed": 50}).status_code == 201
    bulk = partner.post(BULK, [{**EVENT, "external_id": "UKR100", "killed": 60}], format="json")
    assert bulk.json()["results"][0]["status"] == "updated"
    mine.refresh_from_db()
    assert mine.killed == 1 and mine.organization == ngo
    assert Event.objects.get(organization=partner_org, external_id="UKR100").killed == 60


def test_a_read_only_key_and_an_analyst_cannot_upsert(partner_org, analyst, world):
    reader = _client(partner_org, ["read"])
    assert _put(reader, "UKR100", EVENT).status_code == 403
    assert reader.post(BULK, [{**EVENT, "external_id": "UKR100"}], format="json").status_code == 403
    assert reader.get(URL.format("UKR100")).status_code == 404  # reading is allowed; there is none
    session = APIClient()
    session.force_login(analyst)
    assert _put(session, "UKR100", EVENT).status_code == 403
    assert not Event.objects.filter(external_id="UKR100").exists()


# --- a second create of one external id --------------------------------------------------------


def test_a_second_post_with_the_same_external_id_is_a_409_on_that_field(partner, partner_org, world):
    assert partner.post("/api/v1/events/", {**EVENT, "external_id": "UKR100"}, format="json").status_code == 201
    again = partner.post("/api/v1/events/", {**EVENT, "external_id": "UKR100", "killed": 8}, format="json")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "conflict" and "UKR100" in error["fields"]["external_id"][0]
    assert Event.objects.get(organization=partner_org, external_id="UKR100").killed == 3


def test_a_patch_to_an_external_id_already_used_is_a_409(partner, world):
    _put(partner, "UKR100", EVENT)
    other = _put(partner, "UKR200", EVENT)
    url = f"/api/v1/events/{other.json()['id']}/"
    response = partner.patch(url, {"external_id": "UKR100"}, format="json", HTTP_IF_MATCH=other["ETag"])
    assert response.status_code == 409 and "external_id" in response.json()["error"]["fields"]


# --- lists -------------------------------------------------------------------------------------


def test_a_list_gets_a_result_per_item_and_each_item_is_written_whole_or_not_at_all(partner, partner_org, world):
    _put(partner, "UKR1", EVENT)
    _put(partner, "UKR2", EVENT)
    items = [
        {**EVENT, "external_id": "UKR1", "killed": 7},  # updated
        {**EVENT, "external_id": "UKR2"},  # unchanged
        {**EVENT, "external_id": "UKR3"},  # created
        {**EVENT, "external_id": "UKR4", "event_type": "bombing"},  # bad value
        {**EVENT, "external_id": "UKR3", "killed": 1},  # repeated in the list
        {key: value for key, value in EVENT.items()},  # no external id
        "UKR5",  # not an object
        {**EVENT, "external_id": "UKR6", "end": "2025-05-01"},  # breaks a model rule
    ]
    history = Event.objects.get(external_id="UKR2").history.count()
    response = partner.post(BULK, items, format="json")
    assert response.status_code == 200, response.json()
    results = response.json()["results"]
    assert [(r["index"], r["external_id"], r["status"]) for r in results] == [
        (0, "UKR1", "updated"),
        (1, "UKR2", "unchanged"),
        (2, "UKR3", "created"),
        (3, "UKR4", "error"),
        (4, "UKR3", "error"),
        (5, None, "error"),
        (6, None, "error"),
        (7, "UKR6", "error"),
    ]
    assert response.json()["counts"] == {"created": 1, "updated": 1, "unchanged": 1, "error": 5}
    assert "event_type" in results[3]["errors"] and "index 2" in results[4]["errors"]["external_id"][0]
    assert "external_id" in results[5]["errors"] and "end" in results[7]["errors"]
    assert all(r["id"].startswith("ev_") for r in results[:3]) and all(r["id"] is None for r in results[3:])
    assert results[0]["errors"] == {}
    stored = dict(Event.objects.filter(organization=partner_org).values_list("external_id", "killed"))
    assert stored == {"UKR1": 7, "UKR2": 3, "UKR3": 3}
    assert Event.objects.get(external_id="UKR2").history.count() == history


def test_a_list_longer_than_the_maximum_is_refused_whole(partner, partner_org, world, monkeypatch):
    monkeypatch.setattr("api.upserts.BULK_MAX_ITEMS", 3)
    items = [{**EVENT, "external_id": f"UKR{n}"} for n in range(4)]
    response = partner.post(BULK, items, format="json")
    assert response.status_code == 400
    assert "At most 3" in response.json()["error"]["fields"]["non_field_errors"][0]
    assert partner.post(BULK, items[:3], format="json").status_code == 200
    assert Event.objects.filter(organization=partner_org).count() == 3


@pytest.mark.parametrize("body", [{"events": []}, "UKR1", 7])
def test_a_body_that_is_not_a_list_is_a_400(partner, world, body):
    response = partner.post(BULK, body, format="json")
    assert response.status_code == 400 and response.json()["error"]["fields"]


def test_a_list_may_be_larger_than_a_single_write_but_not_than_its_own_limit(partner, partner_org, world, settings):
    settings.API_MAX_BODY_SIZE = 2048
    items = [{**EVENT, "external_id": f"UKR{n}", "description": "x" * 300} for n in range(10)]
    assert len(json.dumps(items)) > 2048
    assert partner.post(BULK, items, format="json").status_code == 200
    settings.API_MAX_BULK_BODY_SIZE = 2048
    too_large = partner.post(BULK, items, format="json")
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "request_too_large"
    assert Event.objects.filter(organization=partner_org).count() == 10


def test_a_retried_list_with_its_idempotency_key_gets_the_first_answer(partner, world):
    items = [{**EVENT, "external_id": "UKR1"}, {**EVENT, "external_id": "UKR2", "place": "ZZ99"}]
    first = partner.post(BULK, items, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    second = partner.post(BULK, items, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert first.status_code == second.status_code == 200 and second["Idempotent-Replayed"] == "true"
    assert first.json() == second.json() and first.json()["counts"]["created"] == 1
    # Without the key, the same list again is still harmless: every written item is unchanged.
    again = partner.post(BULK, items, format="json").json()
    assert [r["status"] for r in again["results"]] == ["unchanged", "error"]


def test_a_list_whose_answer_quotes_a_nul_is_kept_for_its_idempotency_key(partner, partner_org, world):
    items = [{**EVENT, "external_id": "UKR1", "colour\x00": "red"}, {**EVENT, "external_id": "UKR2"}]
    first = partner.post(BULK, items, format="json", HTTP_IDEMPOTENCY_KEY="batch-2")
    assert first.status_code == 200 and "colour\x00" in first.json()["results"][0]["errors"]
    second = partner.post(BULK, items, format="json", HTTP_IDEMPOTENCY_KEY="batch-2")
    assert second.json() == first.json() and second["Idempotent-Replayed"] == "true"
    assert list(Event.objects.filter(organization=partner_org).values_list("external_id", flat=True)) == ["UKR2"]


def test_options_on_the_upsert_route_describes_it(partner, world):
    _put(partner, "UKR1", EVENT)
    for external_id in ("UKR1", "UKR404"):
        response = partner.options(URL.format(external_id))
        assert response.status_code == 200 and "PUT" in response["Allow"]


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [("partner", True), ("coordinator", True), ("caseworker", True), ("analyst", False), ("anonymous", False)],
)
def test_every_caller_upserts_only_its_own_organisations_events(
    partner, partner_org, ngo, other_ngo, coordinator, caseworker, analyst, world, caller, allowed
):
    theirs = EventFactory(organization=other_ngo, external_id="UKR1", killed=1)
    client = partner if caller == "partner" else APIClient()
    if caller in ("coordinator", "caseworker", "analyst"):
        client.force_login({"coordinator": coordinator, "caseworker": caseworker, "analyst": analyst}[caller])
    put = _put(client, "UKR1", EVENT)
    bulk = client.post(BULK, [{**EVENT, "external_id": "UKR2"}], format="json")
    if not allowed:
        assert put.status_code in (401, 403) and bulk.status_code in (401, 403)
        assert not Event.objects.filter(external_id="UKR2").exists()
    else:
        assert put.status_code == 201 and bulk.json()["counts"]["created"] == 1
        writer = partner_org if caller == "partner" else ngo
        assert set(Event.objects.filter(external_id__in=["UKR1", "UKR2"]).exclude(pk=theirs.pk)) == set(
            Event.objects.filter(organization=writer, external_id__in=["UKR1", "UKR2"])
        )
        assert Event.objects.filter(organization=writer, external_id__in=["UKR1", "UKR2"]).count() == 2
    theirs.refresh_from_db()
    assert theirs.killed == 1 and theirs.history.count() == 1


def test_an_item_the_database_refuses_is_that_items_error_alone(partner, partner_org, world, monkeypatch):
    from django.db import IntegrityError

    from api import events

    def upsert(**fields):
        if fields["external_id"] == "UKR2":
            EventFactory(organization=partner_org, external_id="half-written")
            raise IntegrityError("new row violates check constraint")
        return real(**fields)

    real = events.event_upsert
    monkeypatch.setattr(events, "event_upsert", upsert)
    items = [{**EVENT, "external_id": f"UKR{n}"} for n in (1, 2, 3)]
    response = partner.post(BULK, items, format="json")
    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["created", "error", "created"]
    assert "refused" in response.json()["results"][1]["errors"]["non_field_errors"][0]
    stored = set(Event.objects.filter(organization=partner_org).values_list("external_id", flat=True))
    assert stored == {"UKR1", "UKR3"}, "the refused item left nothing behind"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("route", ["bulk", "put"])
def test_an_event_another_writer_created_at_the_same_time_is_updated_not_an_error(
    gazetteer, partner, partner_org, world, monkeypatch, route
):
    """The other writer commits the new id while this request validates its item: as
    docs/architecture.md promises, the later one updates it."""
    from displacement.services.events import event_upsert
    from tests.support.locks import committed_in_another_connection

    full_clean = Event.full_clean

    def committed_meanwhile(event, *args, **kwargs):
        monkeypatch.setattr(Event, "full_clean", full_clean)
        fields = {**EVENT, "start": datetime.date(2025, 5, 3), "place": Place.objects.get(pcode="UA1214025")}
        committed_in_another_connection(lambda: event_upsert(organization=partner_org, external_id="UKR1", **fields))
        return full_clean(event, *args, **kwargs)

    monkeypatch.setattr(Event, "full_clean", committed_meanwhile)
    if route == "bulk":
        response = partner.post(BULK, [{**EVENT, "external_id": "UKR1", "killed": 9}], format="json")
        assert response.json()["results"][0]["status"] == "updated", response.json()
    else:
        response = _put(partner, "UKR1", {**EVENT, "killed": 9})
        assert response.status_code == 200, response.json()
    assert list(Event.objects.filter(organization=partner_org).values_list("killed", flat=True)) == [9]
