"""The Team & hires page: its rows, its forms and its context.

Shared by the two view modules that serve the page (``views/team.py`` for the people in
seat, ``views/hires.py`` for the planned hires), so that either can redraw the page or a
section of it after a write.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.urls import reverse

from planner import rules, services
from planner.forms import HireForm, HireStatusForm, MarkHiredForm, TeamMemberForm
from planner.gap_panel import gap_context
from planner.models import Membership, Organization, PlannedHire, TeamMember
from planner.planning import Plan, current_quarter
from planner.views.access import org_context
from planner.views.refusals import Refusal

PAGE = "planner/team.html"
MEMBER_ROW = "planner/_team_member.html"
HIRE_ROW = "planner/_hire.html"
QUARTERS_AROUND = 12  # how far back and ahead of the current quarter the selects reach

SEAT_STATUSES = {"in_seat": "In seat", "left": "Left", "later": "Starts later"}
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

    @classmethod
    def of(cls, hires: list[PlannedHire]) -> "HireSummary":
        open_hires = [hire for hire in hires if hire.counts]
        costs = [hire.annual_cost for hire in open_hires if hire.annual_cost is not None]
        return cls(
            open_count=len(open_hires),
            cost=sum(costs) if costs else None,
            uncosted_count=len(open_hires) - len(costs),
        )


@dataclass(frozen=True)
class StatusOutcome:
    """What a change of status of the selected hires did, and each hire it left alone."""

    done: str
    refused: list[services.RefusedHire]

    @classmethod
    def of(cls, result: services.StatusChanges, status_label: str) -> "StatusOutcome":
        changed = len(result.changed)
        if changed:
            done = f"Set {changed} hire{'s' if changed > 1 else ''} to {status_label.lower()}."
        else:
            done = "No hire was changed."
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


def team_url(slug: str, anchor: str = "") -> str:
    return reverse("team", args=[slug]) + (f"#{anchor}" if anchor else "")


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
    """A hire's row; an open one with its requisition deadline worded against now."""
    deadline = None
    if hire.counts:
        now = current_quarter(organization)
        deadline = rules.open_hire(hire.as_hire(), organization.hiring_lead_time, now)
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


def page_context(membership: Membership, plan: Plan, redraw: Redraw | None = None) -> dict:
    redraw = redraw or Redraw()
    now = current_quarter(plan.organization)
    members = {member.pk: member for member in plan.team}
    return org_context(
        membership,
        "team",
        now=now,
        member_rows=[
            member_row(member, now, refusal=redraw.refused_members.get(member.pk))
            for member in plan.team
        ],
        hire_rows=[
            redraw.hire_rows.get(hire.pk)
            or hire_row(hire, members.get(hire.team_member_id), plan.organization)
            for hire in plan.hires
        ],
        member_form=redraw.member_form or new_member_form(now, leader_first=not plan.team),
        hire_form=redraw.hire_form or new_hire_form(now),
        summary=HireSummary.of(plan.hires),
        added_member=redraw.added_member,
        added_hire=redraw.added_hire,
        bulk_form=redraw.bulk_form or HireStatusForm(auto_id="bulk-%s"),
        bulk=redraw.bulk,
        compact=True,
        **gap_context(plan, None),
    )
