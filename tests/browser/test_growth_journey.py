"""A growth forecast fills the coming quarters, and the stage it reaches is announced.

An owner whose plan holds only the current quarter (400 in sales, stage 2) fills the next
six quarters at 15% a quarter for sales, checks the preview (six quarters to add, actual
quarters left alone), saves it, and finds the quarter that reaches stage 3 announced in
words on the gap page and on the roadmap.
"""

import pytest
from playwright.sync_api import Page, expect

from planner.models import Change, HeadcountSnapshot, Membership
from planner.planning import current_quarter
from tests.browser.test_journey import label, shoot
from tests.browser.test_more_journeys import log_in
from tests.factories import MembershipFactory, SnapshotFactory

pytestmark = pytest.mark.browser

# 400 × 1.15^k, rounded: the second quarter, 529, is past 500 and in stage 3 (Scale).
GROWN = [460, 529, 608, 700, 805, 925]


def test_an_owner_fills_six_quarters_at_15_percent_and_sees_stage_3_announced(
    live_server, page: Page, issues, screenshot_dir
):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    organization = membership.organization
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now, sales=400, customer_success=0, other=0)
    url = live_server.url
    log_in(page, url, membership.user.username)

    # 1. The headcount page leads to the forecast, which starts after the last quarter.
    page.goto(f"{url}/o/{organization.slug}/headcount/")
    page.get_by_role("button", name="Forecast from growth").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/forecast/")
    expect(page.get_by_label("First quarter to fill")).to_have_value(str(now + 1))
    expect(page.get_by_label("Last quarter to fill")).to_have_value(str(now + 6))
    page.get_by_label("Sales, % per quarter").fill("15")
    shoot(page, screenshot_dir / "growth-01-form.png")
    issues.check("The forecast form")

    # 2. The preview: six quarters to add, compounded, nothing saved yet.
    page.get_by_role("button", name="Preview the forecast").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the forecast")
    expect(page.locator("#forecast-actuals")).to_contain_text(
        f"Actual quarters, those before {label(now)}, are never overwritten"
    )
    added = page.locator("#import-added tbody tr")
    expect(added).to_have_count(6)
    for index, sales in enumerate(GROWN):
        expect(added.nth(index).locator("th")).to_contain_text(label(now + 1 + index))
        expect(added.nth(index).locator("td").first).to_have_text(str(sales))
    assert HeadcountSnapshot.objects.filter(organization=organization).count() == 1
    shoot(page, screenshot_dir / "growth-02-preview.png")
    issues.check("The forecast preview")

    # 3. Saved: back on the headcount page, every quarter recorded in the history.
    history = Change.objects.count()
    page.get_by_role("button", name="Save 6 quarters").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/")
    expect(page.get_by_text("Forecast saved: 6 quarters filled.")).to_be_visible()
    stored = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")
    assert [s.sales for s in stored] == [400, *GROWN]
    assert Change.objects.count() == history + 6
    crossing = f"{label(now + 2)}: you reach 529 customer-facing — stage 3 (Scale)."
    expect(page.locator("#stage-alerts")).to_contain_text(crossing)
    issues.check("The headcount page after the forecast")

    # 4. The gap page and the roadmap announce the quarter that reaches stage 3.
    for path, name in (("", "gap"), ("roadmap/", "roadmap")):
        page.goto(f"{url}/o/{organization.slug}/{path}")
        alert = page.locator(f"#stage-alert-{label(now + 2).replace(' ', '')}")
        expect(alert).to_contain_text(crossing)
        expect(alert).to_contain_text("Your leader should be fully strategic")
        expect(alert).to_contain_text("the team grows to 11")  # ceil(529 / 50)
        expect(alert).to_contain_text(f"open 1 requisition by {label(now + 1)}")
        shoot(page, screenshot_dir / f"growth-03-{name}.png")
        issues.check(f"The {name} page")
