"""The API's writes of displacements and sources are one call each to their services
(``services.displacements``, ``services.sources``): the rules are tested there."""

import pytest

from api import displacements, sources
from displacement.models import Displacement, Source
from tests.factories import HouseholdFactory

pytestmark = pytest.mark.django_db


def _spy(monkeypatch, module, name) -> list[dict]:
    calls = []
    original = getattr(module, name)
    monkeypatch.setattr(module, name, lambda **kwargs: calls.append(kwargs) or original(**kwargs))
    return calls


def test_a_displacement_is_recorded_and_changed_by_its_services(staff, ngo, world, monkeypatch):
    recorded = _spy(monkeypatch, displacements, "displacement_record")
    updated = _spy(monkeypatch, displacements, "displacement_update")
    household = HouseholdFactory(organization=ngo)
    body = {"household": str(household.pk), "origin": "UA1416021", "left_on": "2025-05-01"}
    response = staff.post("/api/v1/displacements/", body, format="json")
    assert response.status_code == 201, response.json()
    assert len(recorded) == 1 and recorded[0]["organization"] == ngo
    move = Displacement.objects.get(pk=response.json()["pk"])
    url = f"/api/v1/displacements/{move.pk}/"
    etag = staff.get(url)["ETag"]
    assert staff.patch(url, {"people_count": 4}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert [call["people_count"] for call in updated] == [4]


def test_a_source_is_recorded_and_changed_by_its_services(staff, ngo, world, monkeypatch):
    recorded = _spy(monkeypatch, sources, "source_record")
    updated = _spy(monkeypatch, sources, "source_update")
    response = staff.post("/api/v1/sources/", {"kind": "media", "title": "Local news"}, format="json")
    assert response.status_code == 201, response.json()
    source = Source.objects.get(title="Local news")
    assert recorded[0]["organization"] == ngo and source.organization == ngo
    url = f"/api/v1/sources/{source.pk}/"
    etag = staff.get(url)["ETag"]
    assert staff.patch(url, {"publisher": "Suspilne"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    assert [call["publisher"] for call in updated] == ["Suspilne"]
