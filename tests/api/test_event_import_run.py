"""Staff read which import created or last changed an event; nobody writes it; partners never see it."""

import pytest

from displacement.models import Event
from tests.importers.conftest import run_import

pytestmark = pytest.mark.django_db


def test_staff_read_the_import_run_and_origin_of_an_imported_event(ngo, staff):
    run = run_import(ngo, "acled_api.json")
    event = Event.objects.get(external_id="XUKR90001")
    listed = staff.get("/api/v1/events/").json()["results"]
    body = next(row for row in listed if row["pk"] == event.pk)
    assert (body["import_run"], body["origin"]) == (run.pk, "acled")


def test_the_import_run_cannot_be_written_through_the_api(ngo, staff):
    response = staff.post(
        "/api/v1/events/",
        {"title": "x", "category": "violence", "event_type": "battles", "sub_event_type": "armed_clash",
         "start": "2025-01-02", "place": "UA14", "import_run": 1},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"import_run": ["This field is read-only."]}


def test_partners_do_not_see_import_runs(ngo, partner, world):
    run_import(ngo, "acled_api.json")
    rows = partner.get("/api/v1/events/").json()["results"]
    assert rows and all("import_run" not in row and "origin" not in row for row in rows)
