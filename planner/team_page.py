"""The Team & hires page: its rows, its forms and its context.

Shared by the two view modules that serve the page (``views/team.py`` for the people in
seat, ``views/hires.py`` for the planned hires), so that either can redraw the page or a
section of it after a write.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlsplit

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from planner import rules, services
from planner.forms import HireForm, HireStatusForm, MarkHiredForm, TeamMemberForm
from planner.gap_panel import gap_context
from planner.models import (
    ROLE_CHOICES,
    Membership,
    Organization,
    PlannedHire,
    Scenario,
    TeamMember,
)
from planner.planning import current_quarter, load_plan
from planner.views.access import org_context
from planner.views.refusals import Refusal

PAGE = "planner/team.html"
MEMBER_ROW = "planner/_team_member.html"
HIRE_ROW = "planner/_hire.html"
QUARTERS_AROUND = 12  # how far back and ahead of the current quarter the selects reach

SEAT_STATUSES = {"in_seat": _("In seat"), "left": _("Left"), "later": _("Starts later")}
NEW_HIRE_STATUSES = sorted(rules.OPEN_HIRE_STATUSES, key=rules.HIRE_STATUSES.index)


@dataclass
class MemberRow:
    """One person in seat as the table shows it: plain, or edited in place."""

    member: TeamMember
    status: str
    mode: str = "show"  # "show" or "edit"
    form: TeamMemberForm | None = None
    refusal: Refusal | None = None
    saved: bool = False

    @property
    def status_label(self) -> str:
        return SEAT_STATUSES[self.status]


@dataclass
class HireRow:
    """One planned hire as the table shows it: plain, edited, or being marked hired."""

    hire: PlannedHire
    became: TeamMember | None
    mode: str = "show"  # "show", "edit" or "hired"
    form: HireForm | MarkHiredForm | None = None
    refusal: Refusal | None = None
    saved: bool = False
    # An open hire's requisition deadline against the current quarter (B roadmap).
    deadline: rules.OpenHire | None = None
    selected: bool = False  # ticked for a change of status, kept after a refusal


@dataclass(frozen=True)
class HireSummary:
    """How many hires are still open and what they cost a year."""

    open_count: int
    cost: Decimal | None
    uncosted_count: int


@dataclass(frozen=True)
class StatusOutcome:
    """What a change of status of the selected hires did, and each hire it left alone."""

    done: str
    refused: list[services.RefusedHire]

    @classmethod
    def of(cls, result: services.StatusChanges, status_label: str) -> "StatusOutcome":
        changed = len(result.changed)
        if changed:
            done = ngettext(
                "Set %(count)s hire to %(status)s.", "Set %(count)s hires to %(status)s.", changed
            ) % {"count": changed, "status": status_label.lower()}
        else:
            done = _("No hire was changed.")
        return cls(done=done, refused=result.refused)


@dataclass
class Redraw:
    """What a redrawn page or section shows differently from a fresh load."""

    member_form: TeamMemberForm | None = None
    hire_form: HireForm | None = None
    refused_members: dict[int, Refusal] = field(default_factory=dict)
    hire_rows: dict[int, HireRow] = field(default_factory=dict)
    added_member: int | None = None
    added_hire: int | None = None
    bulk_form: HireStatusForm | None = None
    bulk: StatusOutcome | None = None


def team_url(slug: str, anchor: str = "", scenario: Scenario | None = None) -> str:
    """The page, in ``scenario`` if given, at ``anchor``."""
    query = f"?scenario={scenario.pk}" if scenario is not None else ""
    return reverse("team", args=[slug]) + query + (f"#{anchor}" if anchor else "")


# --- rows ------------------------------------------------------------------------------------


def quarter_window(now: int, *stored: int | None) -> list[int]:
    """The quarters a select offers: a window around now, plus any value already stored."""
    around = range(now - QUARTERS_AROUND, now + QUARTERS_AROUND + 1)
    return sorted({*around, *(quarter for quarter in stored if quarter is not None)})


def seat_status(member: TeamMember, now: int) -> str:
    if member.start_quarter > now:
        return "later"
    return "in_seat" if member.as_seat().in_seat(now) else "left"


def member_row(member: TeamMember, now: int, **details) -> MemberRow:
    return MemberRow(member=member, status=seat_status(member, now), **details)


def hire_row(
    hire: PlannedHire, became: TeamMember | None, organization: Organization, **details
) -> HireRow:
    """A hire's row; an open one with its requisition deadline worded against now, with
    the lead time of the hire's scenario (or the plan's)."""
    deadline = None
    if hire.counts:
        now = current_quarter(organization)
        inputs = hire.scenario if hire.scenario_id else organization
        deadline = rules.open_hire(hire.as_hire(), inputs.hiring_lead_time, now)
    return HireRow(hire, became, deadline=deadline, **details)


def hire_statuses(hire: PlannedHire) -> list[str]:
    """A hired hire stays hired (its person is on the team); the others may be cancelled."""
    if hire.status == rules.HIRED:
        return [rules.HIRED]
    return [*NEW_HIRE_STATUSES, rules.CANCELLED]


# --- forms -----------------------------------------------------------------------------------


def new_member_form(now: int, data: QueryDict | None = None, *, leader_first: bool = False):
    initial = {"start_quarter": now, "role": rules.ENABLEMENT_LEADER if leader_first else ""}
    return TeamMemberForm(
        data, ordinals=quarter_window(now), initial=initial, auto_id="new-member-%s"
    )


def member_form(member: TeamMember, now: int, data: QueryDict | None = None) -> TeamMemberForm:
    return TeamMemberForm(
        data,
        instance=member,
        initial={"version": member.version},
        ordinals=quarter_window(now, member.start_quarter, member.end_quarter),
        auto_id=f"member-{member.pk}-%s",
    )


def new_hire_form(now: int, data: QueryDict | None = None) -> HireForm:
    return HireForm(
        data,
        ordinals=quarter_window(now),
        statuses=NEW_HIRE_STATUSES,
        initial={"target_quarter": now + 1},
        auto_id="new-hire-%s",
    )


def hire_form(hire: PlannedHire, now: int, data: QueryDict | None = None) -> HireForm:
    return HireForm(
        data,
        instance=hire,
        initial={"version": hire.version},
        ordinals=quarter_window(now, hire.target_quarter),
        statuses=hire_statuses(hire),
        auto_id=f"hire-{hire.pk}-%s",
    )


def mark_hired_form(hire: PlannedHire, now: int, data: QueryDict | None = None):
    return MarkHiredForm(
        data,
        ordinals=quarter_window(now, hire.target_quarter),
        initial={"start_quarter": hire.target_quarter, "version": hire.version},
        auto_id=f"hire-{hire.pk}-hired-%s",
    )


# --- the page --------------------------------------------------------------------------------

PAGE_SIZE = 25
SEAT_FILTERS = {"in_seat": _("In seat"), "left": _("Left"), "later": _("Starts later")}


@dataclass(frozen=True)
class TeamFilters:
    """What the page's two lists are narrowed to, read from the query string.

    Values that mean nothing here are ignored rather than refused: a filter link from an
    old bookmark still opens the page.
    """

    member_role: str = ""
    seat: str = ""
    member_page: str = "1"
    hire_role: str = ""
    hire_status: str = ""
    hire_quarter: int | None = None
    hire_page: str = "1"
    scenario: str = ""  # kept on every link, so that a list's page stays in its scenario

    @classmethod
    def of(cls, query: QueryDict) -> "TeamFilters":
        def choice(name: str, allowed) -> str:
            value = query.get(name, "")
            return value if value in allowed else ""

        quarter = query.get("hire_quarter", "")
        return cls(
            member_role=choice("member_role", rules.ROLES),
            seat=choice("seat", SEAT_FILTERS),
            member_page=query.get("member_page", "1"),
            hire_role=choice("hire_role", rules.ROLES),
            hire_status=choice("hire_status", rules.HIRE_STATUSES),
            hire_quarter=int(quarter) if quarter.isdigit() else None,
            hire_page=query.get("hire_page", "1"),
            scenario=query.get("scenario", "") if query.get("scenario", "").isdigit() else "",
        )

    def params(self, *names: str) -> list[tuple[str, str]]:
        """The named filters that are set, as query parameters."""
        values = ((name, getattr(self, name)) for name in names)
        return [(name, str(value)) for name, value in values if value not in ("", None, "1")]

    @property
    def member_params(self) -> list[tuple[str, str]]:
        """What the list of people is showing, for a form or link of the hires' list."""
        return self.params("member_role", "seat", "member_page")

    @property
    def hire_params(self) -> list[tuple[str, str]]:
        return self.params("hire_role", "hire_status", "hire_quarter", "hire_page")

    def link(self, **changes: str) -> str:
        """The page's URL query with ``changes``, every other filter kept."""
        query = QueryDict(mutable=True)
        scenario = [("scenario", self.scenario)] if self.scenario else []
        for name, value in [*self.member_params, *self.hire_params, *scenario, *changes.items()]:
            query[name] = value
            if name.endswith("_page") and value == "1":  # the first page has no number
                del query[name]
        return "?" + query.urlencode()

    def members(self, organization, now: int):
        members = organization.team_members.all()
        if self.member_role:
            members = members.filter(role=self.member_role)
        if self.seat == "in_seat":
            members = members.filter(start_quarter__lte=now).filter(
                Q(end_quarter__isnull=True) | Q(end_quarter__gt=now)
            )
        elif self.seat == "left":
            members = members.filter(end_quarter__lte=now)
        elif self.seat == "later":
            members = members.filter(start_quarter__gt=now)
        return members

    def hires(self, organization, scenario: Scenario | None = None):
        hires = organization.planned_hires.filter(scenario=scenario).select_related(
            "team_member", "scenario"
        )
        if self.hire_role:
            hires = hires.filter(role=self.hire_role)
        if self.hire_status:
            hires = hires.filter(status=self.hire_status)
        if self.hire_quarter is not None:
            hires = hires.filter(target_quarter=self.hire_quarter)
        return hires


