"""More journeys in a real browser: the team and its hires on the demo data, two editors on
one quarter, an invitation from email to a read-only plan, the grid without JavaScript, and
the grid from the keyboard.

Every number the tests expect comes from ``load_plan`` and the rules; steps that are not
about working without JavaScript happen in one document (no reloads).
"""

import io
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from planner import rules, services
from planner.forms import MAX_HEADCOUNT
from planner.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME
from planner.models import Invitation, Membership, Organization, PlannedHire, TeamMember
from planner.planning import current_quarter, load_plan
from tests.browser.test_journey import (
    HEADCOUNT_POST,
    assert_same_document,
    gap_row_numbers,
    label,
    mark_document,
    save_cell,
    shoot,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"  # every factory user's
STALE = "Changed by someone else since you opened it"
MUTED = "rgb(93, 107, 122)"  # app.css: --muted, the text of a cancelled hire's row


def log_in(page: Page, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    # Someone in exactly one organization lands in it; anyone else on the list.
    memberships = list(Membership.objects.filter(user__username=username))
    if len(memberships) == 1:
        expect(page).to_have_url(f"{url}/o/{memberships[0].organization.slug}/")
    else:
        expect(page).to_have_url(f"{url}/")


def in_seat_and_planned(gap: rules.QuarterGap) -> str:
    """The panel's "in seat + planned" figure, as the page shows it."""
    return f"{gap.in_seat_total} + {gap.planned_total}"


def snapshot_for(organization, actor, quarter: int, sales=30, customer_success=10, other=5):
    return services.snapshot_create(
        organization=organization,
        actor=actor,
        quarter=quarter,
        sales=sales,
        customer_success=customer_success,
        other=other,
    )


# --- 1. Team & hires on the demo data --------------------------------------------------------


def test_hiring_and_cancelling_on_the_demo_moves_the_gap_in_place(
    live_server, page: Page, issues, screenshot_dir
):
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    url = live_server.url
    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)
    expect(page).to_have_url(f"{url}/o/{DEMO_SLUG}/")
    page.get_by_role("navigation", name="Organization").get_by_role(
        "link", name="Team & hires"
    ).click()
    expect(page).to_have_url(f"{url}/o/{DEMO_SLUG}/team/")
    mark_document(page, "team")
    issues.check("Opening the demo's team page")

    organization = Organization.objects.get(slug=DEMO_SLUG)
    plan = load_plan(organization)
    now = current_quarter(organization)
    specialist = rules.ADULT_LEARNING_SPECIALIST
    hire = PlannedHire.objects.get(organization=organization, role=specialist)
    assert (hire.status, hire.target_quarter) == (rules.APPROVED, now)
    before = plan.gap(now)
    panel = page.locator("#gap-panel")
    expect(panel.locator(".gap-title")).to_contain_text(label(now))
    expect(page.locator("#gap-in-seat")).to_have_text(in_seat_and_planned(before))
    specialist_before = gap_row_numbers(page, specialist)
    assert specialist_before["planned"] == 1

    # Mark the approved adult-learning specialist hired: the row becomes a small form.
    row = page.locator(f"#hire-{hire.pk}")
    row.get_by_role("button", name="Mark hired").click()
    row.get_by_label("Name of the person hired").fill("Grace Okafor")
    row.get_by_label("Start quarter").select_option(label=label(now))
    with page.expect_response(lambda r: r.url.endswith(f"/hires/{hire.pk}/hired/")) as answer:
        row.get_by_role("button", name="Add to the team").click()
    assert answer.value.status == 200
    assert "planChanged" in json.loads(answer.value.headers.get("hx-trigger", "{}"))

    person = TeamMember.objects.get(organization=organization, name="Grace Okafor")
    hire.refresh_from_db()
    assert (hire.status, hire.team_member_id) == (rules.HIRED, person.pk)
    assert (person.role, person.start_quarter, person.end_quarter) == (specialist, now, None)
    member_row = page.locator(f"#member-{person.pk}")
    expect(member_row.locator("th")).to_have_text("Grace Okafor")
    expect(member_row.locator(".tag")).to_have_text("In seat")
    expect(row.locator(".tag")).to_have_text("Hired")
    expect(row).to_contain_text(f"Now on the team: Grace Okafor, from {label(now)}.")
    expect(row.get_by_role("button", name="Mark hired")).to_have_count(0)
    # The panel fetched itself again, on the same quarter: one more in seat, one less planned.
    after = load_plan(organization).gap(now)
    assert (after.in_seat_total, after.planned_total) == (
        before.in_seat_total + 1,
        before.planned_total - 1,
    )
    expect(page.locator("#gap-in-seat")).to_have_text(in_seat_and_planned(after))
    expect(panel.locator(".gap-title")).to_contain_text(label(now))
    assert gap_row_numbers(page, specialist) == {
        **specialist_before,
        "in_seat": specialist_before["in_seat"] + 1,
        "planned": specialist_before["planned"] - 1,
    }
    assert_same_document(page, "team")
    shoot(page, screenshot_dir / "more-01-marked-hired.png")
    issues.check("Marking a hire hired")

    # Cancel the customer-success hire of next quarter, with the panel on that quarter.
    cancelled = PlannedHire.objects.get(organization=organization, role=rules.CS_ENABLEMENT)
    assert cancelled.target_quarter == now + 1 and cancelled.counts
    panel.get_by_label("Quarter").select_option(label=label(now + 1))
    expect(panel.locator(".gap-title")).to_contain_text(label(now + 1))
    before = load_plan(organization).gap(now + 1)
    expect(page.locator("#gap-in-seat")).to_have_text(in_seat_and_planned(before))

    row = page.locator(f"#hire-{cancelled.pk}")
    row.get_by_role("button", name="Edit").click()
    row.get_by_label("Status").select_option(label="Cancelled")
    with page.expect_response(lambda r: r.url.endswith(f"/hires/{cancelled.pk}/")) as answer:
        row.get_by_role("button", name="Save").click()
    assert answer.value.status == 200
    assert "planChanged" in json.loads(answer.value.headers.get("hx-trigger", "{}"))

    cancelled.refresh_from_db()
    assert cancelled.status == rules.CANCELLED
    expect(row).to_have_class(re.compile(r"\bhire-cancelled\b"))
    expect(row.locator(".tag")).to_have_text("Cancelled")
    expect(row).to_contain_text("Cancelled: counts for nothing in the gap.")
    # Greyed: muted text in every cell, the status struck through.
    for cell in row.locator("th, td").all():
        expect(cell).to_have_css("color", MUTED)
    expect(row.locator(".tag")).to_have_css("text-decoration-line", "line-through")
    expect(row.get_by_role("button", name="Mark hired")).to_have_count(0)
    after = load_plan(organization).gap(now + 1)
    assert (after.in_seat_total, after.planned_total) == (
        before.in_seat_total,
        before.planned_total - 1,
    )
    expect(page.locator("#gap-in-seat")).to_have_text(in_seat_and_planned(after))
    expect(panel.locator(".gap-title")).to_contain_text(label(now + 1))
    assert_same_document(page, "team")
    shoot(page, screenshot_dir / "more-02-cancelled.png")
    issues.check("Cancelling a hire")


# --- 2. Two editors, one quarter -------------------------------------------------------------


def test_the_second_editor_of_a_row_is_told_and_the_first_edit_stands(
    live_server, page: Page, issues, open_page, organization, editor, screenshot_dir
):
    other_editor = MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user
    quarter = current_quarter(organization)
    snapshot = snapshot_for(organization, editor, quarter)
    url = live_server.url
    headcount_url = f"{url}/o/{organization.slug}/headcount/"

    other_page, other_issues = open_page()
    for someone, user in ((page, editor), (other_page, other_editor)):
        log_in(someone, url, user.username)
        someone.goto(headcount_url)
        mark_document(someone, "headcount")
    row_a = page.locator(f"#snapshot-{snapshot.pk}")
    row_b = other_page.locator(f"#snapshot-{snapshot.pk}")
    expect(row_b.locator("input[name=version]")).to_have_value(str(snapshot.version))

    # A saves first.
    assert save_cell(page, row_a, "sales", 33) == 200
    expect(row_a.locator(f"#snapshot-{snapshot.pk}-status")).to_have_text("Saved")
    snapshot.refresh_from_db()
    saved_version = snapshot.version
    assert (snapshot.sales, snapshot.customer_success, snapshot.other) == (33, 10, 5)

    # B's page still shows the row as it was; B's change of the same row is refused.
    other_issues.allow(r"status of 409")
    assert save_cell(other_page, row_b, "customer_success", 12) == 409
    note = other_page.locator(f"#snapshot-{snapshot.pk}-stale")
    expect(note).to_contain_text(f"{STALE}: now 33 sales, 10 customer success, 5 other.")
    expect(note).to_contain_text("Your change was not saved")
    expect(note).to_be_visible()
    # The row now shows what is stored, so B's next change starts from A's numbers.
    row_b = other_page.locator(f"#snapshot-{snapshot.pk}")
    expect(row_b.locator(f"#snapshot-{snapshot.pk}-total")).to_have_text("48")
    expect(row_b.locator("input[name=sales]")).to_have_value("33")
    expect(row_b.locator("input[name=customer_success]")).to_have_value("10")
    expect(row_b.locator("input[name=version]")).to_have_value(str(saved_version))
    snapshot.refresh_from_db()
    assert (snapshot.sales, snapshot.customer_success, snapshot.other) == (33, 10, 5)
    assert snapshot.version == saved_version
    assert_same_document(other_page, "headcount")
    assert_same_document(page, "headcount")
    shoot(other_page, screenshot_dir / "more-03-stale-edit.png")
    other_issues.check("The second editor's stale edit")
    issues.check("The first editor's page")


# --- 3. An invitation, from email to a read-only plan ----------------------------------------


def test_an_invited_viewer_signs_up_joins_and_sees_a_read_only_plan(
    live_server, page: Page, issues, open_page, organization, owner, mailoutbox, screenshot_dir
):
    quarter = current_quarter(organization)
    for offset in range(2):
        snapshot_for(organization, owner, quarter + offset, sales=30 + 10 * offset)
    leader = services.team_member_create(
        organization=organization,
        actor=owner,
        role=rules.ENABLEMENT_LEADER,
        name="Ines Duarte",
        start_quarter=quarter,
    )
    hire = services.hire_create(
        organization=organization,
        actor=owner,
        role=rules.PROGRAM_MANAGER,
        target_quarter=quarter + 1,
        status=rules.PLANNED,
    )
    url = live_server.url
    email = "new.viewer@example.com"

    log_in(page, url, owner.username)
    page.goto(f"{url}/o/{organization.slug}/members/")
    mark_document(page, "members")
    invite = page.locator("#invitation-section")
    invite.get_by_label("Email").fill(email)
    invite.get_by_label("Role").select_option(label="Viewer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(invite.locator(".message-success")).to_have_text(
        f"Invitation sent to {email} as viewer."
    )
    invitation = Invitation.objects.get(organization=organization, email=email)
    expect(page.locator(f"#invitation-{invitation.pk}")).to_contain_text("Viewer")
    assert_same_document(page, "members")
    issues.check("Sending the invitation")

    (message,) = mailoutbox
    assert message.to == [email]
    links = re.findall(rf"{re.escape(url)}/invitations/\S+/", message.body)
    assert len(links) == 1, message.body
    link = links[0]

    guest, guest_issues = open_page()
    guest.goto(link)
    expect(guest.get_by_role("heading", level=1)).to_have_text(f"Join {organization.name}")
    expect(guest.locator("article")).to_contain_text("as viewer")
    guest.get_by_role("button", name="Sign up").click()
    expect(guest).to_have_url(re.compile(r"/accounts/signup/\?next="))
    guest.get_by_label("Username").fill("newviewer")
    guest.get_by_label("Email").fill(email)
    guest.get_by_label("Password", exact=True).fill("a-long-and-unusual-passphrase")
    guest.get_by_label("Password confirmation").fill("a-long-and-unusual-passphrase")
    guest.get_by_role("button", name="Create account").click()
    expect(guest).to_have_url(link)
    expect(guest.locator(".messages")).to_contain_text("Welcome, newviewer")
    # Signed up with the invited address, which needs confirming before it can accept.
    expect(guest.locator("#invitation-needs-confirmation")).to_contain_text(email)
    confirmation = mailoutbox[-1]
    assert confirmation.to == [email]
    (confirm_link,) = re.findall(
        rf"{re.escape(url)}/accounts/confirm-email/\S+/", confirmation.body
    )
    guest.goto(confirm_link)
    guest.get_by_role("button", name=f"Confirm {email}").click()
    expect(guest.locator(".messages")).to_contain_text(f"{email} is confirmed")
    guest.goto(link)
    expect(guest.locator(".stale-note")).to_have_count(0)
    shoot(guest, screenshot_dir / "more-04-invitation.png")
    guest.get_by_role("button", name="Accept and join as viewer").click()

    expect(guest).to_have_url(f"{url}/o/{organization.slug}/")
    expect(guest.locator(".messages")).to_contain_text(
        f"Welcome to {organization.name}: you joined as viewer."
    )
    expect(guest.locator("#gap-stage")).to_be_visible()
    expect(guest.locator(".read-only-note")).to_have_text(
        f"You have view-only access to {organization.name}."
    )
    membership = Membership.objects.get(organization=organization, user__username="newviewer")
    assert membership.role == Membership.Role.VIEWER
    invitation.refresh_from_db()
    assert invitation.accepted_by == membership.user
    guest_issues.check("Accepting the invitation")

    guest.get_by_role("navigation", name="Organization").get_by_role(
        "link", name="Headcount"
    ).click()
    expect(guest).to_have_url(f"{url}/o/{organization.slug}/headcount/")
    cells = guest.locator("#headcount-grid input[type=number]")
    expect(cells).to_have_count(6)
    for index in range(6):
        expect(cells.nth(index)).not_to_be_editable()
        expect(cells.nth(index)).not_to_have_attribute("hx-post", re.compile(".*"))
    for name in ("Delete", "Save"):
        expect(guest.get_by_role("link", name=name)).to_have_count(0)
        expect(guest.get_by_role("button", name=name)).to_have_count(0)
    expect(guest.locator("#add-quarter")).to_have_count(0)
    expect(guest.get_by_role("button", name=re.compile(r"^\+ Add"))).to_have_count(0)
    shoot(guest, screenshot_dir / "more-05-viewer-headcount.png")
    guest_issues.check("A viewer's headcount page")

    # Nor can a viewer change the team: no forms to add, no row actions.
    guest.get_by_role("navigation", name="Organization").get_by_role(
        "link", name="Team & hires"
    ).click()
    expect(guest.locator(f"#member-{leader.pk}")).to_contain_text("Ines Duarte")
    expect(guest.locator(f"#hire-{hire.pk}")).to_contain_text("Program manager")
    for name in ("Mark hired", "Edit", "Delete"):
        expect(guest.get_by_role("button", name=name)).to_have_count(0)
    # Only the lists' filters are forms here: reading, not changing.
    expect(guest.locator("#team-sections form:not(.list-filter)")).to_have_count(0)
    expect(guest.locator("#team-sections [hx-post]")).to_have_count(0)
    expect(
        guest.locator("#team-sections [hx-get]:not(.list-filter):not(.list-pages a)")
    ).to_have_count(0)
    guest_issues.check("A viewer's team page")


# --- 4. Without JavaScript -------------------------------------------------------------------


def test_an_editor_without_javascript_saves_a_cell_and_deletes_a_person(
    live_server, open_page, organization, editor, screenshot_dir
):
    snapshot = snapshot_for(organization, editor, current_quarter(organization))
    person = services.team_member_create(
        organization=organization,
        actor=editor,
        role=rules.ENABLEMENT_LEADER,
        name="Noor Haddad",
        start_quarter=current_quarter(organization),
    )
    url = live_server.url
    page, issues = open_page(java_script_enabled=False)
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/headcount/")
    row = page.locator(f"#snapshot-{snapshot.pk}")
    total = row.locator(f"#snapshot-{snapshot.pk}-total")
    expect(total).to_have_text("45")

    # A plain form post, then a redirect back to the grid.
    row.locator("input[name=sales]").fill("40")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.get_by_role("button", name="Save").click()
    assert answer.value.status == 302
    expect(page).to_have_url(f"{url}/o/{organization.slug}/headcount/")
    expect(total).to_have_text("55")
    expect(row.locator("input[name=sales]")).to_have_value("40")
    snapshot.refresh_from_db()
    assert (snapshot.sales, snapshot.version) == (40, 2)
    issues.check("Saving a cell without JavaScript")

    # A number the browser lets through but the rules refuse: the page again, with a 422.
    too_many = MAX_HEADCOUNT + 1
    issues.allow(r"status of 422")  # chromium logs every 4xx answer, documents included
    row.locator("input[name=other]").fill(str(too_many))
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(page.locator(f"#snapshot-{snapshot.pk}-other-error")).to_have_text(
        f"That is more than {MAX_HEADCOUNT:,} people; check the number."
    )
    expect(row.locator("input[name=other]")).to_have_value(str(too_many))
    expect(total).to_have_text("55")
    snapshot.refresh_from_db()
    assert (snapshot.other, snapshot.version) == (5, 2)
    shoot(page, screenshot_dir / "more-06-no-javascript-422.png")
    issues.check("A bad value without JavaScript")
    issues.disallow_all()

    # Deleting a person: the row's Delete link opens a confirmation page.
    page.goto(f"{url}/o/{organization.slug}/team/")
    page.locator(f"#member-{person.pk}").get_by_role("button", name="Delete").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/team/{person.pk}/delete/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove Noor Haddad from the team?")
    shoot(page, screenshot_dir / "more-07-no-javascript-delete.png")
    page.get_by_role("button", name="Delete Noor Haddad").click()
    expect(page).to_have_url(f"{url}/o/{organization.slug}/team/")
    expect(page.locator(".messages")).to_contain_text("Removed Noor Haddad from the team.")
    expect(page.locator(f"#member-{person.pk}")).to_have_count(0)
    assert not TeamMember.objects.filter(pk=person.pk).exists()
    issues.check("Deleting a person without JavaScript")


# --- 5. The grid from the keyboard -----------------------------------------------------------

# Where the focus is each time htmx settles an element it swapped, as [element, focused]:
# the focused element's id, or for one without, its tag and text ("A:Delete").
FOCUSED = """
(() => {
  const focused = document.activeElement;
  return focused.id || `${focused.tagName}:${focused.textContent.trim().slice(0, 20)}`;
})()
"""
WATCH_FOCUS = f"""
() => {{
  window.__settled = [];
  document.body.addEventListener("htmx:afterSettle", (event) => {{
    window.__settled.push([event.target.id, {FOCUSED.strip()}]);
  }});
}}
"""
# The gap panel comes last of what a saved cell swaps in.
PANEL_SETTLED = "() => window.__settled.some(([settled]) => settled === 'gap-panel')"


def test_tab_moves_along_a_row_saving_each_cell_without_losing_focus(
    live_server, page: Page, issues, organization, editor, screenshot_dir
):
    snapshot = snapshot_for(organization, editor, current_quarter(organization))
    stage = rules.stage_for(snapshot.total).number
    url = live_server.url
    log_in(page, url, editor.username)
    page.goto(f"{url}/o/{organization.slug}/headcount/")
    mark_document(page, "headcount")
    page.evaluate(WATCH_FOCUS)
    cell_id = f"snapshot-{snapshot.pk}-{{}}".format
    version = page.locator(f"#{cell_id('version')}")

    page.locator(f"#{cell_id('sales')}").focus()
    values = {"sales": 31, "customer_success": 11, "other": 6}
    # After the last cell, Tab goes on to the row's Delete link.
    following = {"sales": cell_id("customer_success"), "customer_success": cell_id("other")}
    for name, value in values.items():
        assert page.evaluate(FOCUSED) == cell_id(name)
        page.evaluate("window.__settled = []")
        before = version.input_value()
        with page.expect_response(
            lambda r: r.request.method == "POST" and HEADCOUNT_POST.search(r.url) is not None
        ) as answer:
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(str(value))
            page.keyboard.press("Tab")
        assert answer.value.status == 200
        expect(version).not_to_have_value(before)
        page.wait_for_function(PANEL_SETTLED)
        settled = page.evaluate("window.__settled")
        # On the next cell all along, the answer in: typing goes on where it should.
        expected = following.get(name, "A:Delete")
        assert {focused for _, focused in settled} == {expected}, settled
        assert page.evaluate(FOCUSED) == expected
        snapshot.refresh_from_db()
        assert getattr(snapshot, name) == value
        assert rules.stage_for(snapshot.total).number == stage
    expect(page.locator(f"#{cell_id('total')}")).to_have_text("48")
    assert (snapshot.sales, snapshot.customer_success, snapshot.other) == (31, 11, 6)
    assert snapshot.version == 4
    assert_same_document(page, "headcount")
    shoot(page, screenshot_dir / "more-08-keyboard.png")
    issues.check("Editing a row from the keyboard")
