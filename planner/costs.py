"""What the team costs: in seat, open planned hires and the recommended team (docs/COSTS.md).

Pure: no database, no clock. It takes the rules' results (``QuarterGap``) and a cost table
and returns ``Decimal`` amounts, never floats, so a quarter is exactly a quarter of an
annual cost and four quarters add up to the year. Rounding happens only where an amount
is shown or exported.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from planner import rules
from planner.quarters import Quarter

ZERO = Decimal(0)
QUARTERS_A_YEAR = 4
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CostTable:
    """The organization's currency and default fully loaded annual cost per role.

    ``manager_annual`` holds the roles whose manager seats (B step 10) cost something
    else; a role without one pays its managers the role's cost.
    """

    currency: str
    annual: Mapping[str, Decimal] = field(default_factory=dict)
    manager_annual: Mapping[str, Decimal] = field(default_factory=dict)

    def annual_for(self, role: str, *, is_manager: bool = False) -> Decimal | None:
        if is_manager and role in self.manager_annual:
            return self.manager_annual[role]
        return self.annual.get(role)


@dataclass(frozen=True)
class CostedSeat:
    """A person in seat with their own annual cost, if they have one."""

    seat: rules.TeamSeat
    annual_cost: Decimal | None = None


@dataclass(frozen=True)
class CostedHire:
    """A planned hire with its own annual cost, if it has one."""

    hire: rules.Hire
    annual_cost: Decimal | None = None


@dataclass(frozen=True)
class RoleCost:
    """One role's cost in one quarter."""

    role: str
    recommended: Decimal = ZERO
    in_seat: Decimal = ZERO
    planned: Decimal = ZERO


@dataclass(frozen=True)
class QuarterCost:
    quarter: int
    roles: Mapping[str, RoleCost]
    # Roles with a seat that has no cost of its own and no default: counted as zero.
    uncosted: frozenset[str] = frozenset()

    @property
    def fiscal_year(self) -> int:
        return Quarter.from_ordinal(self.quarter).fiscal_year

    @property
    def recommended(self) -> Decimal:
        return sum((cost.recommended for cost in self.roles.values()), ZERO)

    @property
    def in_seat(self) -> Decimal:
        return sum((cost.in_seat for cost in self.roles.values()), ZERO)

    @property
    def planned(self) -> Decimal:
        return sum((cost.planned for cost in self.roles.values()), ZERO)

    @property
    def in_seat_and_planned(self) -> Decimal:
        return self.in_seat + self.planned

    def role(self, role: str) -> RoleCost:
        return self.roles.get(role, RoleCost(role))


@dataclass(frozen=True)
class FiscalYearCost:
    """The sum of a fiscal year's quarters on the roadmap; ``quarters`` may be fewer than 4."""

    fiscal_year: int
    quarters: tuple[QuarterCost, ...]

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year}"

    @property
    def complete(self) -> bool:
        return len(self.quarters) == QUARTERS_A_YEAR

    @property
    def recommended(self) -> Decimal:
        return sum((q.recommended for q in self.quarters), ZERO)

    @property
    def in_seat(self) -> Decimal:
        return sum((q.in_seat for q in self.quarters), ZERO)

    @property
    def planned(self) -> Decimal:
        return sum((q.planned for q in self.quarters), ZERO)

    @property
    def in_seat_and_planned(self) -> Decimal:
        return self.in_seat + self.planned

    @property
    def uncosted(self) -> frozenset[str]:
        return frozenset().union(*(q.uncosted for q in self.quarters))


def alike[T: (CostedSeat, CostedHire)](items: Iterable[T]) -> list[tuple[T, int]]:
    """Alike seats or hires (same role, dates, status and cost) once each, with how many."""
    return list(Counter(items).items())


