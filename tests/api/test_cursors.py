"""A page's cursor belongs to the list and the order it was made for: handed anywhere else it
is an invalid cursor, the same answer as a tampered one, never a 500 nor a page elsewhere."""

from urllib import parse

import pytest

from displacement.selectors.sync_tokens import seal
from tests.factories import EventFactory


def _cursor(url: str) -> str:
    return parse.parse_qs(parse.urlsplit(url).query)["cursor"][0]


@pytest.fixture
def events(ngo, world):
    for _ in range(4):
        EventFactory(organization=ngo)


def _refused(client, url):
    response = client.get(url)
    assert response.status_code == 404, response.content[:300]
    return response.json()


def test_a_cursor_of_the_default_order_is_refused_in_another_order_like_a_tampered_one(partner, events):
    cursor = _cursor(partner.get("/api/v1/events/?page_size=1").json()["next"])
    tampered = _refused(partner, f"/api/v1/events/?cursor={cursor[:-2]}xx")
    assert _refused(partner, f"/api/v1/events/?ordering=start&cursor={cursor}") == tampered
    assert _refused(partner, f"/api/v1/events/?ordering=-updated_at&cursor={cursor}") == tampered


def test_a_cursor_still_turns_the_page_of_its_own_list_and_order(partner, events):
    first = partner.get("/api/v1/events/?ordering=start&page_size=2").json()
    second = partner.get(first["next"])
    assert second.status_code == 200
    ids = [e["id"] for e in first["results"] + second.json()["results"]]
    assert len(ids) == len(set(ids)) == 4


@pytest.mark.parametrize("kind", ["events", "testimonies", "report-runs"])
def test_a_places_cursor_is_refused_on_another_list(partner, events, kind):
    cursor = _cursor(partner.get("/api/v1/places/?page_size=1").json()["next"])
    _refused(partner, f"/api/v1/{kind}/?cursor={cursor}")


def test_a_position_the_order_cannot_read_is_an_invalid_cursor(partner, events):
    for ordering, position in (("start", "2025-02-20 17:55:44+00:00"), ("updated_at", "not a time")):
        cursor = seal(parse.urlencode({"s": f"events|{ordering},id", "p": position}))
        _refused(partner, f"/api/v1/events/?ordering={ordering}&cursor={parse.quote(cursor)}")
