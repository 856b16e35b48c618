"""Budget and the leadership pack in a real browser, on the demo: a currency and role costs
set in settings, the costs on the roadmap and in its CSV, the summary printed to PDF, and a
share link opened in a private window and then revoked.

Every amount expected comes from ``load_plan`` and ``planner.costs``, never typed here.
"""

import csv
import io
import unicodedata
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from planner import costs, rules
from planner.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME
from planner.models import Change, Entity, Organization, ShareLink
from planner.money import format_amount
from planner.planning import load_plan
from tests.browser.test_journey import shoot
from tests.browser.test_more_journeys import log_in

pytestmark = pytest.mark.browser

# A4 and Letter in CSS pixels (96 per inch) less the print margins of app.css (12 mm a side).
PRINTABLE_WIDTH = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((8.5 - 24 / 25.4) * 96)}


def pdf_text(data: bytes) -> tuple[int, str]:
    """The page count and the text, ligatures ("ﬁ") spelt out."""
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), unicodedata.normalize("NFKC", text)


def test_a_newcomer_costs_the_plan_prints_the_summary_and_shares_it_read_only(
    live_server, page: Page, open_page, issues, screenshot_dir
):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    url, base = live_server.url, f"{live_server.url}/o/{DEMO_SLUG}"
    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)

    # 1. Settings: the currency, then the leader's cost.
    page.goto(f"{base}/settings/")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".messages")).to_contain_text("Settings saved")
    page.get_by_label("Enablement leader: annual cost").fill("190000")
    page.get_by_label("Sales enablement: a manager's annual cost").fill("150000.50")
    page.get_by_role("button", name="Save costs").click()
    expect(page.locator(".messages")).to_contain_text("Costs saved, in EUR")
    expect(page.get_by_label("Enablement leader: annual cost")).to_have_value("190000.00")
    issues.check("Setting the currency and costs")
    organization = Organization.objects.get(slug=DEMO_SLUG)
    assert organization.currency == "EUR"
    assert Change.objects.filter(entity=Entity.ROLE_COST, action="updated").count() == 2

    # 2. The roadmap: each quarter's cost and each fiscal year's, in euros.
    plan = load_plan(organization)
    roadmap = plan.roadmap()
    quarter_costs = plan.roadmap_costs(roadmap)
    years = costs.fiscal_years(quarter_costs)
    page.goto(f"{base}/roadmap/")
    first = quarter_costs[0]
    row = page.locator("#cost-table tbody tr >> nth=0")
    expect(row.locator("td").first).to_have_text(format_amount(first.in_seat, "EUR"))
    subtotals = page.locator("#cost-table tr.subtotal")
    expect(subtotals).to_have_count(len(years))
    expect(subtotals.last.locator("td").last).to_have_text(
        format_amount(years[-1].recommended, "EUR")
    )
    for chart in ("headcount", "team", "ratio", "stages", "cost"):
        expect(page.locator(f"#chart-{chart} svg")).to_be_visible()
    shoot(page, screenshot_dir / "roadmap-costs.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, screenshot_dir / "roadmap-costs-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # 3. The CSV: three amounts appended to every row, as plain numbers.
    with page.expect_download() as download:
        page.locator("#roadmap-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0])[-3:] == ["recommended_cost", "in_seat_cost", "planned_cost"]
    leader = next(r for r in rows if r["role"] == rules.ENABLEMENT_LEADER)
    assert leader["recommended_cost"] == "47500.00"  # 190,000 a year, a quarter of it
    expected = sum((c.in_seat for c in quarter_costs), Decimal(0))  # the same total, row by row
    assert sum(Decimal(r["in_seat_cost"]) for r in rows) == pytest.approx(expected, abs=1)

    # 4. The summary, printed: one or two A4 pages, every column, no navigation.
    page.goto(f"{base}/summary/")
    expect(page.get_by_role("heading", name="Northwind Software: enablement plan")).to_be_visible()
    shoot(page, screenshot_dir / "summary.png")
    page.emulate_media(media="print")
    for paper, width in PRINTABLE_WIDTH.items():
        page.set_viewport_size({"width": width, "height": 1000})
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{paper}: the printed summary is {overflow}px wide"
        pages, words = pdf_text(page.pdf(format=paper, print_background=True))
        assert 1 <= pages <= (2 if paper == "A4" else 3), (paper, pages)
        for heading in (
            "Where we are",
            "Requisitions",
            "Open requisition by",
            "Status",
            "In seat + planned",
            "Recommended team",
            "Cost per fiscal year (EUR)",
            "Why",
        ):
            assert heading in words, (paper, heading)
        assert "Enablement Planner" not in words and "Team gap" not in words
    # The roadmap and the gap view print every column too, without the navigation.
    for path, columns in (
        ("roadmap/", ("Customer-facing", "Gap", "Hires still to plan", "Open hires")),
        ("", ("Recommended", "In seat", "Planned", "Gap", "Why")),
    ):
        page.goto(f"{base}/{path}")
        for paper, width in PRINTABLE_WIDTH.items():
            page.set_viewport_size({"width": width, "height": 1000})
            overflow = page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= width, f"{path or 'gap'} on {paper}: {overflow}px wide"
        _, words = pdf_text(page.pdf(format="A4"))
        assert all(column in words for column in columns), path
        assert "Enablement Planner" not in words and "Headcount" not in words.split("\n")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    issues.check("Printing the summary")

    # 5. A share link, opened in a private window: the summary and nothing else.
    page.goto(f"{base}/members/")
    page.get_by_label("Works for (days)").fill("14")
    page.get_by_role("button", name="Make a share link").click()
    link = page.locator("#new-share-link-url").input_value()
    assert "/s/" in link
    # A private window, watched like every page: no console error, no policy violation.
    visitor, visitor_issues = open_page()
    answer = visitor.goto(link)
    assert answer.status == 200
    assert answer.headers["cache-control"] == "private, no-store"
    assert "noindex" in answer.headers["x-robots-tag"]
    expect(
        visitor.get_by_role("heading", name="Northwind Software: enablement plan")
    ).to_be_visible()
    expect(visitor.locator("nav")).to_have_count(0)
    expect(visitor.locator("form")).to_have_count(0)
    body = visitor.locator("body").inner_text()
    assert DEMO_USERNAME not in body.split() and "Maya Kowalski" not in body
    shoot(visitor, screenshot_dir / "shared-summary.png")
    assert visitor.goto(f"{base}/roadmap/").url.startswith(f"{url}/accounts/login/")

    # 6. Listed with when it was last opened; revoked, it answers 404.
    page.reload()
    share = ShareLink.objects.get()
    listed = page.locator(f"#share-link-{share.pk}")
    expect(listed).to_contain_text(DEMO_USERNAME)
    expect(listed).not_to_contain_text("never")
    listed.get_by_role("button", name="Revoke").click()
    expect(page.locator(f"#share-link-{share.pk}")).to_contain_text("revoked")
    visitor_issues.allow(r"status of 404")  # the revoked link's own answer
    assert visitor.goto(link).status == 404
    actions = Change.objects.filter(entity=Entity.SHARE_LINK).values_list("action", flat=True)
    assert sorted(actions) == ["created", "deleted", "updated"]
