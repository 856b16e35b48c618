"""A plan a leader can act on, in a real browser: what to do now on the home page, "Plan N
hires" from the roadmap, changing the status of ticked hires together, pasting a block from
a spreadsheet into the headcount grid, and a cited rule one click away.

Each journey is also looked at on a laptop (1280 px) and a phone (390 px): the screenshots
go to the temporary directory the suite prints, and no page may scroll sideways.
"""

import json

import pytest
from playwright.sync_api import Page, expect

from planner import rules, services
from planner.models import HeadcountSnapshot, PlannedHire
from planner.planning import current_quarter, load_plan
from planner.quarters import Quarter
from tests.browser.test_journey import PHONE, assert_same_document, label, mark_document, shoot
from tests.browser.test_more_journeys import log_in
from tests.factories import PlannedHireFactory, SnapshotFactory, TeamMemberFactory

pytestmark = pytest.mark.browser


def key(ordinal: int) -> str:
    quarter = Quarter.from_ordinal(ordinal)
    return f"FY{quarter.fiscal_year}Q{quarter.number}"


# A paste as the browser delivers it, clipboard text and all (headless chromium has no
# clipboard to copy into).
PASTE = """(cell, text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    cell.focus();
    const paste = {clipboardData: data, bubbles: true, cancelable: true};
    cell.dispatchEvent(new ClipboardEvent("paste", paste));
}"""


def look(page: Page, path, name: str) -> None:
    """Screenshots at laptop and phone width; the phone must not scroll sideways."""
    shoot(page, path / f"{name}-1280.png")
    page.set_viewport_size(PHONE)
    shoot(page, path / f"{name}-390.png")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width + 1, f"{name} scrolls sideways on a phone"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def due_plan(organization):
    """Stage 2 from last quarter with a leader in seat: program manager, sales and product
    short since then (overdue); sales grows by 4 next quarter (due now); lead time 1."""
    organization.leader_has_adult_learning = True
    organization.save()
    now = current_quarter(organization)
    SnapshotFactory(
        organization=organization, quarter=now - 1, sales=200, customer_success=0, other=0
    )
    SnapshotFactory(
        organization=organization, quarter=now + 1, sales=400, customer_success=0, other=0
    )
    SnapshotFactory(
        organization=organization, quarter=now + 2, sales=400, customer_success=0, other=0
    )
    TeamMemberFactory(
        organization=organization, role=rules.ENABLEMENT_LEADER, start_quarter=now - 4
    )
    return now


def test_the_home_page_says_what_to_do_now_and_plans_it_in_one_step(
    live_server, page: Page, issues, organization, editor, due_plan, screenshot_dir
):
    now = due_plan
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/")
    mark_document(page, "home")
    actions = page.locator("#actions")
    expect(actions.get_by_role("heading", name="What to do now")).to_be_visible()
    overdue = page.locator("#actions-overdue")
    expect(overdue.locator("li")).to_have_count(3)
    expect(overdue).to_contain_text(
        f"1 × Program manager still to plan, needed since {label(now - 1)}"
    )
    line = page.locator(f"#action-sales_enablement-{key(now + 1)}")
    expect(line).to_contain_text(f"4 × Sales enablement still to plan, needed in {label(now + 1)}")
    expect(page.locator("#actions-this_quarter")).to_contain_text("4 × Sales enablement")
    planned_before = page.locator("#gap-in-seat").inner_text()
    look(page, screenshot_dir, "plan-01-what-to-do-now")
    issues.check("Opening the home page")

    # Plan 3 of the 4 now: the line says what was planned, the panel counts them.
    line.get_by_label(f"Number of Sales enablement hires to plan for {label(now + 1)}").fill("3")
    with (
        page.expect_response(lambda r: "quarter=" in r.url),  # the panel fetches itself
        page.expect_response(lambda r: r.url.endswith("/hires/plan/")) as answer,
    ):
        line.get_by_role("button", name="Plan hires").click()
    assert answer.value.status == 200
    assert "planChanged" in json.loads(answer.value.headers["hx-trigger"])
    expect(line).to_contain_text(f"Planned 3 × Sales enablement for {label(now + 1)}.")
    hires = PlannedHire.objects.filter(organization=organization)
    assert [(h.role, h.target_quarter, h.status) for h in hires] == [
        (rules.SALES_ENABLEMENT, now + 1, rules.PLANNED)
    ] * 3

    # The overdue program manager is planned for now: the panel, showing now, counts it.
    overdue_line = page.locator(f"#action-program_manager-{key(now - 1)}")
    with page.expect_response(lambda r: "quarter=" in r.url and r.request.method == "GET"):
        overdue_line.get_by_role("button", name="Plan hires").click()
    expect(overdue_line).to_contain_text(f"Planned 1 × Program manager for {label(now)}.")
    expect(page.locator("#gap-in-seat")).not_to_have_text(planned_before)
    expect(page.locator("#gap-in-seat")).to_have_text("1 + 1")

    # A count out of range is refused beside the number; nothing is planned.
    issues.allow("422")
    product_line = page.locator(f"#action-product_enablement-{key(now - 1)}")
    product_line.get_by_role("spinbutton").fill("0")
    with page.expect_response(lambda r: r.url.endswith("/hires/plan/")) as answer:
        product_line.get_by_role("button", name="Plan hires").click()
    assert answer.value.status == 422
    expect(product_line).to_contain_text("Plan at least 1 hire")
    assert PlannedHire.objects.filter(organization=organization).count() == 4
    assert_same_document(page, "home")
    look(page, screenshot_dir, "plan-02-planned-from-the-list")


