"""The partner API as its users meet it: auth, filters, paging, errors, writes, CSV, docs."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from displacement.models import AccessLog, Event
from displacement.selectors import pseudonyms
from displacement.services.events import event_delete
from tests.api.conftest import shared_testimony
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db
LISTS = ["events", "testimonies", "households", "displacements", "cases", "places", "sources", "summaries"]


def test_a_key_sees_shared_records_with_its_own_pseudonyms(partner, world):
    events = partner.get("/api/v1/events/").json()["results"]
    assert len(events) == 1  # the NGO's event; the other NGO shares nothing
    assert events[0]["id"].startswith("ev_")
    detail = partner.get(f"/api/v1/events/{events[0]['id']}/")
    assert detail.status_code == 200 and detail["ETag"]
    assert partner.get(f"/api/v1/events/{Event.objects.first().pk}/").status_code == 404
    assert partner.get("/api/v1/events/ev_0000000000000000/").status_code == 404


def test_other_partners_cannot_join_ids(world, partner, ngo):
    from displacement.models import Organization, SharingAgreement

    second = Organization.objects.create(name="Second", slug="second", code="UA-SEC")
    SharingAgreement.objects.create(owner=ngo, partner=second, record_kinds=["events"], purposes=["statistics"])
    _, key = OrganizationAPIKey.objects.create_key(name="x", organization=second, scopes=["read"])
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    mine = {e["id"] for e in partner.get("/api/v1/events/").json()["results"]}
    theirs = {e["id"] for e in other.get("/api/v1/events/").json()["results"]}
    assert mine and theirs and not mine & theirs


@pytest.mark.parametrize("header", ["Api-Key nope.nope", "Api-Key ", "Bearer abc"])
def test_bad_credentials_are_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/events/")
    assert response.status_code == 401
    assert response.json()["error"]["status"] == 401


def test_revoked_and_expired_keys_get_401_on_their_next_request(partner, partner_key, world):
    api_key, _ = partner_key
    assert partner.get("/api/v1/events/").status_code == 200
    OrganizationAPIKey.objects.filter(pk=api_key.pk).update(revoked=True)
    assert partner.get("/api/v1/events/").status_code == 401
    OrganizationAPIKey.objects.filter(pk=api_key.pk).update(
        revoked=False, expiry_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert partner.get("/api/v1/events/").status_code == 401


@pytest.mark.parametrize("altered", ["secret", "prefix", "no dot", "empty"])
def test_a_key_altered_in_any_part_gets_401(partner_key, world, altered):
    _, key = partner_key
    prefix, _, secret = key.partition(".")
    wrong = {
        "secret": f"{prefix}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}",
        "prefix": f"{prefix[:-1]}{'A' if prefix[-1] != 'A' else 'B'}.{secret}",
        "no dot": prefix + secret,
        "empty": "",
    }[altered]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {wrong}")
    response = client.get("/api/v1/events/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/events/").status_code == 200


def test_a_read_only_key_cannot_write(partner_org, world):
    _, key = OrganizationAPIKey.objects.create_key(name="ro", organization=partner_org, scopes=["read"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.post("/api/v1/sources/", {"kind": "media", "title": "x"}, format="json").status_code == 403


def test_every_request_is_in_the_access_log_of_the_partner_and_of_the_owner(partner, partner_key, partner_org, world):
    seen = partner.get("/api/v1/events/").json()["results"][0]["id"]
    mine = AccessLog.objects.get(api_key=partner_key[0].prefix, organization=partner_org)
    assert mine.action == "api_request" and mine.model == "displacement.Event"
    assert mine.object_ids == [seen]  # the partner's coordinators see pseudonyms only
    owners = AccessLog.objects.get(api_key=partner_key[0].prefix, organization=world["ngo"])
    assert owners.object_ids == [Event.objects.get(organization=world["ngo"]).pk]
    assert owners.detail["partner"] == "esa"


def test_a_csv_export_is_logged_with_every_id(partner, partner_key, partner_org, world):
    body = b"".join(partner.get("/api/v1/events/?format=csv").streaming_content)
    assert body
    entry = AccessLog.objects.get(api_key=partner_key[0].prefix, organization=partner_org)
    assert len(entry.object_ids) == 1 and entry.detail["format"] == "csv"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("event_type=bombing", "event_type"),
        ("sub_event_type=x", "sub_event_type"),
        ("verification_status=true", "verification_status"),
        ("updated_since=yesterday", "updated_since"),
        ("place=XX99", "place"),
        ("ordering=title", "ordering"),
        ("colour=red", "colour"),
        ("format=xml", "format"),
    ],
)
def test_bad_filters_are_400_with_the_allowed_values(partner, world, query, field):
    response = partner.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    body = response.json()["error"]
    assert field in body["fields"]


def test_filters(partner, world, ngo):
    EventFactory(organization=ngo, event_type="battles", sub_event_type="armed_clash", place=_place("UA6312027"))
    assert len(partner.get("/api/v1/events/?place=UA12").json()["results"]) == 1
    assert len(partner.get("/api/v1/events/?place=UA63").json()["results"]) == 1
    assert len(partner.get("/api/v1/events/?event_type=battles").json()["results"]) == 1
    assert partner.get("/api/v1/events/?place=UA1214025").status_code == 400  # hromada: too fine for partners
    later = timezone.now() + datetime.timedelta(days=1)  # a partner's time counts from the start of its day
    assert partner.get(f"/api/v1/events/?updated_since={later.isoformat().replace('+', '%2B')}").json()["results"] == []


def _place(pcode):
    from displacement.models import Place

    return Place.objects.get(pcode=pcode)


def test_full_text_search_reads_summaries_for_partners_and_never_narratives(partner, world):
    assert len(partner.get("/api/v1/testimonies/?q=drone").json()["results"]) == 1
    assert partner.get("/api/v1/testimonies/?q=narrative").json()["results"] == []


def test_cursor_paging_is_stable_and_bounded(partner, ngo, world):
    for _ in range(7):
        EventFactory(organization=ngo)
    first = partner.get("/api/v1/events/?page_size=3").json()
    EventFactory(organization=ngo)  # inserted while paging
    second = partner.get(first["next"]).json()
    ids = [e["id"] for e in first["results"] + second["results"]]
    assert len(ids) == len(set(ids)) == 6
    assert len(partner.get("/api/v1/events/?page_size=100000").json()["results"]) == 9  # capped, not an error


@pytest.mark.parametrize(
    "kind", ["events", "testimonies", "households", "displacements", "cases", "sources", "places", "deletions"]
)
def test_list_query_count_does_not_grow_with_page_size(partner, staff, ngo, world, kind):
    for _ in range(6):
        shared_testimony(ngo)
        event_delete(event=EventFactory(organization=ngo))  # a tombstone for the deletions feed
        EventFactory(organization=ngo)
    since = "&since=2000-01-01T00:00:00Z" if kind == "deletions" else ""
    for client in (partner, staff):
        client.get(f"/api/v1/{kind}/?page_size=1{since}")  # the key's "last used" is now fresh
        counts = []
        for size in (2, 8):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/api/v1/{kind}/?page_size={size}{since}").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (kind, counts)
        assert counts[1] <= 6, (kind, counts, [q["sql"][:60] for q in queries])  # the budget


def test_csv_opens_in_excel_and_parses_as_hxl(partner, ngo, world):
    import hxl

    response = partner.get("/api/v1/events/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    lines = body.lstrip("\ufeff").splitlines()
    assert lines[1].startswith("#event+id,#event+category,#event+type,#event+subtype")
    dataset = hxl.data(io.BytesIO(body.encode("utf-8")))
    tags = [column.display_tag for column in dataset.columns]
    assert "#adm1+code" in tags and "#affected+killed" in tags and "#date+occurred" in tags
    rows = list(dataset)
    assert len(rows) == 1
    assert {row.get("#adm1+code") for row in rows} == {"UA12"}
    assert all(float(row.get("#affected+killed") or 0) >= 0 for row in rows)
    report = []
    valid = hxl.data(io.BytesIO(body.encode("utf-8"))).validate(callback=report.append)
    assert valid, [str(problem.message) for problem in report]
    shared_testimony(ngo, summary='=HYPERLINK("http://evil")')
    testimonies = b"".join(partner.get("/api/v1/testimonies/?format=csv").streaming_content).decode()
    assert "'=HYPERLINK" in testimonies and ",=HYPERLINK" not in testimonies


def test_csv_cells_are_escaped_against_formulas(staff, coordinator):
    from displacement.exports import safe_cell

    assert safe_cell("=1+1") == "'=1+1" and safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell(-3) == "-3"


def test_docs_and_schema(staff):
    schema = staff.get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/events/", "/api/v1/deletions/", "/api/v1/summaries/", "updated_since", "ApiKeyAuth"):
        assert path in text
    assert staff.get("/api/v1/docs/").status_code == 200


def test_the_schema_generates_without_warnings_and_documents_errors():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_partner_summaries_are_suppressed_and_cannot_be_differenced(partner, ngo, world):
    rows = partner.get("/api/v1/summaries/").json()
    assert rows and all(row["households"] is None or row["households"] >= 5 or row["households"] == 0 for row in rows)
    assert any(row["suppressed"] for row in rows)  # one shared household from UA14: suppressed
    assert partner.get("/api/v1/summaries/?place=UA1416021").status_code == 400
    assert partner.get("/api/v1/summaries/?occurred_before=2025-04-20").status_code == 400
    assert partner.get("/api/v1/summaries/?occurred_after=2025-04-01&occurred_before=2025-04-30").status_code == 200


@pytest.mark.parametrize("few_events", [1000, 0], ids=["listed", "walked"])
def test_testimony_filters_do_not_reveal_unshared_events(partner, ngo, partner_org, world, monkeypatch, few_events):
    """Listed from the events or walked against the copies on the links, a filter through
    events counts only the events the partner may read: not another organisation's, not its
    sharing NGO's once the agreement no longer covers events."""
    from displacement.models import Event, SharingAgreement, TestimonyEvent

    monkeypatch.setattr("displacement.selectors.filters.through_events.FEW_EVENTS", few_events)
    event = EventFactory(organization=ngo, target="school")
    TestimonyEvent.objects.create(testimony=shared_testimony(ngo), event=event, relation="witnessed")
    assert len(partner.get("/api/v1/testimonies/?target=school").json()["results"]) == 1
    seen = pseudonyms.encode("event", event.pk, partner_org.pk)
    assert seen in partner.get("/api/v1/testimonies/").content.decode()
    assert seen in b"".join(partner.get("/api/v1/testimonies/?format=csv").streaming_content).decode()
    Event.objects.filter(pk=event.pk).update(organization=world["other"])  # shares nothing with it
    assert partner.get("/api/v1/testimonies/?target=school").json()["results"] == []
    # Nor is the link listed, in a page or in the export (read by the link's copy of the owner).
    assert seen not in partner.get("/api/v1/testimonies/").content.decode()
    assert seen not in b"".join(partner.get("/api/v1/testimonies/?format=csv").streaming_content).decode()
    Event.objects.filter(pk=event.pk).update(organization=ngo)
    assert len(partner.get("/api/v1/testimonies/?target=school").json()["results"]) == 1
    SharingAgreement.objects.filter(partner=partner_org).update(record_kinds=["testimonies"])
    assert partner.get("/api/v1/testimonies/?target=school").json()["results"] == []
    assert partner.get("/api/v1/events/").json()["results"] == []
    found = partner.get("/api/v1/testimonies/?event_type=explosions_remote_violence").json()["results"]
    assert found == []
    everything = partner.get("/api/v1/testimonies/").json()["results"]
    assert everything and all(row["events"] == [] for row in everything)


@pytest.mark.parametrize("caller", ["partner", "staff"])
def test_a_csv_export_reads_places_in_bulk(caller, request, ngo, world):
    from displacement.models import Place

    client = request.getfixturevalue(caller)
    hromadas = list(Place.objects.filter(admin_level=3).order_by("pcode")[:12])
    client.get("/api/v1/events/?page_size=1")  # the key's "last used" is now fresh
    counts = []
    for places in (hromadas[:2], hromadas[2:]):
        for place in places:
            EventFactory(organization=ngo, place=place)
        with CaptureQueriesContext(connection) as queries:
            assert len(b"".join(client.get("/api/v1/events/?format=csv").streaming_content)) > 0
        counts.append(len(queries))
    assert counts[0] == counts[1], counts  # not one query per place
