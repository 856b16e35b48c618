"""Reads an organization's plan in a fixed number of queries and hands it to the rules.

Views, the CSV export and the management commands all go through here, so each number
is computed once, by ``planner.rules``, whatever page shows it.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone, translation

from planner import costs, remembered, rules
from planner.models import (
    HeadcountSnapshot,
    Organization,
    PlannedHire,
    RoleCost,
    Scenario,
    TeamMember,
)
from planner.quarters import Quarter


@dataclass(frozen=True)
class People:
    """Everything a plan reads but its headcount: the team and the hires (the plan's or a
    scenario's), each one's own annual cost (None: the role's default, in the same order),
    the roles' costs and the number of segments. A headcount edit leaves it as it was."""

    seats: tuple[rules.TeamSeat, ...]
    seat_costs: tuple[Decimal | None, ...]
    hires: tuple[rules.Hire, ...]
    hire_costs: tuple[Decimal | None, ...]
    role_costs: tuple[RoleCost, ...]
    segments: int

    @cached_property
    def key(self) -> remembered.Inputs:
        """The seats and hires with their own costs and the roles' costs, as plain values:
        computed once for people kept across requests."""
        return remembered.Inputs(
            (
                tuple((s.role, s.start, s.end, s.is_manager) for s in self.seats),
                tuple((h.role, h.target, h.status, h.is_manager) for h in self.hires),
                self.seat_costs,
                self.hire_costs,
                tuple((r.role, r.annual_cost, r.manager_annual_cost) for r in self.role_costs),
            )
        )


@dataclass(frozen=True)
class Plan:
    """An organization's plan as the rules read it: plain values, no model instances.

    Pages that show rows (the headcount grid, the Team & hires page) read those rows
    themselves; the plan only holds what the rules need, so a page that shows one quarter
    does not build an object per snapshot, person and hire.
    """

    organization: Organization
    headcounts: dict[int, rules.Headcount]  # by quarter, oldest first
    people: People
    # The organization's segments, or the number a scenario holds.
    verticals: int
    # None: the plan itself (the baseline), whose inputs are the organization's.
    scenario: Scenario | None = None

    @classmethod
    def of(
        cls,
        organization: Organization,
        *,
        snapshots: Iterable[HeadcountSnapshot],
        team: Iterable[TeamMember],
        hires: Iterable[PlannedHire],
        verticals: int = 0,
        role_costs: Iterable[RoleCost] = (),
    ) -> "Plan":
        """The plan of rows already in hand (tests, and pages that show them anyway)."""
        ordered = sorted(snapshots, key=lambda snapshot: snapshot.quarter)
        team, hires = list(team), list(hires)
        return cls(
            organization=organization,
            headcounts={snapshot.quarter: snapshot.as_headcount() for snapshot in ordered},
            people=People(
                seats=tuple(member.as_seat() for member in team),
                seat_costs=tuple(member.annual_cost for member in team),
                hires=tuple(hire.as_hire() for hire in hires),
                hire_costs=tuple(hire.annual_cost for hire in hires),
                role_costs=tuple(role_costs),
                segments=verticals,
            ),
            verticals=verticals,
        )

    @property
    def seats(self) -> tuple[rules.TeamSeat, ...]:
        return self.people.seats

    @property
    def hires(self) -> tuple[rules.Hire, ...]:
        return self.people.hires

    @property
    def role_costs(self) -> tuple[RoleCost, ...]:
        return self.people.role_costs

    @property
    def quarters(self) -> list[int]:
        """The quarters with a snapshot, oldest first."""
        return list(self.headcounts)

    @property
    def inputs(self) -> Organization | Scenario:
        """Where the planning inputs (ratio, lead time, adult learning) are read from."""
        return self.scenario or self.organization

    @property
    def lead_time(self) -> int:
        return self.inputs.hiring_lead_time

    @property
    def profile(self) -> rules.Profile:
        return rules.Profile(
            target_ratio=self.inputs.target_ratio,
            verticals=self.verticals,
            leader_has_adult_learning=self.inputs.leader_has_adult_learning,
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
        current = current_quarter(self.organization, today)

        def compute() -> rules.QuarterGap:
            # The roadmap holds each of its quarters' gap (the same as computed alone, which
            # the rules' tests prove): when this plan's is kept, the quarter is read from it
            # instead of counting every seat and hire again.
            roadmap = remembered.RESULTS.peek(self._key(("roadmap", current)))
            if roadmap is not None and quarter <= roadmap.value[-1].quarter:
                return roadmap.value[quarter - roadmap.value[0].quarter].gap
            return rules.gap_for_quarter(
                quarter,
                found[0],
                self.profile,
                self.seats,
                self.hires,
                forecast=self.headcounts,
                current=current,
            )

        return self._remembered(("gap", quarter, current), compute).value

    def roadmap(self, today: datetime.date | None = None) -> list[rules.RoadmapQuarter]:
        """Deadlines worded against the quarter of ``today`` (default: the real today)."""
        current = current_quarter(self.organization, today)
        entry = self._remembered(
            ("roadmap", current),
            lambda: tuple(
                rules.roadmap(
                    self.headcounts,
                    self.profile,
                    self.seats,
                    self.hires,
                    self.lead_time,
                    current=current,
                    open_hires=self._open_hires(current),
                )
            ),
        )
        return list(entry.value)

    def _open_hires(self, current: int) -> rules.OpenHiresByTarget:
        """Kept per people, lead time and quarter: a headcount edit leaves them as they were."""
        return remembered.RESULTS.entry(
            (self.people.key, "open hires", self.lead_time, current),
            lambda: rules.OpenHiresByTarget.of(self.hires, self.lead_time, current),
        ).value

    def stage_crossings(
        self, roadmap: list[rules.RoadmapQuarter] | None = None
    ) -> tuple[rules.StageCrossing, ...]:
        """The quarters where the plan changes stage, from the current one on; from
        ``roadmap`` when the page has it already."""
        quarters = self.roadmap() if roadmap is None else roadmap
        return self._derived_from_roadmap(
            quarters, "crossings", lambda: rules.stage_crossings(quarters, self.lead_time)
        )

    def cost_table(self) -> costs.CostTable:
        return costs.CostTable(
            currency=self.organization.currency,
            annual={row.role: row.annual_cost for row in self.role_costs},
            manager_annual={
                row.role: row.manager_annual_cost
                for row in self.role_costs
                if row.manager_annual_cost is not None
            },
        )

    def costed_seats(self) -> list[costs.CostedSeat]:
        return [
            costs.CostedSeat(seat, cost)
            for seat, cost in zip(self.seats, self.people.seat_costs, strict=True)
        ]

    def costed_hires(self) -> list[costs.CostedHire]:
        return [
            costs.CostedHire(hire, cost)
            for hire, cost in zip(self.hires, self.people.hire_costs, strict=True)
        ]

    def quarter_cost(self, gap: rules.QuarterGap) -> costs.QuarterCost:
        def compute() -> costs.QuarterCost:
            return costs.quarter_cost_of_alike(gap, *self._alike(), self.cost_table())

        entry = remembered.RESULTS.peek(self._key(("gap", gap.quarter, gap.current)))
        if entry is None or entry.value is not gap:
            return compute()  # a gap this plan did not make: nothing to reuse
        return _derived(entry, "cost", compute)

    def roadmap_costs(self, roadmap: list[rules.RoadmapQuarter]) -> list[costs.QuarterCost]:
        return list(
            self._derived_from_roadmap(
                roadmap,
                "costs",
                lambda: tuple(
                    costs.roadmap_costs_of_alike(roadmap, *self._alike(), self.cost_table())
                ),
            )
        )

    @cached_property
    def inputs_key(self) -> remembered.Inputs:
        """Everything the rules and costs read, as plain values: two plans with equal keys
        have the same results, whichever organization, scenario or request they came from."""
        inputs = self.inputs
        return remembered.Inputs(
            (
                tuple(
                    (quarter, h.sales, h.customer_success, h.other)
                    for quarter, h in self.headcounts.items()
                ),
                # One value, its hash computed once per people (load_plan keeps them).
                self.people.key,
                self.organization.currency,
                self.organization.fiscal_year_start_month,
                self.verticals,
                inputs.target_ratio,
                inputs.hiring_lead_time,
                inputs.leader_has_adult_learning,
            )
        )

    def _alike(self) -> tuple[list, list]:
        """The seats and hires as the costs sum them, alike ones once with their number;
        kept per people."""
        return remembered.RESULTS.entry(
            (self.people.key, "alike"),
            lambda: (costs.alike(self.costed_seats()), costs.alike(self.costed_hires())),
        ).value

    def _key(self, what: tuple) -> tuple:
        # The reasons are worded when computed, so each language has its own results.
        return (self.inputs_key, translation.get_language(), *what)

    def _remembered(self, what: tuple, compute: Callable[[], Any]) -> remembered.Entry:
        return remembered.RESULTS.entry(self._key(what), compute)

    def _derived_from_roadmap(
        self, roadmap: list[rules.RoadmapQuarter], name: str, compute: Callable[[], Any]
    ) -> Any:
        """What ``compute`` derives from ``roadmap``, kept with it when ``roadmap`` is this
        plan's remembered one (the same quarter objects), computed afresh otherwise."""
        if not roadmap:
            return compute()
        entry = remembered.RESULTS.peek(self._key(("roadmap", roadmap[0].current)))
        if entry is None or len(entry.value) != len(roadmap):
            return compute()
        if not all(mine is given for mine, given in zip(entry.value, roadmap, strict=True)):
            return compute()
        return _derived(entry, name, compute)

    def default_quarter(self, today: datetime.date | None = None) -> int | None:
        """The current quarter if it has data (or data before it), else the latest."""
        quarters = self.quarters
        if not quarters:
            return None
        current = current_quarter(self.organization, today)
        if quarters[0] <= current:
            return min(current, quarters[-1])
        return quarters[-1]


def _derived(entry: remembered.Entry, name: str, compute: Callable[[], Any]) -> Any:
    if name not in entry.derived:
        entry.derived[name] = compute()
    return entry.derived[name]


def current_quarter(organization: Organization, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return Quarter.containing(today, organization.fiscal_year_start_month).ordinal


def load_plan(
    organization: Organization,
    *,
    snapshots: list[HeadcountSnapshot] | None = None,
    scenario: Scenario | None = None,
    today: datetime.date | None = None,
) -> Plan:
    """A fixed number of queries of plain values, whatever the number of quarters, people
    or hires: the headcounts, then the people (``People``).

    The headcount grid reads its rows itself and passes them in (``snapshots`` in quarter
    order); they are turned into the rules' values instead of being read a second time.
    ``scenario`` reads that scenario's forecast, hires and inputs instead of the plan's,
    with the plan's actual quarters (before the current one) and its team.
    """
    people = _people(organization, scenario)
    return Plan(
        organization=organization,
        headcounts=_headcounts(organization, snapshots, scenario, today),
        people=people,
        verticals=scenario.verticals if scenario else people.segments,
        scenario=scenario,
    )


def _people(organization: Organization, scenario: Scenario | None) -> People:
    """The people as the database holds them: four queries, or one when this process read
    them at the same people revision before.

    Every write but a headcount edit moves ``Organization.people_revision``
    (``services._touch``), so the people read at a revision are the people of that
    revision, whoever asks. The revision is read first, then the people: what is kept under
    a revision is never older than it. Nothing read inside a transaction is kept, as it may
    hold writes that are rolled back.
    """
    revision, segments = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(segment_count=Count("segments"))
        .values_list("people_revision", "segment_count")
        .get()
    )
    key = (
        "people",
        organization.pk,
        organization.created_at,  # SQLite may give a deleted organization's id to a new one
        scenario.pk if scenario else None,
        revision,
    )
    found = remembered.RESULTS.peek(key)
    if found is not None:
        return found.value
    seats, seat_costs = _seats(organization)
    hires, hire_costs = _hires(organization, scenario)
    people = People(
        seats=seats,
        seat_costs=seat_costs,
        hires=hires,
        hire_costs=hire_costs,
        role_costs=tuple(RoleCost.objects.filter(organization=organization)),
        segments=segments,
    )
    if not connection.in_atomic_block:
        remembered.RESULTS.keep(key, people)
    return people


def plan_snapshots(
    organization: Organization,
    scenario: Scenario | None,
    today: datetime.date | None = None,
):
    """The snapshot rows of the plan or of ``scenario``, in one query, oldest first.

    A scenario shows the plan's actual quarters (before the current one) and its own
    forecast from the current quarter on; rows of its own before that are not shown.
    """
    if scenario is None:
        return HeadcountSnapshot.objects.filter(organization=organization, scenario=None)
    now = current_quarter(organization, today)
    return HeadcountSnapshot.objects.filter(
        Q(scenario=None, quarter__lt=now) | Q(scenario=scenario, quarter__gte=now),
        organization=organization,
    )


def _headcounts(
    organization: Organization,
    snapshots: list[HeadcountSnapshot] | None,
    scenario: Scenario | None = None,
    today: datetime.date | None = None,
) -> dict[int, rules.Headcount]:
    if snapshots is not None:
        return {snapshot.quarter: snapshot.as_headcount() for snapshot in snapshots}
    rows = (
        plan_snapshots(organization, scenario, today)
        .order_by("quarter")
        .values_list("quarter", "sales", "customer_success", "other")
    )
    return {
        quarter: rules.Headcount(sales=sales, customer_success=success, other=other)
        for quarter, sales, success, other in rows
    }


def _seats(organization: Organization) -> tuple[tuple, tuple]:
    """The seats as the rules read them, and each one's own annual cost."""
    rows = list(
        organization.team_members.values_list(
            "role", "start_quarter", "end_quarter", "is_manager", "annual_cost"
        )
    )
    seats = tuple(
        rules.TeamSeat(role=role, start=start, end=end, is_manager=manager)
        for role, start, end, manager, _ in rows
    )
    return seats, tuple(row[4] for row in rows)


def _hires(organization: Organization, scenario: Scenario | None) -> tuple[tuple, tuple]:
    """The hires as the rules read them, and each one's own annual cost."""
    rows = list(
        PlannedHire.objects.filter(organization=organization, scenario=scenario).values_list(
            "role", "target_quarter", "status", "is_manager", "annual_cost"
        )
    )
    planned = tuple(
        rules.Hire(role=role, target=target, status=status, is_manager=manager)
        for role, target, status, manager, _ in rows
    )
    return planned, tuple(row[4] for row in rows)
