"""/dashboard/: staff only, drawn from the summary tables, filterable."""

import datetime
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
    return {name: json.loads(chart["data"]) for name, chart in response.context["charts"].items()}


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


@pytest.mark.parametrize(
    "filters",
    [{}, {"adm1": "UA63"}, {"event_type": "battles", "since": "2025-03-10"}, {"since": "2030-01-01"}],
)
def test_one_scan_gives_what_a_query_per_chart_gave(ngo, data, filters):
    import datetime

    from django.db.models import Sum

    from displacement.models import WeeklySummary
    from displacement.selectors.dashboard import DashboardFilters, _sums
    from displacement.services.summaries import METRICS

    if "since" in filters:
        filters = {**filters, "since": datetime.date.fromisoformat(filters["since"])}
    WeeklySummary.objects.filter(pk=WeeklySummary.objects.filter(organization=ngo).first().pk).update(adm1="")
    cells = WeeklySummary.objects.filter(organization=ngo)
    chosen = DashboardFilters(**filters)
    if chosen.since:
        cells = cells.filter(week__gte=chosen.since - datetime.timedelta(days=chosen.since.weekday()))
    if chosen.adm1:
        cells = cells.filter(adm1=chosen.adm1)
    if chosen.event_type:
        cells = cells.filter(event_type=chosen.event_type)
    sums = {metric: Sum(metric) for metric in METRICS}
    totals, weekly, by_oblast, by_type = _sums(cells)
    assert totals == {key: value or 0 for key, value in cells.aggregate(**sums).items()}
    assert weekly == list(cells.order_by("week").values("week").annotate(**sums))
    assert [(row["adm1"], row["events"]) for row in by_oblast] == list(
        cells.exclude(adm1="").order_by("adm1").values_list("adm1").annotate(Sum("events"))
    )
    assert [(row["event_type"], row["events"]) for row in by_type] == list(
        cells.exclude(event_type="").order_by("event_type").values_list("event_type").annotate(Sum("events"))
    )
    if "since" in filters and filters["since"].year == 2030:
        assert weekly == [] and set(totals.values()) == {0}
    else:
        assert weekly and by_oblast and by_type


def test_the_dashboard_answers_whatever_weeks_are_stored(client, ngo, coordinator):
    """Weeks stored before dates had a window (the year 9999, the year 1) do not move the
    default period out of the calendar: the dashboard was a 500 for the whole organisation."""
    from displacement.models import WeeklySummary

    seed_dashboard(ngo, weeks=3, killed=1, second_move_after_days=20)
    first, last = WeeklySummary.objects.filter(organization=ngo).order_by("week", "pk")[:2]
    WeeklySummary.objects.filter(pk=first.pk).update(week=datetime.date(1, 1, 1))
    WeeklySummary.objects.filter(pk=last.pk).update(week=datetime.date(9999, 12, 27))
    client.force_login(coordinator)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["filters"].until < datetime.date(2026, 1, 1)  # the last sane week's Sunday


def test_a_period_outside_the_date_window_is_a_form_error(client, ngo, data, coordinator):
    client.force_login(coordinator)
    response = client.get("/dashboard/", {"since": "0001-01-01", "until": "9999-12-31"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"since", "until"}
