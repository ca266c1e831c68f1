"""The dashboard's charts read on their own: a legend naming each series, a y-axis numbered
from zero in the user's language, every week of the period, and the same numbers as text."""

import datetime
import json
import re

import pytest
from django.utils import translation

from displacement.dashboard.charts import Series, chart
from displacement.selectors import dashboard as selector
from tests.support.dashboard import seed_dashboard

pytestmark = pytest.mark.django_db
PERIOD = {"since": "2025-02-24", "until": "2025-04-13"}  # a week before the data, two after


@pytest.fixture
def data(ngo):
    seed_dashboard(ngo, weeks=4, killed=1, second_move_after_days=0)


def _page(client, user, **headers):
    client.force_login(user)
    response = client.get("/dashboard/", PERIOD, **headers)
    assert response.status_code == 200
    return response


def test_each_chart_names_its_series_in_a_legend_and_numbers_its_y_axis_from_zero(client, data, coordinator):
    charts = _page(client, coordinator).context["charts"]
    for one in charts.values():
        options = json.loads(one["options"])
        assert options["plugins"]["legend"]["display"] is True
        assert options["scales"]["y"]["ticks"]["display"] is True and options["scales"]["y"]["beginAtZero"] is True
        assert options["locale"] == "en"
    trend = json.loads(charts["trend"]["data"])
    assert [dataset["label"] for dataset in trend["datasets"]] == ["Testimonies", "Households displaced"]


def test_the_y_axis_and_the_tables_count_in_the_users_language(client, data, coordinator):
    response = _page(client, coordinator, HTTP_ACCEPT_LANGUAGE="uk")
    assert json.loads(response.context["charts"]["trend"]["options"])["locale"] == "uk"
    with translation.override("uk"):
        big = chart("bar", "Big", "Week", ["2025-03-03"], [Series("Testimonies", [12000], "#000")])
    assert big["rows"] == [("2025-03-03", ["12\xa0000"])] and "12\xa0000" in big["summary"]


def test_every_week_of_the_period_is_on_the_axis_and_an_empty_one_at_zero(client, data, coordinator):
    response = _page(client, coordinator)
    trend = json.loads(response.context["charts"]["trend"]["data"])
    monday = datetime.date(2025, 2, 24)
    assert trend["labels"] == [(monday + datetime.timedelta(weeks=n)).isoformat() for n in range(7)]
    assert trend["datasets"][0]["data"] == [0, 1, 1, 1, 1, 0, 0]
    assert "A week without records is at zero." in response.content.decode()
    assert "small-cell suppression hides" not in response.content.decode()


def test_every_chart_has_a_text_alternative(client, data, coordinator):
    page = _page(client, coordinator).content.decode()
    labels = re.findall(r'<canvas class="chart" role="img" aria-label="([^"]+)"', page)
    assert len(labels) == 5
    assert labels[0].startswith("Weekly testimonies and households displaced. Testimonies: 4 in all, at most 1")
    assert page.count("<details") == 5
    assert '<th scope="row" class="text-left font-normal px-2 py-1">2025-02-24</th>' in page


def test_a_suppressed_week_is_a_gap_not_a_zero_and_the_note_says_so(client, data, coordinator, monkeypatch):
    """The staff dashboard suppresses nothing; a hidden count (None, as ``reports.suppression``
    gives it) is drawn as a gap, shown as a dash and named in the note and the summary."""
    exact = selector._sums

    def one_week_hidden(cells):
        totals, weekly, by_oblast, by_type = exact(cells)
        weekly[0]["testimonies"] = None
        return totals, weekly, by_oblast, by_type

    monkeypatch.setattr(selector, "_sums", one_week_hidden)
    response = _page(client, coordinator)
    trend = json.loads(response.context["charts"]["trend"]["data"])
    assert trend["datasets"][0]["data"] == [0, None, 1, 1, 1, 0, 0]
    page = response.content.decode()
    assert "a gap is a week whose count small-cell suppression hides: it is not zero." in page.lower()
    assert "1 value hidden by small-cell suppression" in response.context["charts"]["trend"]["summary"]
    assert '<td class="text-right px-2 py-1">—</td>' in page
