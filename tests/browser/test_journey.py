"""A new user's whole journey in a real browser, and the demo data on a phone.

The journey follows the issue: sign up, create an organization, enter four quarters that
cross from stage 1 to stage 2 and watch the stage and the gap change in place, add a
planned hire and watch its gap close, then export the roadmap CSV and check it against the
rules. Every number the test expects comes from ``planner.rules`` or ``load_plan``.
"""

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from planner import rules
from planner.costs import plain
from planner.exports import ROADMAP_COLUMNS
from planner.models import HeadcountSnapshot, Organization, PlannedHire
from planner.planning import current_quarter, load_plan
from planner.quarters import Quarter

pytestmark = pytest.mark.browser

CSV_HEADER = (
    "quarter,quarter_start,customer_facing_headcount,stage,role,recommended,in_seat,planned,"
    "gap,open_requisition_by,reason,stage_name,role_title,managers,requisition_status,"
    "recommended_cost,in_seat_cost,planned_cost"
)
# The four quarters as (sales, customer success, other): 35, 39 and 43 customer-facing
# (stage 1), then 159 (stage 2). Each quarter after the first starts as a copy of the one
# before, so only the cells that differ are typed.
FIRST = {"sales": 20, "customer_success": 10, "other": 5}
EDITS = [{"sales": 24}, {"customer_success": 14}, {"sales": 140}]
HEADCOUNT_POST = re.compile(r"/headcount/\d+/$")


def label(ordinal: int) -> str:
    return Quarter.from_ordinal(ordinal).label


def signed(number: int) -> str:
    return f"+{number}" if number > 0 else str(number)


def stage_badge(headcount: rules.Headcount) -> str:
    stage = rules.stage_for(headcount.total)
    return f"{stage.number} · {stage.name}"


def shoot(page: Page, path) -> None:
    # caret="initial": hiding the caret leaves style="" on inputs, which htmx then copies
    # with setAttribute when it settles a swap, and the Content-Security-Policy refuses.
    page.screenshot(path=path, full_page=True, caret="initial")


def mark_document(page: Page, name: str) -> None:
    """Tags the current document; the tag survives exactly as long as no reload happens."""
    page.evaluate("(name) => { window.__journeyDocument = name; }", name)


def assert_same_document(page: Page, name: str) -> None:
    assert page.evaluate("window.__journeyDocument") == name, "the page was reloaded"
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1


def save_cell(page: Page, row, name: str, value) -> int:
    """Types into a headcount cell and leaves it with Tab, as a user would; the status code."""
    version = row.locator("input[name=version]")
    before = version.input_value()
    cell = row.locator(f"input[name={name}]")
    with page.expect_response(
        lambda r: r.request.method == "POST" and HEADCOUNT_POST.search(r.url) is not None
    ) as answer:
        cell.fill(str(value))
        cell.press("Tab")
    status = answer.value.status
    if status == 200:
        # The next edit of this row must carry the new version, or it would be stale.
        expect(version).not_to_have_value(before)
    return status


def gap_row_numbers(page: Page, role: str) -> dict[str, int]:
    cells = page.locator(f"#gap-panel #gap-row-{role} td.num").all_inner_texts()
    recommended, in_seat, planned, gap = (int(text.strip()) for text in cells)
    return {"recommended": recommended, "in_seat": in_seat, "planned": planned, "gap": gap}


