"""The leadership summary and the roadmap's money: what a leader takes into a meeting.

Built from one ``Plan`` (so a fixed number of queries) and the rules' results only. The
members' summary page, the shared read-only link and the roadmap's charts all come from
here, so they cannot disagree.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from planner import charts, costs, rules
from planner.money import format_amount
from planner.planning import Plan, current_quarter
from planner.quarters import Quarter

NEXT_QUARTERS = 4  # the requisitions a summary lists: this quarter and the three after


@dataclass(frozen=True)
class Requisition:
    """Something to open in the coming quarters: seats still to plan, or an open hire."""

    role: str
    seats: int
    needed_in: int
    open_by: int
    status_words: str
    status_key: str
    hire_status: str = ""  # planned, approved or recruiting for an open hire; "" for seats


@dataclass(frozen=True)
class CostYear:
    year: costs.FiscalYearCost
    label: str


@dataclass(frozen=True)
class Money:
    """The roadmap's costs: per quarter, per fiscal year, and the roles without a cost."""

    currency: str
    quarters: list[tuple[rules.RoadmapQuarter, costs.QuarterCost]]
    years: list[costs.FiscalYearCost]
    uncosted: list[str]

    @property
    def rows(self) -> list[tuple[str, object]]:
        """The cost table's rows in order: ("quarter", (q, cost)) then ("year", subtotal)."""
        out: list[tuple[str, object]] = []
        by_year = {year.fiscal_year: year for year in self.years}
        for i, (quarter, cost) in enumerate(self.quarters):
            out.append(("quarter", (quarter, cost)))
            following = self.quarters[i + 1][1] if i + 1 < len(self.quarters) else None
            if following is None or following.fiscal_year != cost.fiscal_year:
                out.append(("year", by_year[cost.fiscal_year]))
        return out

    def year(self, fiscal_year: int) -> costs.FiscalYearCost | None:
        return next((y for y in self.years if y.fiscal_year == fiscal_year), None)


def money(plan: Plan, roadmap: list[rules.RoadmapQuarter]) -> Money:
    quarter_costs = plan.roadmap_costs(roadmap)
    uncosted = sorted(
        frozenset().union(*(c.uncosted for c in quarter_costs)), key=rules.ROLES.index
    )
    return Money(
        currency=plan.organization.currency,
        quarters=list(zip(roadmap, quarter_costs, strict=True)),
        years=costs.fiscal_years(quarter_costs),
        uncosted=[rules.ROLE_NAMES[role] for role in uncosted],
    )


def roadmap_charts(roadmap: list[rules.RoadmapQuarter], budget: Money) -> list[charts.Chart]:
    if not roadmap:
        return []
    amount = partial(format_amount, currency=budget.currency)
    return [
        charts.headcount_chart(roadmap),
        charts.team_chart(roadmap),
        charts.ratio_chart(roadmap),
        charts.stage_chart(roadmap),
        charts.cost_chart(budget.years, budget.currency, amount),
    ]


def requisitions(roadmap: list[rules.RoadmapQuarter], now: int) -> list[Requisition]:
    """What to open for the quarters from ``now`` on, four of them, by deadline."""
    found: list[Requisition] = []
    for quarter in roadmap:
        if not now <= quarter.quarter < now + NEXT_QUARTERS:
            continue
        for seat in quarter.hires_to_plan:
            if seat.needed_in == quarter.quarter or quarter.quarter == now:
                found.append(
                    Requisition(
                        role=seat.role,
                        seats=seat.seats,
                        needed_in=seat.needed_in,
                        open_by=seat.open_requisition_by,
                        status_words=seat.status_words,
                        status_key=str(seat.status or ""),
                    )
                )
        for hire in quarter.open_hires_listed:
            found.append(
                Requisition(
                    role=hire.role,
                    seats=1,
                    needed_in=hire.target,
                    open_by=hire.open_requisition_by,
                    status_words=hire.status_words,
                    status_key=str(hire.status or "open"),
                    hire_status=hire.hire_status,
                )
            )
    # The same seats stay short quarter after quarter: list each run of them once.
    unique = list(dict.fromkeys(found))
    return sorted(unique, key=lambda r: (r.open_by, r.needed_in, rules.ROLES.index(r.role)))


def summary_context(plan: Plan, today: datetime.date | None = None) -> dict:
    """Everything the summary shows. No member names: the shared link shows the same."""
    organization = plan.organization
    now = current_quarter(organization, today)
    roadmap = plan.roadmap(today)
    budget = money(plan, roadmap)
    quarter = plan.default_quarter(today)
    gap = plan.gap(quarter, today) if quarter is not None else None
    this_year = Quarter.from_ordinal(now).fiscal_year
    context = {
        "now": now,
        "quarter": quarter,
        "gap": gap,
        "roadmap": roadmap,
        "budget": budget,
        "charts": roadmap_charts(roadmap, budget),
        "requisitions": requisitions(roadmap, now),
        "stage_alerts": plan.stage_crossings(roadmap),
        "cost_years": [
            CostYear(year, label)
            for year, label in (
                (budget.year(this_year), _("This fiscal year")),
                (budget.year(this_year + 1), _("Next fiscal year")),
            )
            if year is not None
        ],
        "this_year": this_year,
    }
    if gap is not None:
        context["quarter_cost"] = plan.quarter_cost(gap)
        context["ratio"] = _ratio(gap)
        context["band_meaning"] = rules.RATIO_BAND_MEANINGS[gap.ratio_band]
    return context


def _ratio(gap: rules.QuarterGap) -> str | None:
    if not gap.in_seat_total:
        return None
    ratio = Decimal(gap.assessment.headcount.total) / gap.in_seat_total
    return number_format(ratio.quantize(Decimal(1)), force_grouping=True)
