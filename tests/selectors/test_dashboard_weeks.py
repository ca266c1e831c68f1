"""The dashboard's weekly series: every week of the period on the axis, an empty week at zero,
a suppressed one a gap, and a period too long to draw narrowed to its data."""

import datetime

import pytest

from displacement.models import WeeklySummary
from displacement.selectors.dashboard import MAX_WEEKS_DRAWN, DashboardFilters, dashboard_data, filled, week_axis
from tests.support.dashboard import seed_dashboard

FIRST = datetime.date(2025, 3, 3)  # seed_dashboard's first week
WEEK = datetime.timedelta(weeks=1)


def test_the_axis_holds_every_week_from_the_first_to_the_last():
    assert week_axis(datetime.date(2025, 3, 5), datetime.date(2025, 3, 23)) == [
        datetime.date(2025, 3, 3),
        datetime.date(2025, 3, 10),
        datetime.date(2025, 3, 17),
    ]


def test_the_axis_ends_on_the_last_storable_week_without_overflowing():
    assert week_axis(datetime.date(9999, 12, 20), datetime.date(9999, 12, 31))[-1] == datetime.date(9999, 12, 27)


def test_a_week_without_a_cell_is_zero_and_a_suppressed_one_stays_a_gap():
    axis = week_axis(FIRST, FIRST + 3 * WEEK)
    counts = {FIRST: 4, FIRST + 2 * WEEK: None, FIRST + 3 * WEEK: 6}
    assert filled(axis, counts) == [4, 0, None, 6]


@pytest.mark.django_db
def test_a_week_with_no_data_is_on_the_dashboards_axis_at_zero(ngo):
    seed_dashboard(ngo, weeks=3, killed=1, second_move_after_days=0)
    WeeklySummary.objects.filter(organization=ngo, week=FIRST + WEEK).delete()
    weekly = dashboard_data(ngo, DashboardFilters(since=FIRST - WEEK, until=FIRST + 4 * WEEK))["weekly"]
    assert weekly["labels"] == [(FIRST + n * WEEK).isoformat() for n in range(-1, 5)]
    assert weekly["testimonies"] == [0, 1, 0, 1, 0, 0]
    assert weekly["households_displaced"] == [0, 1, 0, 1, 0, 0]
    assert weekly["drawn"] == "period" and weekly["suppressed"] is False


@pytest.mark.django_db
def test_a_period_longer_than_the_axis_can_hold_runs_from_its_first_to_its_last_week_with_data(ngo):
    seed_dashboard(ngo, weeks=3, killed=1, second_move_after_days=0)
    WeeklySummary.objects.filter(organization=ngo, week=FIRST + WEEK).delete()
    weekly = dashboard_data(ngo, DashboardFilters(since=datetime.date(1900, 1, 1), until=datetime.date(2999, 12, 31)))[
        "weekly"
    ]
    assert weekly["drawn"] == "data"
    assert weekly["labels"] == [FIRST.isoformat(), (FIRST + WEEK).isoformat(), (FIRST + 2 * WEEK).isoformat()]
    assert weekly["testimonies"] == [1, 0, 1]


@pytest.mark.django_db
def test_data_spread_wider_than_the_axis_can_hold_shows_its_weeks_only(ngo):
    seed_dashboard(ngo, weeks=2, killed=1, second_move_after_days=0)
    far = FIRST - (MAX_WEEKS_DRAWN + 5) * WEEK
    WeeklySummary.objects.filter(organization=ngo, week=FIRST).update(week=far)
    weekly = dashboard_data(ngo, DashboardFilters(since=datetime.date(1900, 1, 1), until=datetime.date(2999, 12, 31)))[
        "weekly"
    ]
    assert weekly["drawn"] == "sparse"
    assert weekly["labels"] == [far.isoformat(), (FIRST + WEEK).isoformat()]
    assert weekly["testimonies"] == [1, 1]


@pytest.mark.django_db
def test_without_a_period_the_axis_spans_the_weeks_with_data(ngo):
    seed_dashboard(ngo, weeks=3, killed=1, second_move_after_days=0)
    WeeklySummary.objects.filter(organization=ngo, week=FIRST + WEEK).delete()
    assert dashboard_data(ngo, DashboardFilters())["weekly"]["testimonies"] == [1, 0, 1]
