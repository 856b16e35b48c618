"""The interface in Polish, in a real browser: a newcomer switches language from the header,
reads every main page in Polish, and finds the choice again when signing in elsewhere."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from planner.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME
from planner.models import UserPreferences
from tests.browser.test_journey import DEMO_PAGES, shoot
from tests.browser.test_more_journeys import log_in

pytestmark = pytest.mark.browser

PAGES = [*DEMO_PAGES, "summary/"]
# Sentences of the English interface that a page in Polish must not show.
ENGLISH = (
    "What to do now",
    "Team gap",
    "Recommended",
    "In seat",
    "customer-facing",
    "Planned hires",
    "Log out",
    "Settings",
    "How the recommendations work",
    "still to plan",
    "requisition by",
)


def english_left(page: Page) -> list[str]:
    text = page.locator("body").inner_text()
    return [sentence for sentence in ENGLISH if sentence in text]


def test_a_newcomer_reads_every_page_in_polish_and_keeps_it_on_another_browser(
    live_server, page: Page, issues, open_page, screenshot_dir
):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    url, base = live_server.url, f"{live_server.url}/o/{DEMO_SLUG}"
    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Polski").click()
    expect(page).to_have_url(f"{base}/")  # back on the page the switch was made from
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.get_by_role("heading", name="Co zrobić teraz")).to_be_visible()
    expect(page.get_by_role("button", name="Polski")).to_be_disabled()
    issues.check("Switching to Polish")
    assert UserPreferences.objects.get(user__username=DEMO_USERNAME).language == "pl"

    for path in PAGES:
        response = page.goto(f"{base}/{path}")
        assert response is not None and response.status == 200, path
        expect(page.locator("html")).to_have_attribute("lang", "pl")
        expect(page.get_by_role("navigation", name="Organizacja")).to_be_visible()
        assert english_left(page) == [], path
        shoot(page, screenshot_dir / f"polish-{path.strip('/') or 'gap'}.png")
        issues.check(f"The {path or 'gap'} page in Polish")

    # Another browser, with no cookie: the login page is in English until the user is known.
    other, other_issues = open_page()
    log_in(other, url, DEMO_USERNAME, DEMO_PASSWORD)
    expect(other.locator("html")).to_have_attribute("lang", "pl")
    expect(other.get_by_role("heading", name="Luka w zespole")).to_be_visible()
    assert english_left(other) == []
    other_issues.check("Signing in from another browser")

    # And back: English again, for this user everywhere.
    other.get_by_role("button", name="English").click()
    expect(other.locator("html")).to_have_attribute("lang", "en")
    expect(other.get_by_role("heading", name="What to do now")).to_be_visible()
    assert UserPreferences.objects.get(user__username=DEMO_USERNAME).language == "en"
