"""Writes: strict input, owned records only, ETags against lost updates, idempotent retries."""

import pytest

from displacement.models import Event, Household, Source
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db

EVENT = {
    "title": "Glide bomb on a market",
    "category": "violence",
    "event_type": "explosions_remote_violence",
    "sub_event_type": "air_drone_strike",
    "start": "2025-05-03",
    "place": "UA1214025",
}


def test_a_partner_creates_records_owned_by_its_own_organisation(partner, partner_org, world):
    response = partner.post("/api/v1/events/", EVENT, format="json")
    assert response.status_code == 201, response.json()
    event = Event.objects.get(title=EVENT["title"])
    assert event.organization == partner_org
    assert response.json()["id"].startswith("ev_") and response["ETag"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organization": 1}, "organization"),
        ({"verification_status": "verified"}, "verification_status"),
        ({"colour": "red"}, "colour"),
        ({"sub_event_type": "armed_clash"}, "sub_event_type"),
        ({"end": "2025-05-01"}, "end"),
        ({"place": "ZZ99"}, "place"),
        ({"killed": -1}, "killed"),
    ],
)
def test_bad_input_is_a_400_with_field_errors_and_stores_nothing(staff, world, change, field):
    response = staff.post("/api/v1/events/", {**EVENT, **change}, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()["error"]
    assert body["code"] == "invalid" and field in body["fields"]
    assert not Event.objects.filter(title=EVENT["title"]).exists()


def test_a_foreign_household_is_refused_as_a_reference(staff, other_ngo, world):
    foreign = HouseholdFactory(organization=other_ngo)
    response = staff.post(
        "/api/v1/displacements/",
        {"household": str(foreign.pk), "origin": "UA1416021", "left_on": "2025-05-01"},
        format="json",
    )
    assert response.status_code == 400 and "household" in response.json()["error"]["fields"]


def test_updates_need_the_current_etag(staff, ngo, world):
    source = Source.objects.filter(organization=ngo).first()
    url = f"/api/v1/sources/{source.pk}/"
    assert staff.patch(url, {"title": "Renamed"}, format="json").status_code == 428
    etag = staff.get(url)["ETag"]
    assert staff.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"stale"').status_code == 412
    first = staff.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first["ETag"] != etag
    # A second writer holding the old ETag cannot overwrite silently.
    assert staff.patch(url, {"title": "Other"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    source.refresh_from_db()
    assert source.title == "Renamed"


def test_a_retried_post_with_the_same_idempotency_key_creates_nothing_twice(partner, world):
    headers = {"HTTP_IDEMPOTENCY_KEY": "3f1c-retry-after-timeout"}
    first = partner.post("/api/v1/events/", EVENT, format="json", **headers)
    second = partner.post("/api/v1/events/", EVENT, format="json", **headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json() and second["Idempotent-Replayed"] == "true"
    assert Event.objects.filter(title=EVENT["title"]).count() == 1
    other = partner.post("/api/v1/events/", {**EVENT, "title": "Different"}, format="json", **headers)
    assert other.status_code == 422


def test_households_and_cases_through_the_api(staff, coordinator, world):
    created = staff.post("/api/v1/households/", {"current_place": "UA1202001"}, format="json")
    assert created.status_code == 201
    household = Household.objects.get(pk=created.json()["pk"])
    case = staff.post("/api/v1/cases/", {"household": str(household.pk), "priority": "high"}, format="json")
    assert case.status_code == 201, case.json()
    url = f"/api/v1/cases/{case.json()['pk']}/"
    bad = staff.patch(url, {"status": "referred"}, format="json", HTTP_IF_MATCH=case["ETag"])
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]
    ok = staff.patch(url, {"status": "assessment"}, format="json", HTTP_IF_MATCH=case["ETag"])
    assert ok.status_code == 200 and ok.json()["status"] == "assessment"


def test_an_analyst_reads_but_cannot_write(analyst, world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(analyst)
    assert client.get("/api/v1/events/").status_code == 200
    assert client.post("/api/v1/events/", EVENT, format="json").status_code == 403


def test_oversized_bodies_are_413(partner, world, settings):
    settings.API_MAX_BODY_SIZE = 2048
    response = partner.post("/api/v1/events/", {**EVENT, "description": "x" * 5000}, format="json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"


def test_too_many_requests_are_429_with_retry_after(partner, world, settings):
    from django.core.cache import cache

    cache.clear()
    settings.API_RATE_PARTNER = "3/min"
    statuses = [partner.get("/api/v1/places/?page_size=1").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    last = partner.get("/api/v1/places/?page_size=1")
    assert int(last["Retry-After"]) > 0 and last.json()["error"]["status"] == 429
    cache.clear()


def test_a_partner_cannot_change_a_record_shared_with_it(partner, world):
    shared = partner.get("/api/v1/events/").json()["results"][0]["id"]
    etag = partner.get(f"/api/v1/events/{shared}/")["ETag"]
    response = partner.patch(f"/api/v1/events/{shared}/", {"killed": 999}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 404
    assert not Event.objects.filter(killed=999).exists()


def test_a_caseworker_cannot_move_or_overwrite_a_narrative_they_cannot_read(caseworker, ngo, world):
    from rest_framework.test import APIClient

    from displacement.models import Case, Testimony

    mine = HouseholdFactory(organization=ngo)
    Case.objects.create(household=mine, reference="CW-1", assigned_to=caseworker)
    testimony = Testimony.objects.filter(organization=ngo).exclude(household=mine).first()
    client = APIClient()
    client.force_login(caseworker)
    url = f"/api/v1/testimonies/{testimony.pk}/"
    etag = client.get(url)["ETag"]
    assert client.get(url).json()["narrative"] is None
    for change in ({"household": str(mine.pk)}, {"narrative": "overwritten"}):
        response = client.patch(url, change, format="json", HTTP_IF_MATCH=etag)
        assert response.status_code == 400
    testimony.refresh_from_db()
    assert testimony.household != mine and testimony.narrative != "overwritten"


def test_etags_and_cursors_reveal_nothing(partner, ngo, world):
    import base64
    import hashlib

    from tests.factories import EventFactory

    for _ in range(3):
        EventFactory(organization=ngo)
    page = partner.get("/api/v1/events/?page_size=1").json()
    cursor = page["next"].split("cursor=")[1].split("&")[0]
    assert not cursor.startswith("cD0")  # DRF's plain cursor is base64 of "p=<updated_at>"
    assert base64.b64encode(b"p=").decode()[:3] not in cursor.split(":")[0][:3]
    assert partner.get(page["next"].replace(cursor, cursor[:-2] + "xx")).status_code == 404
    event = Event.objects.filter(organization=ngo).first()
    etag = partner.get(f"/api/v1/events/{page['results'][0]['id']}/")["ETag"]
    unkeyed = hashlib.sha256(f"displacement.Event:{event.pk}:{event.updated_at.isoformat()}".encode()).hexdigest()
    assert unkeyed[:32] not in etag


def test_a_body_with_half_a_surrogate_pair_is_a_400_not_a_500(partner, world):
    body = '{"\\ud886": 1, "title": "Glide bomb on a market"}'
    response = partner.generic("POST", "/api/v1/events/", body, content_type="application/json")
    assert response.status_code == 400 and "surrogate" in response.json()["error"]["message"]