def test_plan_n_hires_from_the_roadmap(
    live_server, page: Page, issues, organization, editor, due_plan, screenshot_dir
):
    now = due_plan
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/roadmap/")
    line = page.locator(f"#plan-product_enablement-{key(now - 1)}")
    expect(line).to_contain_text("1 × Product enablement")
    expect(line.get_by_role("spinbutton")).to_have_value("1")
    # History offers no action; the line to act on sits in the current quarter's row.
    expect(page.locator(f"#roadmap-{key(now - 1)} .plan-hires")).to_have_count(0)
    expect(
        page.locator(f"#roadmap-{key(now)}").locator(f"#plan-product_enablement-{key(now - 1)}")
    ).to_be_visible()
    line.get_by_role("spinbutton").fill("2")
    with page.expect_response(lambda r: r.url.endswith("/hires/plan/")) as answer:
        line.get_by_role("button", name="Plan hires").click()
    assert answer.value.status == 200
    expect(line).to_contain_text(f"Planned 2 × Product enablement for {label(now)}.")
    assert (
        PlannedHire.objects.filter(
            organization=organization, role=rules.PRODUCT_ENABLEMENT, target_quarter=now
        ).count()
        == 2
    )
    look(page, screenshot_dir, "plan-03-roadmap")
    issues.check("Planning from the roadmap")


def test_ticked_hires_change_status_together_and_a_stale_one_is_listed(
    live_server, page: Page, issues, organization, editor, screenshot_dir
):
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now, sales=300, customer_success=50)
    first, second, third = (
        PlannedHireFactory(organization=organization, role=role, target_quarter=now + 1)
        for role in (rules.PROGRAM_MANAGER, rules.SALES_ENABLEMENT, rules.CS_ENABLEMENT)
    )
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/team/")
    mark_document(page, "team")
    expect(page.locator(f"#hire-{first.pk} .requisition")).to_contain_text("due now")
    for hire in (first, second, third):
        page.locator(f"#select-hire-{hire.pk}").check()
    # Someone else moves the third hire meanwhile.
    services.hire_update(hire=third, actor=None, expected_version=1, notes="On hold")
    page.get_by_label("Set the selected hires to").select_option("approved")
    issues.allow("409")
    with page.expect_response(lambda r: r.url.endswith("/hires/status/")) as answer:
        page.get_by_role("button", name="Apply to the selected hires").click()
    assert answer.value.status == 409
    outcome = page.locator("#bulk-outcome")
    expect(outcome).to_contain_text("Set 2 hires to approved.")
    expect(page.locator("#bulk-refused")).to_contain_text("Changed by someone else")
    expect(page.locator("#bulk-refused")).to_contain_text("On hold")
    expect(page.locator(f"#hire-{first.pk} .tag-hire-approved")).to_have_text("Approved")
    expect(page.locator(f"#hire-{second.pk} .tag-hire-approved")).to_have_text("Approved")
    expect(page.locator(f"#hire-{third.pk} .tag-hire-planned")).to_have_text("Planned")
    expect(page.locator(f"#select-hire-{third.pk}")).to_be_checked()
    look(page, screenshot_dir, "plan-04-bulk-status")
    # Applying again changes the one left, as it is now.
    page.get_by_label("Set the selected hires to").select_option("approved")
    with page.expect_response(lambda r: r.url.endswith("/hires/status/")) as answer:
        page.get_by_role("button", name="Apply to the selected hires").click()
    assert answer.value.status == 200
    expect(outcome).to_contain_text("Set 1 hire to approved.")
    assert set(PlannedHire.objects.values_list("status", flat=True)) == {rules.APPROVED}
    assert_same_document(page, "team")


