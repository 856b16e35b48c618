"""Reads an organization's plan in a fixed number of queries and hands it to the rules.

Views, the CSV export and the management commands all go through here, so each number
is computed once, by ``planner.rules``, whatever page shows it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from planner import costs, rules
from planner.models import (
    HeadcountSnapshot,
    Organization,
    PlannedHire,
    RoleCost,
    Segment,
    TeamMember,
)
from planner.quarters import Quarter


@dataclass(frozen=True)
class Plan:
    organization: Organization
    snapshots: list[HeadcountSnapshot]
    team: list[TeamMember]
    hires: list[PlannedHire]
    segments: list[Segment]
    role_costs: list[RoleCost] = field(default_factory=list)

    @property
    def profile(self) -> rules.Profile:
        return rules.Profile(
            target_ratio=self.organization.target_ratio,
            verticals=len(self.segments),
            leader_has_adult_learning=self.organization.leader_has_adult_learning,
        )

    @property
    def headcounts(self) -> dict[int, rules.Headcount]:
        return {snapshot.quarter: snapshot.as_headcount() for snapshot in self.snapshots}

    def seats(self) -> list[rules.TeamSeat]:
        return [member.as_seat() for member in self.team]

    def open_hires(self) -> list[rules.Hire]:
        return [hire.as_hire() for hire in self.hires]

    def headcount_for(self, quarter: int) -> tuple[rules.Headcount, bool] | None:
        """The quarter's snapshot, else the latest earlier one carried forward (True)."""
        earlier = [s for s in self.snapshots if s.quarter <= quarter]
        if not earlier:
            return None
        latest = earlier[-1]
        return latest.as_headcount(), latest.quarter != quarter

    def gap(self, quarter: int, today: datetime.date | None = None) -> rules.QuarterGap | None:
        """The quarter's gap; the later snapshots tell from when a surplus is needed."""
        found = self.headcount_for(quarter)
        if found is None:
            return None
        return rules.gap_for_quarter(
            quarter,
            found[0],
            self.profile,
            self.seats(),
            self.open_hires(),
            forecast=self.headcounts,
            current=current_quarter(self.organization, today),
        )

    def roadmap(self, today: datetime.date | None = None) -> list[rules.RoadmapQuarter]:
        """Deadlines worded against the quarter of ``today`` (default: the real today)."""
        return rules.roadmap(
            self.headcounts,
            self.profile,
            self.seats(),
            self.open_hires(),
            self.organization.hiring_lead_time,
            current=current_quarter(self.organization, today),
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
        return [costs.CostedSeat(member.as_seat(), member.annual_cost) for member in self.team]

    def costed_hires(self) -> list[costs.CostedHire]:
        return [costs.CostedHire(hire.as_hire(), hire.annual_cost) for hire in self.hires]

    def quarter_cost(self, gap: rules.QuarterGap) -> costs.QuarterCost:
        return costs.quarter_cost(gap, self.costed_seats(), self.costed_hires(), self.cost_table())

    def roadmap_costs(self, roadmap: list[rules.RoadmapQuarter]) -> list[costs.QuarterCost]:
        return costs.roadmap_costs(
            roadmap, self.costed_seats(), self.costed_hires(), self.cost_table()
        )

    def default_quarter(self, today: datetime.date | None = None) -> int | None:
        """The current quarter if it has data (or data before it), else the latest."""
        if not self.snapshots:
            return None
        current = current_quarter(self.organization, today)
        if self.snapshots[0].quarter <= current:
            return current if current <= self.snapshots[-1].quarter else self.snapshots[-1].quarter
        return self.snapshots[-1].quarter


def current_quarter(organization: Organization, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return Quarter.containing(today, organization.fiscal_year_start_month).ordinal


def load_plan(organization: Organization) -> Plan:
    """Five queries, whatever the number of quarters, people or hires."""
    return Plan(
        organization=organization,
        snapshots=list(HeadcountSnapshot.objects.filter(organization=organization)),
        team=list(TeamMember.objects.filter(organization=organization)),
        hires=list(PlannedHire.objects.filter(organization=organization)),
        segments=list(Segment.objects.filter(organization=organization)),
        role_costs=list(RoleCost.objects.filter(organization=organization)),
    )
