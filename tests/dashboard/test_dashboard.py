"""/dashboard/: staff only, drawn from the summary tables, filterable."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from displacement.models.vocab import Role
from displacement.services.summaries import summaries_rebuild
from tests.factories import (
    MembershipFactory,
    UserFactory,
)
from tests.support.dashboard import seed_dashboard

pytestmark = pytest.mark.django_db
RAW_TABLES = ("displacement_testimony", "displacement_displacement", "displacement_event", 'displacement_case"')


@pytest.fixture
def data(ngo):
    seed_dashboard(ngo, weeks=6, killed=2, second_move_after_days=20)


def _charts(response):
    return {name: json.loads(value) for name, value in response.context["charts"].items()}


@pytest.mark.parametrize("role", ["coordinator", "caseworker", "analyst"])
def test_staff_see_charts_drawn_from_the_summary_tables_only(client, ngo, data, role):
    user = UserFactory(username=f"dash-{role}")
    MembershipFactory(user=user, organization=ngo, role=role)
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/")
    assert response.status_code == 200
    touched = [q["sql"] for q in queries.captured_queries if any(f'"{t}' in q["sql"] for t in RAW_TABLES)]
    assert not touched, touched
    charts = _charts(response)
    assert sum(charts["trend"]["datasets"][0]["data"]) == 6  # testimonies
    assert sum(charts["trend"]["datasets"][1]["data"]) == 12  # households displaced (each twice)
    assert sum(charts["repeat"]["datasets"][0]["data"]) == 6
    assert dict(zip(charts["oblasts"]["labels"], charts["oblasts"]["datasets"][0]["data"], strict=True)) == {
        "Dnipropetrovska": 6,
        "Kharkivska": 6,
    }
    assert sum(charts["cases"]["datasets"][0]["data"]) == 6
    assert response.context["data"]["totals"]["killed"] == 12
    assert b'class="chart"' in response.content and b"<script>" not in response.content


def test_filters_narrow_the_charts(client, ngo, data, coordinator):
    client.force_login(coordinator)
    response = client.get("/dashboard/", {"adm1": "UA63", "event_type": "battles", "since": "2025-03-10"})
    charts = _charts(response)
    assert charts["oblasts"]["labels"] == ["Kharkivska"] and charts["oblasts"]["datasets"][0]["data"] == [5]
    assert charts["types"]["labels"] == ["Battles"]


def test_a_bad_filter_is_a_message_not_an_error(client, data, coordinator):
    client.force_login(coordinator)
    response = client.get("/dashboard/", {"since": "2025-05-01", "until": "2025-03-01", "adm1": "UA99"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "adm1" in form.errors and form.non_field_errors()


@pytest.mark.parametrize("who", ["partner", "operator", "anonymous"])
def test_others_do_not_see_the_dashboard(client, ngo, other_ngo, data, who):
    if who == "partner":
        user = UserFactory(username="partner-user", is_staff=True)
        MembershipFactory(user=user, organization=other_ngo, role=Role.PARTNER)
        client.force_login(user)
    elif who == "operator":
        client.force_login(UserFactory(username="ops", is_superuser=True))
    response = client.get("/dashboard/")
    if who == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    else:
        assert response.status_code == 403


def test_an_organisation_sees_only_its_own_counts(client, ngo, other_ngo, data, other_caseworker):
    summaries_rebuild(organization_id=other_ngo.pk)
    client.force_login(other_caseworker)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["data"]["totals"]["testimonies"] == 0