def quarter_cost(
    gap: rules.QuarterGap,
    team: Iterable[CostedSeat],
    hires: Iterable[CostedHire],
    table: CostTable,
) -> QuarterCost:
    """docs/COSTS.md: each seat costs a quarter of its annual cost in every quarter it counts in."""
    return quarter_cost_of_alike(gap, alike(team), alike(hires), table)


def quarter_cost_of_alike(
    gap: rules.QuarterGap,
    team: Iterable[tuple[CostedSeat, int]],
    hires: Iterable[tuple[CostedHire, int]],
    table: CostTable,
) -> QuarterCost:
    """``quarter_cost`` of alike seats and hires counted once each, with how many there are."""
    recommended: dict[str, Decimal] = defaultdict(lambda: ZERO)
    in_seat: dict[str, Decimal] = defaultdict(lambda: ZERO)
    planned: dict[str, Decimal] = defaultdict(lambda: ZERO)
    uncosted: set[str] = set()

    def annual(role: str, is_manager: bool, own: Decimal | None) -> Decimal:
        cost = own if own is not None else table.annual_for(role, is_manager=is_manager)
        if cost is None:
            uncosted.add(role)
            return ZERO
        return cost

    for row in gap.rows:
        if row.recommended:
            staff = row.recommended - row.managers
            total = staff * annual(row.role, False, None)
            if row.managers:
                total += row.managers * annual(row.role, True, None)
            recommended[row.role] += total
    for costed, count in team:
        if costed.seat.in_seat(gap.quarter):
            seat = costed.seat
            in_seat[seat.role] += count * annual(seat.role, seat.is_manager, costed.annual_cost)
    for costed, count in hires:
        if costed.hire.planned_by(gap.quarter):
            hire = costed.hire
            planned[hire.role] += count * annual(hire.role, hire.is_manager, costed.annual_cost)
    roles = {
        role: RoleCost(
            role,
            recommended=recommended[role] / QUARTERS_A_YEAR,
            in_seat=in_seat[role] / QUARTERS_A_YEAR,
            planned=planned[role] / QUARTERS_A_YEAR,
        )
        for role in rules.ROLES
        if role in recommended or role in in_seat or role in planned
    }
    return QuarterCost(gap.quarter, roles, frozenset(uncosted))


def roadmap_costs(
    roadmap: Sequence[rules.RoadmapQuarter],
    team: Sequence[CostedSeat],
    hires: Sequence[CostedHire],
    table: CostTable,
) -> list[QuarterCost]:
    """The cost of every roadmap quarter, in its order.

    Alike seats and hires (same role, dates, status and cost) are counted once and
    multiplied, so a plan of a thousand hires costs a few dozen sums a quarter.
    """
    return roadmap_costs_of_alike(roadmap, alike(team), alike(hires), table)


def roadmap_costs_of_alike(
    roadmap: Sequence[rules.RoadmapQuarter],
    team: Sequence[tuple[CostedSeat, int]],
    hires: Sequence[tuple[CostedHire, int]],
    table: CostTable,
) -> list[QuarterCost]:
    """``roadmap_costs`` of alike seats and hires counted once each (``alike``)."""
    # Hired and cancelled hires count in no quarter (B gap): leave them out up front.
    planned = [(h, n) for h, n in hires if h.hire.status in rules.OPEN_HIRE_STATUSES]
    return [quarter_cost_of_alike(quarter.gap, team, planned, table) for quarter in roadmap]


def fiscal_years(costs: Iterable[QuarterCost]) -> list[FiscalYearCost]:
    """Quarter costs grouped into fiscal-year subtotals, in order."""
    years: dict[int, list[QuarterCost]] = {}
    for cost in costs:
        years.setdefault(cost.fiscal_year, []).append(cost)
    return [FiscalYearCost(year, tuple(quarters)) for year, quarters in years.items()]


def to_cent(amount: Decimal) -> Decimal:
    """Rounded to the cent, halves up as people round money (not to even)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(amount: Decimal) -> str:
    """An amount as a spreadsheet reads it: digits, a point and two decimals."""
    return str(to_cent(amount))