@dataclass(frozen=True)
class ListPage:
    """One page of a list, and the links to the pages before and after it."""

    page: Page
    previous_url: str = ""
    next_url: str = ""

    @classmethod
    def of(cls, rows, number: str, filters: TeamFilters, param: str) -> "ListPage":
        page = Paginator(rows, PAGE_SIZE).get_page(number)
        return cls(
            page=page,
            previous_url=(
                filters.link(**{param: str(page.previous_page_number())})
                if page.has_previous()
                else ""
            ),
            next_url=(
                filters.link(**{param: str(page.next_page_number())}) if page.has_next() else ""
            ),
        )


def filters_of(request: HttpRequest) -> TeamFilters:
    """The filters of the page the request comes from: its own query string, or for an
    htmx write, the query string of the page it was made on."""
    if request.method == "GET":
        return TeamFilters.of(request.GET)
    current = request.htmx.current_url if request.htmx else None
    return TeamFilters.of(QueryDict(urlsplit(current).query if current else ""))


def hire_summary(organization, scenario: Scenario | None = None) -> HireSummary:
    """Every open hire, whatever the page shows: how many, and what they cost a year."""
    totals = organization.planned_hires.filter(
        scenario=scenario, status__in=rules.OPEN_HIRE_STATUSES
    ).aggregate(
        count=Count("pk"),
        cost=Sum("annual_cost"),
        uncosted=Count("pk", filter=Q(annual_cost__isnull=True)),
    )
    return HireSummary(
        open_count=totals["count"], cost=totals["cost"], uncosted_count=totals["uncosted"]
    )


