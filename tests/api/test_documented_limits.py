"""What docs/api.md promises about pages, repeated parameters and key scopes."""

import pytest
from rest_framework.test import APIClient

from api.models import OrganizationAPIKey
from tests.factories import EventFactory


@pytest.mark.parametrize(("page_size", "rows"), [("201", 200), ("0", 50), ("-3", 50), ("ten", 50), ("", 50)])
def test_a_page_size_above_200_gives_200_and_one_that_is_no_positive_number_the_default(
    partner, ngo, world, page_size, rows
):
    EventFactory.create_batch(205, organization=ngo)
    assert len(partner.get(f"/api/v1/events/?page_size={page_size}").json()["results"]) == rows


def test_a_filter_sent_twice_takes_its_last_value(partner, ngo, world):
    EventFactory(organization=ngo, category="displacement", event_type="", sub_event_type="", displacement_kind="")
    both = partner.get("/api/v1/events/?category=violence&category=displacement").json()["results"]
    assert both and {event["category"] for event in both} == {"displacement"}


def test_a_write_key_reads_only_with_the_read_scope_too(partner_org, world):
    def client(scopes):
        _, key = OrganizationAPIKey.objects.create_key(name="sync", organization=partner_org, scopes=scopes)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
        return api

    assert client(["write"]).get("/api/v1/events/").status_code == 403
    assert client(["read", "write"]).get("/api/v1/events/").status_code == 200
