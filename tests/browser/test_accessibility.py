"""Every page of the app, signed out and signed in, at a laptop's and a phone's width.

On each: axe-core finds no WCAG 2.2 AA violation, the phone does not scroll the page
sideways, and the console stays clean (the shared ``page`` fixture fails the test on a
console error, a Content-Security-Policy violation or an uncaught exception).

The pages come from the URL resolver: a URL that answers GET must be visited here or named
in ``NOT_PAGES`` with the reason, so that a new page cannot be skipped without a word.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Page, expect

from planner import services
from planner.forms import MAX_HEADCOUNT
from planner.management.commands.seed_demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERNAME
from planner.models import Invitation, Membership, Organization
from planner.planning import current_quarter
from planner.quarters import Quarter
from tests.browser.test_journey import OVERFLOWING, shoot
from tests.browser.test_more_journeys import log_in
from tests.factories import UserFactory
from tests.url_catalogue import ACCESS, ALL_URLS, make_target

pytestmark = pytest.mark.browser

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# axe's own result, cut down to what a failure message needs.
RUN_AXE = """
async ([tags, within]) => {
  const context = within ? document.querySelector(within) : document;
  const results = await axe.run(context, {runOnly: {type: "tag", values: tags}});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + ": " + n.failureSummary),
  }));
}
"""

DESCRIBE = """
(el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
  + [...el.classList].map(name => "." + name).join("")
  + " “" + (el.textContent || el.value || el.getAttribute("aria-label") || "")
    .trim().slice(0, 30) + "”"
"""
CONTROLS = (
    "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    '[tabindex]:not([tabindex="-1"])'
)
# Every control the keyboard reaches, focused in turn: is its focus ring there and solid?
FAINT_FOCUS = f"""
() => {{
  const describe = {DESCRIBE};
  const faint = [];
  for (const el of document.querySelectorAll('{CONTROLS}')) {{
    if (!el.checkVisibility() || el.disabled) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const color = style.outlineColor;
    const alpha = color.startsWith("rgba") ? parseFloat(color.split(",")[3]) : 1;
    if (!el.matches(":focus-visible") || style.outlineStyle === "none"
        || parseFloat(style.outlineWidth) < 2 || alpha < 1) {{
      faint.push(describe(el) + ` outline: ${{style.outline}}`);
    }}
  }}
  document.activeElement?.blur();
  return faint.slice(0, 6);
}}
"""
# On a phone: a box that scrolls sideways is reachable from the keyboard and says so above
# it; a control past the screen's edge is inside such a box.
OUT_OF_REACH = f"""
() => {{
  const describe = {DESCRIBE};
  const hinted = (box) => box.tabIndex >= 0 && (
    !document.getElementById("scroll-cue")  // a page without scripts: the sticky column shows it
    || box.previousElementSibling?.matches(".scroll-cue"));
  const boxes = [...document.querySelectorAll("main *")].filter(el =>
    el.checkVisibility() && el.scrollWidth > el.clientWidth + 1
    && ["auto", "scroll"].includes(getComputedStyle(el).overflowX));
  const found = boxes.filter(box => !hinted(box))
    .map(box => "no hint or no keyboard: " + describe(box));
  for (const el of document.querySelectorAll('main :is({CONTROLS})')) {{
    if (!el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    if (box.right <= window.innerWidth + 1 && box.left >= -1) continue;
    if (!boxes.some(box => box.contains(el))) found.push("off the screen: " + describe(el));
  }}
  return found.slice(0, 8);
}}
"""

# GET URLs no test here opens, each with the reason.
NOT_PAGES = {
    "logout": "a POST that logs out; GET is refused",
    "language_set": "a POST from the language switcher; GET is refused",
    "email_confirmation_send": "a POST that sends the confirmation mail",
    "rules_source": "the article as a plain-text file, not a page",
    "headcount_import_template_csv": "a CSV file to download",
    "headcount_import_template_xlsx": "an Excel file to download",
    "roadmap_csv": "a CSV file to download",
    "roadmap_xlsx": "an Excel file to download",
    "compare_csv": "a CSV file to download",
    "compare_xlsx": "an Excel file to download",
}


@dataclass
class Scene:
    """The demo organization, signed in as its owner, and what the pages act on."""

    organization: Organization
    slug: str
    share_token: str
    invitation_token: str
    reset_path: str
    email_token: str

    def org(self, name: str) -> str:
        if name == "snapshot_delete":  # the demo has every quarter a factory would pick
            target = self.organization.snapshots.first()
        else:
            target = make_target(name, self.organization)
        kwargs = {"slug": self.slug}
        if target is not None:
            kwargs["pk"] = target.pk
        return reverse(name, kwargs=kwargs)


# Who opens each page (signed out, or signed in as the demo organization's owner) and where.
SIGNED_OUT: dict[str, Callable[[Scene], str]] = {
    "login": lambda s: reverse("login"),
    "signup": lambda s: reverse("signup"),
    "password_reset": lambda s: reverse("password_reset"),
    "password_reset_done": lambda s: reverse("password_reset_done"),
    "password_reset_confirm": lambda s: s.reset_path,
    "password_reset_complete": lambda s: reverse("password_reset_complete"),
    "email_confirm": lambda s: reverse("email_confirm", args=[s.email_token]),
    "rules": lambda s: reverse("rules"),
    "shared_summary": lambda s: reverse("shared_summary", args=[s.share_token]),
    "invitation_accept": lambda s: reverse("invitation_accept", args=[s.invitation_token]),
}
SIGNED_IN: dict[str, Callable[[Scene], str]] = {
    "home": lambda s: reverse("home"),
    "organization_create": lambda s: reverse("organization_create"),
    "account": lambda s: reverse("account"),
    "password_change": lambda s: reverse("password_change"),
    "password_change_done": lambda s: reverse("password_change_done"),
    "invitation_accept": lambda s: reverse("invitation_accept", args=[s.invitation_token]),
    "rules": lambda s: reverse("rules"),
}
# The organization's pages, each at Scene.org(name).
ORGANIZATION_PAGES = [
    "gap",
    "headcount",
    "headcount_import",
    "headcount_forecast",
    "snapshot_delete",
    "team",
    "team_member_update",
    "team_member_delete",
    "hire_update",
    "hire_delete",
    "hire_mark_hired",
    "roadmap",
    "summary",
    "history",
    "organization_settings",
    "segment_delete",
    "members",
    "member_remove",
    "member_leave",
    "scenarios",
    "scenario_update",
    "scenario_delete",
    "scenario_promote",
    "compare",  # after the scenario pages, which each made a scenario to compare
]
VISITED = set(SIGNED_OUT) | set(SIGNED_IN) | set(ORGANIZATION_PAGES)


def get_pages() -> set[str]:
    """The names of the app's URLs that answer GET (the Django admin aside)."""
    names = set()
    for route, entry in ALL_URLS:
        if route.startswith("admin/") or not entry.name:
            continue
        access = ACCESS.get(entry.name)
        if access is None or "GET" in access:
            names.add(entry.name)
    return names


def test_every_page_is_visited_or_excused():
    covered = VISITED | set(NOT_PAGES)
    missing = get_pages() - covered
    assert not missing, f"GET pages neither checked for accessibility nor excused: {missing}"
    assert not (set(NOT_PAGES) & VISITED)
    assert covered <= get_pages(), f"no such GET page: {covered - get_pages()}"


@pytest.fixture
def scene(db) -> Scene:
    call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
    organization = Organization.objects.get(slug=DEMO_SLUG)
    owner = Membership.objects.get(organization=organization, user__username=DEMO_USERNAME).user
    _link, share_token = services.share_link_create(organization=organization, actor=owner, days=30)
    invitation = Invitation.objects.create(
        organization=organization, email="newcomer@example.com", role=Membership.Role.EDITOR
    )
    stranger = UserFactory(email="stranger@example.com")
    uid = urlsafe_base64_encode(force_bytes(stranger.pk))
    token = default_token_generator.make_token(stranger)
    reset = reverse("password_reset_confirm", args=[uid, token])
    return Scene(
        organization=organization,
        slug=organization.slug,
        share_token=share_token,
        invitation_token=services.invitation_token(invitation),
        reset_path=reset,
        email_token=services.email_confirmation_token(stranger),
    )


def violations(page: Page, within: str | None = None) -> list[str]:
    if not page.evaluate("typeof window.axe === 'object'"):
        # Evaluated through DevTools, so the page's Content-Security-Policy does not apply.
        page.evaluate(AXE)
    found = page.evaluate(RUN_AXE, [WCAG_AA, within])
    return [
        f"{v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["nodes"])
        for v in found
    ]


def settled(page: Page) -> None:
    """Waits for htmx to finish a swap: until then the new content's links and forms are
    plain ones, and a key pressed on them would not go through htmx."""
    page.wait_for_function("() => !document.querySelector('.htmx-added, .htmx-settling')")


def check(
    page: Page, issues, name: str, width: str, problems: dict, screenshot_dir, within=None
) -> None:
    """The page as it is now (or the part ``within``, a selector): axe, then the focus
    rings (laptop) or the phone's fit."""
    found = violations(page, within)
    if width == "laptop":
        # Chromium shows a focus ring on a focus by script only once the keyboard was used.
        page.keyboard.press("Tab")
        found += [f"focus ring faint: {where}" for where in page.evaluate(FAINT_FOCUS)]
    else:
        shoot(page, screenshot_dir / f"a11y-{name}-390.png")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > WIDTHS[width]["width"]:
            found.append(f"the page is {scroll_width}px wide: {page.evaluate(OVERFLOWING)}")
        found += page.evaluate(OUT_OF_REACH)
    if found:
        problems[f"{name} at {width}"] = found
    issues.check(f"The {name} page at {width} width")


def visit(page: Page, issues, url: str, name: str, problems: dict, screenshot_dir) -> None:
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{name}: {response}"
        check(page, issues, name, width, problems, screenshot_dir)


def import_preview(page: Page, url: str, scene: Scene) -> str | None:
    """The import preview answers a POST: next quarter's headcount, uploaded."""
    page.goto(url + scene.org("headcount_import"))
    quarter = Quarter.from_ordinal(current_quarter(scene.organization) + 1).label
    upload = f"quarter,sales,customer_success,other\n{quarter},90,40,10\n"
    page.locator("input[type=file]").set_input_files(
        {"name": "headcount.csv", "mimeType": "text/csv", "buffer": upload.encode()}
    )
    page.locator("main form[enctype] button[type=submit]").click()
    expect(page.locator(".import-preview").first).to_be_visible()
    return None


def forecast_preview(page: Page, url: str, scene: Scene) -> str | None:
    """The growth forecast's preview answers a POST too."""
    page.goto(url + scene.org("headcount_forecast"))
    page.get_by_label("Sales, % per quarter").fill("10")
    page.get_by_role("button", name="Preview the forecast").click()
    expect(page.locator("#import-added")).to_be_visible()
    return None


def member_edited_in_place(page: Page, url: str, scene: Scene) -> str | None:
    page.goto(url + scene.org("team"))
    member = scene.organization.team_members.order_by("pk").first()
    page.locator(f"#member-{member.pk}").get_by_role("button", name="Edit").click()
    expect(page.locator(f"#member-{member.pk} form")).to_be_visible()
    settled(page)
    return None


def cell_refused_in_place(page: Page, url: str, scene: Scene) -> str | None:
    page.goto(url + scene.org("headcount"))
    snapshot = scene.organization.snapshots.order_by("quarter").first()
    cell = page.locator(f"#snapshot-{snapshot.pk} input[name=sales]")
    cell.fill(str(MAX_HEADCOUNT + 1))
    cell.press("Tab")
    expect(page.locator(f"#snapshot-{snapshot.pk}-sales-error")).not_to_be_empty()
    return None


def menu_open(name: str) -> "Callable[[Page, str, Scene], str | None]":
    def open_menu(page: Page, url: str, scene: Scene) -> str | None:
        page.goto(url + scene.org("gap"))
        menu = page.locator("header details.dropdown").filter(has_text=name)
        menu.locator("summary").click()
        expect(menu.locator("ul")).to_be_visible()
        # The open menu covers the links below it for a moment: axe looks at the menu.
        return "header details[open]"

    return open_menu


# What a page shows after a form, an htmx swap or a click, reached from the page itself;
# each answers the part of the page to check (None: all of it).
STATES: "dict[str, Callable[[Page, str, Scene], str | None]]" = {
    "import preview": import_preview,
    "growth forecast preview": forecast_preview,
    "team member edited in place": member_edited_in_place,
    "headcount cell refused in place": cell_refused_in_place,
    "organization menu open": menu_open("New organization"),
    "account menu open": menu_open("Log out"),
}


def report(problems: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


def test_every_page_passes_axe_at_both_widths(
    live_server, page: Page, issues, open_page, scene: Scene, screenshot_dir
):
    problems: dict[str, list[str]] = {}
    url = live_server.url

    signed_out, signed_out_issues = open_page()
    for name, path in SIGNED_OUT.items():
        visit(signed_out, signed_out_issues, url + path(scene), name, problems, screenshot_dir)

    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)
    page.wait_for_load_state()  # or the next address cancels the stylesheet's request
    for name, path in SIGNED_IN.items():
        visit(page, issues, url + path(scene), f"{name}-in", problems, screenshot_dir)
    for name in ORGANIZATION_PAGES:
        visit(page, issues, url + scene.org(name), name, problems, screenshot_dir)

    issues.allow(r"status of 422")  # the refused cell's answer
    for name, reach in STATES.items():
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            within = reach(page, url, scene)
            check(page, issues, name, width, problems, screenshot_dir, within)

    assert not problems, "Accessibility problems:\n" + report(problems)


def test_the_first_tab_offers_to_skip_to_the_content(live_server, page: Page, scene: Scene):
    log_in(page, live_server.url, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(live_server.url + scene.org("roadmap"))
    skip = page.locator(".skip-link")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab goes on from the content, past the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_a_link_styled_as_a_button_answers_space_as_a_button_does(
    live_server, page: Page, scene: Scene
):
    url = live_server.url
    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)
    # A plain link: Space follows it rather than scrolling the page.
    page.goto(url + scene.org("headcount"))
    page.locator("#headcount-import").focus()
    page.keyboard.press(" ")
    expect(page).to_have_url(url + scene.org("headcount_import"))
    # An htmx link: Space opens the row's form in place, as a click does.
    page.goto(url + scene.org("team"))
    member = scene.organization.team_members.order_by("pk").first()
    row = page.locator(f"#member-{member.pk}")
    row.get_by_role("button", name="Edit").focus()
    page.keyboard.press(" ")
    expect(row.locator("form")).to_be_visible()
    settled(page)
    expect(page).to_have_url(url + scene.org("team"))
    # Enter still follows a link, as it always did.
    row.get_by_role("button", name="Cancel").focus()
    page.keyboard.press("Enter")
    expect(row.get_by_role("button", name="Edit")).to_be_visible()


def test_a_saved_cell_is_announced_through_the_live_region(live_server, page: Page, scene: Scene):
    log_in(page, live_server.url, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(live_server.url + scene.org("headcount"))
    announcer = page.locator("#announcer")
    expect(announcer).to_have_attribute("aria-live", "polite")
    expect(announcer).to_have_text("")
    snapshot = scene.organization.snapshots.order_by("quarter").first()
    cell = page.locator(f"#snapshot-{snapshot.pk} input[name=sales]")
    cell.fill(str(snapshot.sales + 1))
    cell.press("Tab")
    expect(page.locator(f"#snapshot-{snapshot.pk}-status")).to_have_text("Saved")
    expect(announcer).to_have_text("Saved")
    # The same words again are read again: the region is emptied, then filled.
    page.evaluate("""() => {
        window.heard = [];
        new MutationObserver(() => window.heard.push(announcer.textContent))
            .observe(announcer, {childList: true, characterData: true, subtree: true});
    }""")
    cell = page.locator(f"#snapshot-{snapshot.pk} input[name=other]")
    cell.fill(str(snapshot.other + 1))
    cell.press("Tab")
    page.wait_for_function("() => window.heard.at(-1) === 'Saved'")
    assert page.evaluate("window.heard") == ["", "Saved"]


def test_the_watch_on_every_page_catches_a_policy_violation_and_an_error(live_server, open_page):
    """The shared fixtures fail a test on these; here they are caused on purpose."""
    page, issues = open_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.evaluate("setTimeout(() => { throw new Error('broken on purpose'); })")
    page.evaluate("console.error('logged on purpose')")
    page.wait_for_timeout(100)
    found = "\n".join(issues.errors)
    issues.errors.clear()  # caused on purpose: not a failure of this test
    assert "style-src" in found, found
    assert "uncaught exception: broken on purpose" in found
    assert "console error: logged on purpose" in found


def test_a_form_refused_in_place_hands_the_focus_to_the_refused_field(
    live_server, page: Page, issues, scene: Scene
):
    url = live_server.url
    log_in(page, url, DEMO_USERNAME, DEMO_PASSWORD)
    page.goto(url + scene.org("team"))
    member = scene.organization.team_members.order_by("pk").first()
    row = page.locator(f"#member-{member.pk}")
    row.get_by_role("button", name="Edit").click()
    expect(row.locator("form")).to_be_visible()
    settled(page)
    name = row.get_by_label("Name")
    name.fill("")
    issues.allow(r"status of 422")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        row.get_by_role("button", name="Save").click()
    assert answer.value.status == 422
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    member.refresh_from_db()
    assert member.name  # nothing saved


def test_a_table_wider_than_a_phone_says_so_and_scrolls_from_the_keyboard(
    live_server, page: Page, scene: Scene
):
    log_in(page, live_server.url, DEMO_USERNAME, DEMO_PASSWORD)
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(live_server.url + scene.org("team"))
    box = page.locator("#member-section .table-wrap")
    expect(box).to_have_attribute("tabindex", "0")
    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_accessible_name("In seat")
    cue = page.locator(".scroll-cue").first
    expect(cue).to_be_visible()
    assert cue.evaluate("(cue, box) => cue.nextElementSibling === box", box.element_handle())
    # The first column stays put while the rest slides under it.
    name = box.locator("tbody th").first
    before = name.bounding_box()
    box.focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=box.element_handle())
    assert name.bounding_box()["x"] == pytest.approx(before["x"], abs=1)
    # On a laptop the table fits: no hint, no extra stop for the keyboard.
    page.set_viewport_size(WIDTHS["laptop"])
    expect(page.locator(".scroll-cue")).to_have_count(0)
    expect(page.locator(".table-wrap[tabindex]")).to_have_count(0)