def expected_csv_rows(organization: Organization) -> list[dict[str, str]]:
    """What the roadmap gives, quarter by quarter and role by role, as CSV text."""
    month = organization.fiscal_year_start_month
    rows = []
    plan = load_plan(organization)
    roadmap = plan.roadmap()
    # The amounts are worked out by hand in tests/test_costs.py; here each row carries its own.
    for quarter, cost in zip(roadmap, plan.roadmap_costs(roadmap), strict=True):
        fiscal = Quarter.from_ordinal(quarter.quarter)
        for role in quarter.gap.rows:
            money = cost.role(role.role)
            deadline = quarter.open_requisition_by(role.role)
            status = quarter.requisition_status(role.role)
            rows.append(
                {
                    "quarter": fiscal.label,
                    "quarter_start": fiscal.start_date(month).isoformat(),
                    "customer_facing_headcount": str(quarter.headcount.total),
                    "stage": str(quarter.gap.assessment.stage),
                    "role": role.role,
                    "recommended": str(role.recommended),
                    "in_seat": str(role.in_seat),
                    "planned": str(role.planned),
                    "gap": str(role.gap),
                    "open_requisition_by": label(deadline) if deadline is not None else "",
                    "reason": str(role.reason),
                    "stage_name": quarter.gap.assessment.stage_name,
                    "role_title": role.title,
                    "managers": str(role.managers),
                    "requisition_status": str(status) if status else "",
                    "recommended_cost": plain(money.recommended),
                    "in_seat_cost": plain(money.in_seat),
                    "planned_cost": plain(money.planned),
                }
            )
    return rows


