"""Headcount in from a spreadsheet and the roadmap out to one, in a real browser.

A newcomer whose plan is empty imports six quarters from an Excel file in one step after
checking its preview, then downloads the roadmap as an Excel workbook and finds in it what
the rules give. Without JavaScript, a file with mistakes is refused line by line and a
corrected one changes a quarter, shown old → new before it is saved.
"""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Page, expect

from planner import exports, rules
from planner.models import Change, HeadcountSnapshot, Membership
from planner.planning import current_quarter, load_plan
from tests.browser.test_journey import label, shoot
from tests.browser.test_more_journeys import log_in
from tests.factories import MembershipFactory, SnapshotFactory

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# Six quarters from the current one, crossing from stage 1 into stage 2 in the fourth.
SIX = [(20, 10, 5), (24, 10, 5), (24, 14, 5), (80, 30, 10), (90, 35, 10), (100, 40, 12)]


def workbook(rows) -> bytes:
    book = Workbook()
    book.active.append(["Quarter", "Sales", "Customer success", "Other"])
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shoot_both(page: Page, path) -> None:
    """The page at desktop width, then on a phone."""
    shoot(page, path.with_name(path.stem + "-1280.png"))
    page.set_viewport_size(PHONE)
    shoot(page, path.with_name(path.stem + "-390.png"))
    page.set_viewport_size(DESKTOP)


def test_a_newcomer_imports_six_quarters_from_excel_then_downloads_the_roadmap(
    live_server, page: Page, issues, screenshot_dir, tmp_path
):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    organization = membership.organization
    now = current_quarter(organization)
    url = live_server.url
    log_in(page, url, membership.user.username)

    # 1. The empty headcount page leads to the import.
    page.goto(f"{url}/o/{organization.slug}/headcount/")
    expect(page.locator(".empty-state")).to_contain_text("No headcount yet")
    page.get_by_role("button", name="Import from a file").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/import/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import headcount from a file")
    shoot_both(page, screenshot_dir / "import-01-upload")
    issues.check("The upload page")

    # 2. The file, then its preview: six quarters to add, nothing saved yet.
    rows = [(label(now + n), *counts) for n, counts in enumerate(SIX)]
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "headcount.xlsx", "mimeType": XLSX, "buffer": workbook(rows)}
    )
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_role("heading", name="6 quarters to add")).to_be_visible()
    added = page.locator("#import-added tbody tr")
    expect(added).to_have_count(6)
    for index, (quarter, sales, customer_success, other) in enumerate(rows):
        cells = added.nth(index)
        expect(cells.locator("th")).to_contain_text(quarter)
        expect(cells.locator("td")).to_have_text(
            [str(sales), str(customer_success), str(other), str(sales + customer_success + other)]
        )
    assert not HeadcountSnapshot.objects.filter(organization=organization).exists()
    shoot_both(page, screenshot_dir / "import-02-preview")
    issues.check("The preview")

    # 3. One step: the six quarters are saved, each recorded in the history.
    page.get_by_role("button", name="Import 6 quarters").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/")
    expect(page.locator(".messages")).to_contain_text("Headcount imported: 6 quarters added.")
    grid = page.locator("#headcount-grid tbody tr[id^=snapshot-]")
    expect(grid).to_have_count(6)
    stored = list(HeadcountSnapshot.objects.filter(organization=organization))
    assert [(s.quarter, s.sales, s.customer_success, s.other) for s in stored] == [
        (now + n, *counts) for n, counts in enumerate(SIX)
    ]
    assert Change.objects.filter(organization=organization, action="created").count() == 6
    shoot_both(page, screenshot_dir / "import-05-headcount")
    fourth = rules.Headcount(*SIX[3])
    expect(grid.nth(3).locator(".stage-change-note")).to_have_text(
        f"Stage {rules.stage_for(fourth.total).number} starts"
    )
    issues.check("Applying the import")

    # 4. The roadmap as an Excel workbook: the rules' rows, typed.
    page.get_by_role("navigation", name="Organization").get_by_role("link", name="Roadmap").click()
    shoot_both(page, screenshot_dir / "import-06-roadmap")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download Excel").click()
    assert download.value.suggested_filename.startswith(f"roadmap-{organization.slug}-")
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / "roadmap.xlsx"
    download.value.save_as(saved)
    sheet = load_workbook(saved).worksheets[0]
    assert sheet.freeze_panes == "A2"
    header, *cells = list(sheet.iter_rows(values_only=True))
    assert header == exports.ROADMAP_COLUMNS
    plan = load_plan(organization)
    roadmap = plan.roadmap()
    expected = exports.roadmap_values(roadmap, organization, plan.roadmap_costs(roadmap))
    got = [
        [
            value.date() if hasattr(value, "date") else "" if value is None else value
            for value in row
        ]
        for row in cells
    ]
    # Amounts are numbers in the workbook (0.00 reads back as 0): compare them as amounts.
    money = range(len(exports.ROADMAP_COLUMNS) - 3, len(exports.ROADMAP_COLUMNS))

    def amounts(row):
        return [Decimal(str(v)) if i in money else v for i, v in enumerate(row)]

    assert [amounts(row) for row in got] == [amounts(row) for row in expected]
    assert {row[0] for row in got} == {label(now + n) for n in range(6)}
    issues.check("Downloading the roadmap")


