"""Search before create in a real browser: typing a name on the household form lists the
household already registered under it (the script, its POST and the CSP together)."""

import pytest

from tests.browser.test_dashboard_browser import FLAGS, PASSWORD, chromium  # noqa: F401 (fixture)
from tests.factories import MembershipFactory, UserFactory
from tests.support.duplicates import register

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_registered_name_shows_the_household(chromium, gazetteer, ngo, live_server):  # noqa: F811
    from playwright.sync_api import sync_playwright

    olena = register(ngo, "Олена Шевченко", born=1980)
    user = UserFactory(username="browser-coordinator")
    user.set_password(PASSWORD)
    user.save()
    MembershipFactory(user=user, organization=ngo, role="coordinator")
    errors = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=FLAGS)
        page = browser.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{live_server.url}/admin/login/?next=/admin/displacement/household/add/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit], input[type=submit]")
        page.wait_for_url("**/household/add/")
        page.get_by_text("Add another contact details").click()
        page.fill("[name='contact_details-0-date_of_birth']", "1980-02-02")
        page.fill("[name='contact_details-0-full_name']", "Shevchenko Olena")
        page.wait_for_selector("#household-duplicates a")
        text = page.inner_text("#household-duplicates")
        browser.close()
    assert olena.code in text and "Олена Шевченко" in text
    assert not [e for e in errors if not e.startswith("Failed to load resource")], errors
