"""A date outside its window (``models.dates``) sent to the API is a 400 naming the field, and
nothing is written."""

import pytest

from displacement import models as m

pytestmark = pytest.mark.django_db
ABSURD = ["0001-01-01", "1899-12-31", "9999-12-31"]


@pytest.mark.parametrize("day", ABSURD)
def test_the_api_answers_an_absurd_date_with_a_field_error(partner, day):
    event = {
        "title": "t",
        "category": "violence",
        "event_type": "battles",
        "sub_event_type": "armed_clash",
        "start": day,
        "place": "UA12",
    }
    response = partner.post("/api/v1/events/", event, format="json")
    assert response.status_code == 400 and "start" in response.json()["error"]["fields"]
    testimony = {"witness_role": "volunteer", "summary": "s", "recorded_on": day}
    response = partner.post("/api/v1/testimonies/", testimony, format="json")
    assert response.status_code == 400 and "recorded_on" in response.json()["error"]["fields"]
    household = partner.post("/api/v1/households/", {"current_place": "UA1202"}, format="json").json()["id"]
    displacement = {"household": household, "origin": "UA1416021", "left_on": day}
    response = partner.post("/api/v1/displacements/", displacement, format="json")
    assert response.status_code == 400 and "left_on" in response.json()["error"]["fields"]
    response = partner.post("/api/v1/cases/", {"household": household, "opened_on": day}, format="json")
    assert response.status_code == 400 and "opened_on" in response.json()["error"]["fields"]
    assert not m.Event.objects.exists() and not m.Testimony.objects.exists()