def page_context(
    request: HttpRequest, membership: Membership, redraw: Redraw | None = None
) -> dict:
    """The page: a page of each list as the filters narrow it, and the gap panel beside.

    The gap panel and the summary count every person and hire; the lists build rows for
    the page they show only.
    """
    redraw = redraw or Redraw()
    organization = membership.organization
    now = current_quarter(organization)
    scenario = membership.scenario
    # The scenario is the one the request names, whatever page the request came from: a
    # write without htmx names no page, and its redrawn links must not fall back to the plan.
    filters = replace(filters_of(request), scenario=str(scenario.pk) if scenario else "")
    members = ListPage.of(
        filters.members(organization, now), filters.member_page, filters, "member_page"
    )
    hires = ListPage.of(
        filters.hires(organization, scenario), filters.hire_page, filters, "hire_page"
    )
    plan = load_plan(organization, scenario=scenario)
    return org_context(
        membership,
        "team",
        now=now,
        filters=filters,
        page_size=PAGE_SIZE,  # a list that fits on one page needs no filters
        member_page=members,
        hire_page=hires,
        member_rows=[
            member_row(member, now, refusal=redraw.refused_members.get(member.pk))
            for member in members.page
        ],
        hire_rows=[
            redraw.hire_rows.get(hire.pk) or hire_row(hire, hire.team_member, organization)
            for hire in hires.page
        ],
        role_choices=ROLE_CHOICES,
        seat_choices=SEAT_FILTERS,
        status_choices=PlannedHire.Status.choices,
        target_quarters=quarter_window(now),
        member_form=redraw.member_form or new_member_form(now, leader_first=not plan.seats),
        hire_form=redraw.hire_form or new_hire_form(now),
        summary=hire_summary(organization, scenario),
        added_member=redraw.added_member,
        added_hire=redraw.added_hire,
        bulk_form=redraw.bulk_form or HireStatusForm(auto_id="bulk-%s"),
        bulk=redraw.bulk,
        **gap_context(plan, None, compact=True),
    )