def test_a_block_pasted_into_the_grid_fills_the_quarters_from_that_row(
    live_server, page: Page, issues, organization, editor, screenshot_dir
):
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now, sales=10, customer_success=2, other=1)
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/headcount/")
    mark_document(page, "grid")

    # "+ Add quarter" puts the cursor in the new row's first cell.
    with page.expect_response(lambda r: r.url.endswith("/headcount/add/")):
        page.get_by_role("button", name=f"+ Add {label(now + 1)}").click()
    added = HeadcountSnapshot.objects.get(organization=organization, quarter=now + 1)
    expect(page.locator(f"#snapshot-{added.pk}-sales")).to_be_focused()

    first = HeadcountSnapshot.objects.get(organization=organization, quarter=now)
    cell = page.locator(f"#snapshot-{first.pk}-sales")
    block = "40\t12\t5\n60\t20\t8\n120\t40\t10\n"
    with page.expect_response(lambda r: r.url.endswith("/headcount/paste/")) as answer:
        cell.evaluate(PASTE, block)
    assert answer.value.status == 200
    expect(page.locator("#paste-done")).to_contain_text("Pasted 3 quarters")
    stored = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")
    assert [(s.quarter, s.sales, s.customer_success, s.other) for s in stored] == [
        (now, 40, 12, 5),
        (now + 1, 60, 20, 8),
        (now + 2, 120, 40, 10),
    ]
    new = stored.last()
    expect(page.locator(f"#snapshot-{new.pk}-sales")).to_have_value("120")
    expect(page.locator(f"#snapshot-{new.pk}-stage")).to_contain_text(
        str(rules.stage_for(170).name)
    )
    look(page, screenshot_dir, "plan-05-pasted")

    # A bad cell: nothing saved, the reason names the row and column.
    issues.allow("422")
    cell = page.locator(f"#snapshot-{first.pk}-sales")
    with page.expect_response(lambda r: r.url.endswith("/headcount/paste/")) as answer:
        cell.evaluate(PASTE, "1\t2\t3\n4\tfour\t6")
    assert answer.value.status == 422
    expect(page.locator("#paste-refused")).to_be_visible()
    expect(page.locator("#paste")).to_contain_text(
        "Row 2, customer success: “four” is not a whole number of people."
    )
    assert HeadcountSnapshot.objects.get(organization=organization, quarter=now).sales == 40
    assert_same_document(page, "grid")
    look(page, screenshot_dir, "plan-06-paste-refused")


def test_a_cited_rule_is_one_click_away_and_the_quarter_is_in_the_address(
    live_server, page: Page, issues, organization, editor, due_plan, screenshot_dir
):
    now = due_plan
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/")
    page.locator("#gap-quarter-f").select_option(key(now + 1))
    expect(page).to_have_url(f"{url}/o/{organization.slug}/?quarter={key(now + 1)}")
    expect(page.locator(".gap-title")).to_contain_text(label(now + 1))
    page.go_back()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/")
    page.reload()
    expect(page.locator(".gap-title")).to_contain_text(
        label(load_plan(organization).default_quarter())
    )

    page.locator("#gap-row-program_manager .citations a", has_text="B step 3").click()
    expect(page).to_have_url(f"{url}/rules/#b-step-3")
    expect(page.locator("#b-step-3")).to_be_in_viewport()
    expect(page.locator("#b-step-3")).to_contain_text("program_manager")
    look(page, screenshot_dir, "plan-07-rules")
    issues.check("Following a citation")