def test_without_javascript_a_bad_file_is_refused_line_by_line_and_a_change_shown_before_saving(
    live_server, open_page, screenshot_dir
):
    membership = MembershipFactory(role=Membership.Role.EDITOR)
    organization = membership.organization
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now, sales=20, customer_success=10, other=5)
    page, issues = open_page(java_script_enabled=False)
    url = live_server.url
    log_in(page, url, membership.user.username)
    page.goto(f"{url}/o/{organization.slug}/headcount/import/")

    # A file with three mistakes: every one listed with its line, beside the field.
    bad = "\n".join(
        [
            "quarter,sales,customer_success,other",
            f"{label(now)},twenty,10,5",
            f"{label(now + 1)},24,-1,5",
            f"{label(now + 1)},24,10,5",
        ]
    )
    issues.allow(r"status of 422")
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "headcount.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()
    problems = page.locator("#import-problems li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_have_text(
        "Line 2, sales: “twenty” is not a number: write a whole number of people, like 42."
    )
    expect(problems.nth(1)).to_contain_text("Line 3, customer_success: “-1” is negative")
    expect(problems.nth(2)).to_have_text(f"Line 4, quarter: {label(now + 1)} is already on line 3.")
    shoot_both(page, screenshot_dir / "import-03-problems")

    # Corrected: one quarter changes (old → new), one is added; still nothing saved.
    good = "\n".join(
        [
            "quarter,sales,customer_success,other",
            f"{label(now)},22,10,5",
            f"{label(now + 1)},24,10,5",
        ]
    )
    page.get_by_label("CSV or Excel file").set_input_files(
        {"name": "headcount.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Preview the import").click()
    changed = page.locator("#import-changed tbody tr")
    expect(changed).to_have_count(1)
    expect(changed.locator("td").nth(0).locator("del")).to_have_text("20")
    expect(changed.locator("td").nth(0).locator("ins")).to_have_text("22")
    expect(changed.locator("td").nth(1)).to_have_text("10")
    shoot_both(page, screenshot_dir / "import-04-change")
    assert HeadcountSnapshot.objects.get(organization=organization).sales == 20

    page.get_by_role("button", name="Import 2 quarters").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/")
    expect(page.locator(".messages")).to_contain_text("1 quarter added, 1 changed")
    stored = HeadcountSnapshot.objects.filter(organization=organization)
    assert [(s.quarter, s.sales) for s in stored] == [(now, 22), (now + 1, 24)]
