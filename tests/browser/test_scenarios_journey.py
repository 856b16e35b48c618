"""Scenarios in a real browser: on the demo, a newcomer makes "Aggressive growth", grows its
forecast, compares it with the plan, downloads the comparison and makes it the plan. The
plan's own pages stay as they were until then."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from planner.compare import COMPARE_COLUMNS
from planner.models import HeadcountSnapshot, Organization, Scenario
from planner.planning import current_quarter, load_plan
from tests.browser.test_journey import shoot

pytestmark = pytest.mark.browser


def plan_forecast(organization):
    return list(
        HeadcountSnapshot.objects.filter(organization=organization, scenario=None)
        .order_by("quarter")
        .values_list("quarter", "sales", "customer_success", "other", "version")
    )


def test_a_newcomer_tries_aggressive_growth_compares_it_and_makes_it_the_plan(
    live_server, page: Page, issues, screenshot_dir
):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    organization = Organization.objects.get(slug="northwind")
    now = current_quarter(organization)
    before = plan_forecast(organization)
    url = live_server.url
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("enable-the-field-2026")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{url}/o/northwind/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan (baseline)")

    # 1. A new scenario, a copy of the plan, opens on its forecast.
    nav = page.get_by_role("navigation", name="Organization")
    nav.get_by_role("link", name="Scenarios").click()
    page.get_by_label("Name").fill("Aggressive growth")
    page.get_by_role("button", name="Create the scenario").click()
    scenario = Scenario.objects.get(organization=organization, name="Aggressive growth")
    expect(page).to_have_url(f"{url}/o/northwind/headcount/?scenario={scenario.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aggressive growth")
    expect(page.locator("#scenario-switcher summary")).to_have_text("Aggressive growth")
    shoot(page, screenshot_dir / "scenario-01-forecast.png")
    issues.check("Creating the scenario")

    # 2. Its forecast grows faster: each forecast quarter's sales doubled, cell by cell.
    rows = list(scenario.snapshots.filter(quarter__gte=now).order_by("quarter"))
    assert rows, "the demo has forecast quarters"
    for row in rows:
        cell = page.locator(f"#snapshot-{row.pk}-sales")
        saved = f"/headcount/{row.pk}/?scenario={scenario.pk}"
        with page.expect_response(lambda r, saved=saved: r.url.endswith(saved)) as answer:
            cell.fill(str(row.sales * 2))
            cell.press("Tab")
        assert answer.value.status == 200
        expect(page.locator(f"#snapshot-{row.pk}-total")).to_have_text(str(row.total + row.sales))
    # The plan's actual quarters are there, read-only.
    actual = HeadcountSnapshot.objects.filter(
        organization=organization, scenario=None, quarter__lt=now
    ).last()
    expect(page.locator(f"#snapshot-{actual.pk}-sales")).to_have_attribute("readonly", "")
    assert plan_forecast(organization) == before
    issues.check("Editing the scenario's forecast")

    # 3. The plan's pages are unchanged.
    nav.get_by_role("link", name="Team gap").click()
    page.locator("#scenario-switcher summary").click()
    page.locator("#scenario-switcher").get_by_role("link", name="Plan (baseline)").click()
    expect(page).to_have_url(f"{url}/o/northwind/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan (baseline)")

    # 4. Side by side with the plan: the differences and the stage they reach sooner.
    nav.get_by_role("link", name="Scenarios").click()
    page.locator(f"#scenario-{scenario.pk}").get_by_role(
        "link", name="Compare with the plan"
    ).click()
    summary = page.locator("#compare-summary")
    expect(summary).to_contain_text("Aggressive growth forecasts a different headcount")
    expect(page.locator("#compare-table td.differs").first).to_be_visible()
    shoot(page, screenshot_dir / "scenario-02-compare.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    text = download.value.path().read_bytes().decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert tuple(header) == COMPARE_COLUMNS
    assert {line[0] for line in lines} == {"Plan (baseline)", "Aggressive growth"}
    issues.check("Comparing")

    # 5. Made the plan, after a page that lists what changes.
    nav.get_by_role("link", name="Scenarios").click()
    page.locator(f"#scenario-{scenario.pk}").get_by_role("link", name="Make this the plan").click()
    expect(page.locator("#promote-quarters tbody tr")).to_have_count(len(rows))
    shoot(page, screenshot_dir / "scenario-03-promote.png")
    page.get_by_role("button", name="Make “Aggressive growth” the plan").click()
    expect(page).to_have_url(f"{url}/o/northwind/")
    expect(page.locator(".messages")).to_contain_text("“Aggressive growth” is now the plan")
    plan = load_plan(organization)
    assert [plan.headcounts[row.quarter].sales for row in rows] == [r.sales * 2 for r in rows]
    kept = Scenario.objects.get(organization=organization)
    assert kept.name.startswith("Plan before")
    assert [s.sales for s in kept.snapshots.filter(quarter__gte=now).order_by("quarter")] == [
        sales for quarter, sales, *_ in before if quarter >= now
    ]
    issues.check("Making the scenario the plan")
