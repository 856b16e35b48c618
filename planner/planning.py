"""Reads an organization's plan in a fixed number of queries and hands it to the rules.

Views, the CSV export and the management commands all go through here, so each number
is computed once, by ``planner.rules``, whatever page shows it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from planner import rules
from planner.models import HeadcountSnapshot, Organization, PlannedHire, TeamMember
from planner.quarters import Quarter


@dataclass(frozen=True)
class Plan:
    """An organization's plan as the rules read it: plain values, no model instances.

    Pages that show rows (the headcount grid, the Team & hires page) read those rows
    themselves; the plan only holds what the rules need, so a page that shows one quarter
    does not build an object per snapshot, person and hire.
    """

    organization: Organization
    headcounts: dict[int, rules.Headcount]  # by quarter, oldest first
    seats: tuple[rules.TeamSeat, ...]
    hires: tuple[rules.Hire, ...]
    verticals: int

    @classmethod
    def of(
        cls,
        organization: Organization,
        *,
        snapshots: Iterable[HeadcountSnapshot],
        team: Iterable[TeamMember],
        hires: Iterable[PlannedHire],
        verticals: int = 0,
    ) -> "Plan":
        """The plan of rows already in hand (tests, and pages that show them anyway)."""
        ordered = sorted(snapshots, key=lambda snapshot: snapshot.quarter)
        return cls(
            organization=organization,
            headcounts={snapshot.quarter: snapshot.as_headcount() for snapshot in ordered},
            seats=tuple(member.as_seat() for member in team),
            hires=tuple(hire.as_hire() for hire in hires),
            verticals=verticals,
        )

    @property
    def quarters(self) -> list[int]:
        """The quarters with a snapshot, oldest first."""
        return list(self.headcounts)

    @property
    def profile(self) -> rules.Profile:
        return rules.Profile(
            target_ratio=self.organization.target_ratio,
            verticals=self.verticals,
            leader_has_adult_learning=self.organization.leader_has_adult_learning,
        )

    def headcount_for(self, quarter: int) -> tuple[rules.Headcount, bool] | None:
        """The quarter's snapshot, else the latest earlier one carried forward (True)."""
        earlier = [q for q in self.headcounts if q <= quarter]
        if not earlier:
            return None
        latest = earlier[-1]
        return self.headcounts[latest], latest != quarter

    def gap(self, quarter: int, today: datetime.date | None = None) -> rules.QuarterGap | None:
        """The quarter's gap; the later snapshots tell from when a surplus is needed."""
        found = self.headcount_for(quarter)
        if found is None:
            return None
        return rules.gap_for_quarter(
            quarter,
            found[0],
            self.profile,
            self.seats,
            self.hires,
            forecast=self.headcounts,
            current=current_quarter(self.organization, today),
        )

    def roadmap(self, today: datetime.date | None = None) -> list[rules.RoadmapQuarter]:
        """Deadlines worded against the quarter of ``today`` (default: the real today)."""
        return rules.roadmap(
            self.headcounts,
            self.profile,
            self.seats,
            self.hires,
            self.organization.hiring_lead_time,
            current=current_quarter(self.organization, today),
        )

    def default_quarter(self, today: datetime.date | None = None) -> int | None:
        """The current quarter if it has data (or data before it), else the latest."""
        quarters = self.quarters
        if not quarters:
            return None
        current = current_quarter(self.organization, today)
        if quarters[0] <= current:
            return min(current, quarters[-1])
        return quarters[-1]


def current_quarter(organization: Organization, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return Quarter.containing(today, organization.fiscal_year_start_month).ordinal


def load_plan(
    organization: Organization,
    *,
    snapshots: list[HeadcountSnapshot] | None = None,
    team: list[TeamMember] | None = None,
    hires: list[PlannedHire] | None = None,
) -> Plan:
    """Four queries of plain values, whatever the number of quarters, people or hires.

    A page that shows rows reads them itself and passes them in (``snapshots`` in quarter
    order); they are turned into the rules' values instead of being read a second time.
    """
    return Plan(
        organization=organization,
        headcounts=_headcounts(organization, snapshots),
        seats=_seats(organization, team),
        hires=_hires(organization, hires),
        verticals=organization.segments.count(),
    )


def _headcounts(
    organization: Organization, snapshots: list[HeadcountSnapshot] | None
) -> dict[int, rules.Headcount]:
    if snapshots is not None:
        return {snapshot.quarter: snapshot.as_headcount() for snapshot in snapshots}
    rows = organization.snapshots.order_by("quarter").values_list(
        "quarter", "sales", "customer_success", "other"
    )
    return {
        quarter: rules.Headcount(sales=sales, customer_success=success, other=other)
        for quarter, sales, success, other in rows
    }


def _seats(organization: Organization, team: list[TeamMember] | None) -> tuple:
    if team is not None:
        return tuple(member.as_seat() for member in team)
    rows = organization.team_members.values_list(
        "role", "start_quarter", "end_quarter", "is_manager"
    )
    return tuple(
        rules.TeamSeat(role=role, start=start, end=end, is_manager=manager)
        for role, start, end, manager in rows
    )


def _hires(organization: Organization, hires: list[PlannedHire] | None) -> tuple:
    if hires is not None:
        return tuple(hire.as_hire() for hire in hires)
    rows = organization.planned_hires.values_list("role", "target_quarter", "status", "is_manager")
    return tuple(
        rules.Hire(role=role, target=target, status=status, is_manager=manager)
        for role, target, status, manager in rows
    )
