"""Scenarios in a real browser: on the demo, a newcomer forecasts the plan at 8% a quarter,
makes "Aggressive growth" with sales at 15% a quarter, sees stage 3 arrive two quarters
sooner, compares the two, downloads the comparison and makes the scenario the plan. The
plan's own pages stay as they were until then."""

import csv
import io

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from planner.compare import COMPARE_COLUMNS
from planner.models import HeadcountSnapshot, Organization, Scenario
from planner.planning import current_quarter, load_plan
from tests.browser.test_journey import label, shoot

pytestmark = pytest.mark.browser


def plan_forecast(organization):
    return list(
        HeadcountSnapshot.objects.filter(organization=organization, scenario=None)
        .order_by("quarter")
        .values_list("quarter", "sales", "customer_success", "other", "version")
    )


def forecast_from_growth(page: Page, first: int, last: int, **rates: str) -> None:
    """The headcount page's growth forecast, previewed and saved."""
    page.get_by_role("button", name="Forecast from growth").click()
    page.get_by_label("First quarter to fill").select_option(str(first))
    page.get_by_label("Last quarter to fill").select_option(str(last))
    for function, rate in rates.items():
        page.get_by_label(f"{function}, % per quarter").fill(rate)
    page.get_by_role("button", name="Preview the forecast").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the forecast")
    page.get_by_role("button", name=f"Save {last - first + 1} quarters").click()
    expect(page.get_by_text(f"Forecast saved: {last - first + 1} quarters filled.")).to_be_visible()


def stage_3(quarter: int, people: int) -> str:
    return f"{label(quarter)}: you reach {people} customer-facing — stage 3 (Scale)."


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
    nav = page.get_by_role("navigation", name="Organization")

    # 0. The plan grows 8% a quarter after its last forecast (200 sales, 80 customer
    # success, 40 other): 507 customer-facing, stage 3, six quarters later.
    nav.get_by_role("link", name="Headcount").click()
    every = {"Sales": "8", "Customer success": "8", "Other customer-facing": "8"}
    forecast_from_growth(page, now + 4, now + 12, **every)
    expect(page.locator("#stage-alerts")).to_contain_text(stage_3(now + 9, 507))
    before = plan_forecast(organization)
    issues.check("Forecasting the plan")

    # 1. A new scenario, a copy of the plan, opens on its forecast.
    nav.get_by_role("link", name="Scenarios").click()
    page.get_by_label("Name").fill("Aggressive growth")
    page.get_by_role("button", name="Create the scenario").click()
    scenario = Scenario.objects.get(organization=organization, name="Aggressive growth")
    expect(page).to_have_url(f"{url}/o/northwind/headcount/?scenario={scenario.pk}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Aggressive growth")
    expect(page.locator("#scenario-switcher summary")).to_have_text("Aggressive growth")
    shoot(page, screenshot_dir / "scenario-01-forecast.png")
    issues.check("Creating the scenario")

    # 2. Its sales grow 15% a quarter instead: stage 3 arrives two quarters sooner, at 513.
    forecast_from_growth(page, now + 4, now + 12, **{**every, "Sales": "15"})
    expect(page).to_have_url(f"{url}/o/northwind/headcount/?scenario={scenario.pk}")
    expect(page.locator("#stage-alerts")).to_contain_text(stage_3(now + 7, 513))
    expect(page.locator("#stage-alerts")).not_to_contain_text(stage_3(now + 9, 507))
    # A cell of the scenario's forecast is edited in place too.
    first = scenario.snapshots.get(quarter=now + 1)
    cell = page.locator(f"#snapshot-{first.pk}-sales")
    saved = f"/headcount/{first.pk}/?scenario={scenario.pk}"
    with page.expect_response(lambda r: r.url.endswith(saved)) as answer:
        cell.fill(str(first.sales + 10))
        cell.press("Tab")
    assert answer.value.status == 200
    expect(page.locator(f"#snapshot-{first.pk}-total")).to_have_text(str(first.total + 10))
    rows = list(scenario.snapshots.filter(quarter__gte=now).order_by("quarter"))
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
    expect(page.locator("#stage-alerts")).to_contain_text(stage_3(now + 9, 507))
    expect(page.locator("#stage-alerts")).not_to_contain_text(stage_3(now + 7, 513))

    # 4. Side by side with the plan: the differences and the stage they reach sooner.
    nav.get_by_role("link", name="Scenarios").click()
    page.locator(f"#scenario-{scenario.pk}").get_by_role(
        "link", name="Compare with the plan"
    ).click()
    summary = page.locator("#compare-summary")
    expect(summary).to_contain_text("Aggressive growth forecasts a different headcount")
    expect(summary).to_contain_text(
        f"Stage 3 starts in {label(now + 7)} in Aggressive growth, "
        f"in {label(now + 9)} in Plan (baseline)."
    )
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
    plan_totals = {quarter: sum(counts) for quarter, *counts, _version in before}
    changing = [row for row in rows if plan_totals.get(row.quarter) != row.total]
    assert len(changing) == 10  # the cell edited and the nine quarters grown at 15%
    expect(page.locator("#promote-quarters tbody tr")).to_have_count(len(changing))
    shoot(page, screenshot_dir / "scenario-03-promote.png")
    page.get_by_role("button", name="Make “Aggressive growth” the plan").click()
    expect(page).to_have_url(f"{url}/o/northwind/")
    expect(page.locator(".messages")).to_contain_text("“Aggressive growth” is now the plan")
    plan = load_plan(organization)
    assert [plan.headcounts[row.quarter] for row in rows] == [r.as_headcount() for r in rows]
    expect(page.locator("#stage-alerts")).to_contain_text(stage_3(now + 7, 513))
    kept = Scenario.objects.get(organization=organization)
    assert kept.name.startswith("Plan before")
    assert [s.sales for s in kept.snapshots.filter(quarter__gte=now).order_by("quarter")] == [
        sales for quarter, sales, *_ in before if quarter >= now
    ]
    issues.check("Making the scenario the plan")