def test_a_new_user_plans_a_team_from_sign_up_to_csv(
    live_server, page: Page, issues, screenshot_dir
):
    url = live_server.url

    # 1. Sign up, create an organization: its headcount page starts empty.
    page.goto(f"{url}/accounts/signup/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{url}/")
    expect(page.locator(".messages")).to_contain_text("Welcome, ada")
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    assert any(u.endswith(".css") for u in issues.static), "no stylesheet was served"
    assert any(u.endswith(".js") for u in issues.static), "no script was served"
    assert page.evaluate("document.styleSheets.length") >= 2
    issues.check("Sign-up")

    page.get_by_role("button", name="Create an organization").click()
    page.get_by_label("Organization name").fill("Acme Robotics")
    page.get_by_role("button", name="Create organization").click()
    expect(page).to_have_url(re.compile(r"/o/[\w-]+/headcount/$"))
    organization = Organization.objects.get(name="Acme Robotics")
    membership = organization.memberships.get()
    assert (membership.user.username, membership.role) == ("ada", "owner")
    assert page.url == f"{url}/o/{organization.slug}/headcount/"
    expect(page.locator(".empty-state")).to_contain_text("No headcount yet")
    shoot(page, screenshot_dir / "01-empty-headcount.png")
    issues.check("Creating the organization")

    # 2. Four quarters, saved cell by cell, crossing from stage 1 to stage 2 in place.
    mark_document(page, "headcount")
    first = current_quarter(organization)
    page.get_by_label("First quarter").select_option(label=label(first))
    page.get_by_role("button", name="Add this quarter").click()
    rows = page.locator("#headcount-grid tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("input[name=sales]")).to_be_focused()
    for name, value in FIRST.items():
        assert save_cell(page, rows.nth(0), name, value) == 200
    numbers = dict(FIRST)
    entered = [rules.Headcount(**numbers)]
    for index, edit in enumerate(EDITS, start=1):
        page.locator("#add-quarter").click()
        expect(rows).to_have_count(index + 1)
        # htmx focuses the new row's first cell once the swap settles: typing elsewhere
        # before then would land in that cell.
        expect(rows.nth(index).locator("input[name=sales]")).to_be_focused()
        # The new quarter is a copy of the previous one.
        for name, value in numbers.items():
            expect(rows.nth(index).locator(f"input[name={name}]")).to_have_value(str(value))
        if index == len(EDITS):
            stage_one = rules.Headcount(**numbers)
            expect(rows.nth(index).locator(".stage-badge")).to_have_text(stage_badge(stage_one))
            expect(page.locator("#gap-panel .gap-title")).to_contain_text(label(first + index))
            expect(page.locator("#gap-stage")).to_have_text("Stage 1 · Foundation")
            expect(page.locator("#gap-recommended")).to_have_text("1")
            expect(page.locator("#gap-to-plan")).to_have_text("1")
        for name, value in edit.items():
            assert save_cell(page, rows.nth(index), name, value) == 200
        numbers.update(edit)
        entered.append(rules.Headcount(**numbers))

    snapshots = list(HeadcountSnapshot.objects.filter(organization=organization))
    assert [s.quarter for s in snapshots] == [first, first + 1, first + 2, first + 3]
    last = snapshots[-1]
    assert (last.sales, last.customer_success, last.other) == (
        numbers["sales"],
        numbers["customer_success"],
        numbers["other"],
    )
    headcount = rules.Headcount(**numbers)
    assessment = rules.assess(headcount, rules.Profile())
    assert assessment.stage == 2
    fourth = rows.nth(3)
    expect(fourth.locator(".stage-badge")).to_have_text(stage_badge(headcount))
    expect(fourth.locator(f"#snapshot-{last.pk}-total")).to_have_text(str(headcount.total))
    expect(fourth.locator(".stage-change-note")).to_have_text("Stage 2 starts")
    expect(page.locator("#gap-panel .gap-title")).to_contain_text(label(first + 3))
    expect(page.locator("#gap-stage")).to_have_text("Stage 2 · Expansion")
    expect(page.locator("#gap-recommended")).to_have_text(str(assessment.recommended_total))
    # No one in seat and nothing planned yet: every recommended seat is still to plan.
    expect(page.locator("#gap-to-plan")).to_have_text(str(assessment.recommended_total))
    for role, seats in assessment.roles.items():
        expect(page.locator(f"#gap-row-{role} .gap")).to_have_text(signed(seats))
    assert_same_document(page, "headcount")
    shoot(page, screenshot_dir / "02-stage-two.png")
    issues.check("Entering four quarters")

    # 3. A bad value: a message beside the cell, the typed value kept, nothing saved.
    first_row = rows.nth(0)
    snapshot = snapshots[0]
    version = snapshot.version
    # Chromium logs every 4xx answer to a request as a console error; this one is expected.
    issues.allow(r"status of 422")
    assert save_cell(page, first_row, "other", -5) == 422
    expect(page.locator(f"#snapshot-{snapshot.pk}-other-error")).to_have_text(
        "Headcount cannot be negative."
    )
    expect(first_row.locator("input[name=other]")).to_have_value("-5")
    expect(first_row.locator(f"#snapshot-{snapshot.pk}-total")).to_have_text("35")
    snapshot.refresh_from_db()
    assert (snapshot.other, snapshot.version) == (FIRST["other"], version)
    assert_same_document(page, "headcount")
    shoot(page, screenshot_dir / "03-bad-value.png")
    issues.check("Entering a bad value")
    issues.disallow_all()

    # 4. Plan a hire for a role the 4th quarter is short of, and watch its gap close.
    page.get_by_role("navigation", name="Organization").get_by_role(
        "link", name="Team & hires"
    ).click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/team/")
    mark_document(page, "team")
    page.locator("#gap-panel").get_by_label("Quarter").select_option(label=label(first + 3))
    expect(page.locator("#gap-panel .gap-title")).to_contain_text(label(first + 3))
    expect(page.locator("#gap-stage")).to_have_text("Stage 2 · Expansion")
    table = {
        role: gap_row_numbers(page, role)
        for role in page.locator("#gap-panel tr[id^=gap-row-]").evaluate_all(
            "rows => rows.map(row => row.id.slice('gap-row-'.length))"
        )
    }
    assert table == {
        role: {"recommended": seats, "in_seat": 0, "planned": 0, "gap": seats}
        for role, seats in assessment.roles.items()
    }
    role = next(r for r, row in table.items() if row["gap"] > 0 and r != rules.ENABLEMENT_LEADER)
    to_plan = int(page.locator("#gap-to-plan").inner_text())

    hire_form = page.locator("#hire-section form")
    hire_form.get_by_label("Role", exact=True).select_option(value=role)
    hire_form.get_by_label("Target quarter").select_option(label=label(first + 3))
    hire_form.get_by_label("Status").select_option(label="Planned")
    hire_form.get_by_label("Annual cost (optional)").fill("95000")
    with page.expect_response(lambda r: r.url.endswith("/hires/add/")) as answer:
        hire_form.get_by_role("button", name="Plan this hire").click()
    assert answer.value.status == 200
    assert "planChanged" in json.loads(answer.value.headers.get("hx-trigger", "{}"))

    hire = PlannedHire.objects.get(organization=organization)
    assert (hire.role, hire.target_quarter, hire.status) == (role, first + 3, "planned")
    expect(page.locator(f"#hire-{hire.pk}")).to_contain_text(label(first + 3))
    expect(page.locator(f"#gap-row-{role} .gap")).to_have_text(signed(table[role]["gap"] - 1))
    assert gap_row_numbers(page, role) == {
        **table[role],
        "planned": 1,
        "gap": table[role]["gap"] - 1,
    }
    expect(page.locator("#gap-to-plan")).to_have_text(str(to_plan - 1))
    expect(page.locator("#gap-panel .gap-title")).to_contain_text(label(first + 3))
    assert_same_document(page, "team")
    shoot(page, screenshot_dir / "04-team-hire.png")
    issues.check("Planning a hire")

    # 5. The roadmap's CSV: UTF-8 with a BOM, the exact header, every row as the rules say.
    page.get_by_role("navigation", name="Organization").get_by_role("link", name="Roadmap").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/roadmap/")
    shoot(page, screenshot_dir / "05-roadmap.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert download.value.suggested_filename.startswith(f"roadmap-{organization.slug}-")
    raw = download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == CSV_HEADER == ",".join(ROADMAP_COLUMNS)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    exported = list(reader)
    assert reader.fieldnames == CSV_HEADER.split(",")
    assert exported == expected_csv_rows(organization)

    # And the rules, read directly: stage 1 then stage 2, and the hire planned in quarter 4.
    by_quarter: dict[str, list[dict[str, str]]] = {}
    for row in exported:
        by_quarter.setdefault(row["quarter"], []).append(row)
    assert list(by_quarter) == [label(first + i) for i in range(4)]
    assert [h.total for h in entered] == [35, 39, 43, 159]
    for (quarter, quarter_rows), numbers_then in zip(by_quarter.items(), entered, strict=True):
        expected = rules.assess(numbers_then, rules.Profile())
        assert {row["role"]: int(row["recommended"]) for row in quarter_rows} == expected.roles
        for row in quarter_rows:
            assert row["customer_facing_headcount"] == str(numbers_then.total), quarter
            assert row["stage"] == str(expected.stage), quarter
            assert row["in_seat"] == "0"
    assert [found[0]["stage"] for found in by_quarter.values()] == ["1", "1", "1", "2"]
    fourth_rows = {row["role"]: row for row in by_quarter[label(first + 3)]}
    assert fourth_rows[role]["planned"] == "1"
    assert fourth_rows[role]["gap"] == str(assessment.roles[role] - 1)
    assert all(row["planned"] == "0" for q in range(3) for row in by_quarter[label(first + q)])
    issues.check("Exporting the roadmap")


PHONE = {"width": 390, "height": 844}
DEMO_PAGES = ["", "headcount/", "team/", "roadmap/", "settings/", "history/", "members/"]
# Elements past the window's right edge, to name the culprit when the page scrolls sideways:
# those outside a scrolling table wrapper, or positioned ones its scrolling may not contain.
OVERFLOWING = """
() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(el => !el.closest(".table-wrap") || getComputedStyle(el).position !== "static")
  .slice(0, 8)
  .map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(name => "." + name).join(""))
"""


def test_the_demo_fits_a_phone_screen(live_server, page: Page, issues, screenshot_dir):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("enable-the-field-2026")
    page.get_by_role("button", name="Log in").click()
    # The demo user is in one organization, so the login lands in it.
    expect(page).to_have_url(f"{live_server.url}/o/northwind/")
    issues.check("Logging in")

    sideways = {}
    for path in DEMO_PAGES:
        response = page.goto(f"{live_server.url}/o/northwind/{path}")
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("navigation", name="Organization")).to_be_visible()
        name = path.strip("/") or "gap"
        shoot(page, screenshot_dir / f"phone-{name}.png")
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width + 1:
            sideways[f"/{path}"] = (
                f"{scroll_width}px wide, past the edge: {page.evaluate(OVERFLOWING)}"
            )
        issues.check(f"The {name} page on a phone")
    assert not sideways, f"pages scroll sideways on a {PHONE['width']}px phone: {sideways}"
