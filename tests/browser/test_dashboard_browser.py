"""The dashboard in a real browser: Playwright driving Debian's Chromium.

Log in, open the dashboard, see every chart drawn with non-zero data, a legend and a numbered
y-axis (in Ukrainian too), change a filter, and keep screenshots in ``test-artifacts/`` (CI
prints where). CI installs Chromium in ``.ci/run`` and fails if it is missing; elsewhere the
test is skipped with the command to install it.
"""

import os
from pathlib import Path

import pytest

from tests.factories import (
    MembershipFactory,
    UserFactory,
)
from tests.support.dashboard import seed_dashboard

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "a-long-browser-test-password"
# Flags for a closed network and a root user (see the machine notes): no sandbox, no calls home.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.django_db(transaction=True)

ALL_CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('canvas.chart')).map((canvas) => {
    const chart = Chart.getChart(canvas);
    if (!chart) return {drawn: false};
    const total = chart.data.datasets.reduce((sum, d) => sum + d.data.reduce((a, b) => a + b, 0), 0);
    return {drawn: canvas.width > 0 && canvas.height > 0, total: total, labels: chart.data.labels};
})"""

# The trend chart as Chart.js drew it: its legend, its y-axis' labels, its weeks, and how its
# y-axis would write a large count.
TREND_AS_DRAWN = """() => {
    const chart = Chart.getChart(document.querySelector('canvas.chart'));
    return {
        legend: chart.legend.legendItems.map((item) => [item.text, item.fillStyle]),
        ticks: chart.scales.y.ticks.map((tick) => tick.label),
        weeks: chart.data.labels.length,
        large: chart.scales.y.getLabelForValue(12000),
    };
}"""


@pytest.fixture
def chromium():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run must install Debian's chromium")
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install chromium chromium-driver (CI installs it)")
    return CHROMIUM


@pytest.fixture
def dashboard_data(gazetteer, ngo):
    seed_dashboard(ngo, weeks=8, killed=1, second_move_after_days=10)
    user = UserFactory(username="browser-coordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, organization=ngo, role="coordinator")
    return user


def test_dashboard_draws_its_charts_and_filters(chromium, dashboard_data, live_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    errors, failed = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        # Chromium asks for /favicon.ico by itself; any other failed request is a defect.
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("pageerror", lambda error: errors.append(str(error)))

        page.goto(f"{live_server.url}/admin/login/?next=/dashboard/")
        page.fill("#id_username", dashboard_data.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url("**/dashboard/")
        page.wait_for_function("() => document.querySelectorAll('canvas.chart').length === 5")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('canvas.chart')).every(c => Chart.getChart(c))"
        )
        charts = page.evaluate(ALL_CHARTS_DRAWN)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        assert len(charts) == 5 and all(chart["drawn"] and chart["total"] > 0 for chart in charts), charts
        assert page.inner_text("[data-total=testimonies]") == "8"
        trend = page.evaluate(TREND_AS_DRAWN)
        assert trend["legend"] == [["Testimonies", "#9333ea"], ["Households displaced", "#f97316"]], trend
        assert trend["ticks"][0] == "0" and trend["ticks"][-1] == "2", trend  # at most 2 households a week
        assert trend["weeks"] == 52 and trend["large"] == "12,000", trend

        page.select_option("#id_adm1", "UA63")
        page.click("#dashboard-filters button[type=submit]")
        page.wait_for_url("**/dashboard/?*adm1=UA63*")
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('canvas.chart')).every(c => Chart.getChart(c))"
        )
        filtered = page.evaluate(ALL_CHARTS_DRAWN)
        page.screenshot(path=str(ARTIFACTS / "dashboard-kharkivska.png"), full_page=True)

        page.context.add_cookies([{"name": "django_language", "value": "uk", "url": live_server.url}])
        page.reload()
        page.wait_for_function("() => Chart.getChart(document.querySelector('canvas.chart'))")
        in_ukrainian = page.evaluate(TREND_AS_DRAWN)
        page.screenshot(path=str(ARTIFACTS / "dashboard-uk.png"), full_page=True)
        browser.close()
    assert in_ukrainian["ticks"][0] == "0" and in_ukrainian["large"] == "12\u00a0000", in_ukrainian
    by_oblast = filtered[1]
    assert by_oblast["labels"] == ["Kharkivska"] and by_oblast["total"] == 8
    failed = [line for line in failed if not line.endswith("/favicon.ico")]
    assert not failed, failed
    assert not [e for e in errors if not e.startswith("Failed to load resource")], errors
