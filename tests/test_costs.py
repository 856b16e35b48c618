"""RULES.md C: what the team costs, worked out by hand. No database."""

from decimal import Decimal

import pytest

from planner import costs, rules
from planner.quarters import Quarter

Q1 = Quarter(2027, 1).ordinal
LEADER, SALES, PM = rules.ENABLEMENT_LEADER, rules.SALES_ENABLEMENT, rules.PROGRAM_MANAGER
PROFILE = rules.Profile()
TABLE = costs.CostTable(
    currency="EUR",
    annual={LEADER: Decimal("180000"), SALES: Decimal("100001.01"), PM: Decimal("120000")},
    manager_annual={SALES: Decimal("140000")},
)


def gap(quarter: int, customer_facing: int, team=(), hires=()) -> rules.QuarterGap:
    headcount = rules.Headcount(sales=customer_facing)
    return rules.gap_for_quarter(quarter, headcount, PROFILE, team, hires)


def test_a_quarter_costs_exactly_a_quarter_of_the_annual_cost_and_four_make_the_year():
    seat = costs.CostedSeat(rules.TeamSeat(SALES, Q1))
    quarters = [
        costs.quarter_cost(gap(q, 40), [seat], [], TABLE).in_seat for q in range(Q1, Q1 + 4)
    ]
    assert quarters[0] == Decimal("25000.2525")
    assert sum(quarters) == Decimal("100001.01")
    assert all(type(amount) is Decimal for amount in quarters)


def test_people_in_seat_cost_only_while_in_seat_and_their_own_cost_wins():
    team = [
        costs.CostedSeat(rules.TeamSeat(LEADER, Q1, end=Q1 + 1)),
        costs.CostedSeat(rules.TeamSeat(SALES, Q1 + 1), annual_cost=Decimal("80000")),
    ]
    first = costs.quarter_cost(gap(Q1, 40, [s.seat for s in team]), team, [], TABLE)
    second = costs.quarter_cost(gap(Q1 + 1, 40, [s.seat for s in team]), team, [], TABLE)
    assert first.in_seat == Decimal("45000")  # the leader alone
    assert second.in_seat == Decimal("20000")  # the leader has left; 80,000 / 4
    assert second.role(SALES).in_seat == Decimal("20000")


def test_open_hires_cost_from_their_target_quarter_and_closed_ones_never():
    hires = [
        costs.CostedHire(rules.Hire(PM, Q1 + 1, rules.APPROVED)),
        costs.CostedHire(rules.Hire(PM, Q1, rules.CANCELLED)),
        costs.CostedHire(rules.Hire(SALES, Q1, rules.HIRED)),
        costs.CostedHire(rules.Hire(SALES, Q1, rules.RECRUITING), annual_cost=Decimal("60000")),
    ]
    first = costs.quarter_cost(gap(Q1, 40), [], hires, TABLE)
    second = costs.quarter_cost(gap(Q1 + 1, 40), [], hires, TABLE)
    assert first.planned == Decimal("15000")  # the recruiting hire at its own 60,000
    assert second.planned == Decimal("45000")  # and the program manager at 120,000


def test_the_roadmap_counts_every_one_of_alike_seats_and_hires():
    team = [costs.CostedSeat(rules.TeamSeat(SALES, Q1))] * 3 + [
        costs.CostedSeat(rules.TeamSeat(SALES, Q1), annual_cost=Decimal("80000"))
    ]
    hires = [costs.CostedHire(rules.Hire(PM, Q1, rules.PLANNED))] * 2 + [
        costs.CostedHire(rules.Hire(PM, Q1, rules.CANCELLED))
    ]
    snapshots = {Q1: rules.Headcount(sales=40), Q1 + 1: rules.Headcount(sales=40)}
    seats, planned = [c.seat for c in team], [c.hire for c in hires]
    roadmap = rules.roadmap(snapshots, PROFILE, seats, planned, lead_time=1)
    quarter_costs = costs.roadmap_costs(roadmap, team, hires, TABLE)
    assert len(quarter_costs) == len(roadmap) == 2
    for quarter, cost in zip(roadmap, quarter_costs, strict=True):
        one_by_one = costs.quarter_cost(quarter.gap, team, hires, TABLE)
        assert cost == one_by_one
        assert cost.in_seat == (3 * Decimal("100001.01") + Decimal("80000")) / 4
        assert cost.planned == 2 * Decimal("120000") / 4


def test_the_recommended_team_pays_its_managers_the_manager_cost():
    # 1,000 customer-facing, all sales: stage 3, 20 seats; after the leader, an adult-learning
    # specialist, a program manager and product enablement, 16 are sales enablement, of
    # which B step 10 makes 2 managers.
    recommended = gap(Q1, 1000)
    sales = next(row for row in recommended.rows if row.role == SALES)
    assert (sales.recommended, sales.managers) == (16, 2)
    cost = costs.quarter_cost(recommended, [], [], TABLE)
    assert cost.role(SALES).recommended == (14 * Decimal("100001.01") + 2 * 140000) / 4


def test_a_manager_without_a_manager_cost_costs_the_role_and_a_role_without_a_cost_zero():
    table = costs.CostTable(currency="EUR", annual={SALES: Decimal("100000")})
    seat = costs.CostedSeat(rules.TeamSeat(SALES, Q1, is_manager=True))
    orphan = costs.CostedSeat(rules.TeamSeat(rules.CS_ENABLEMENT, Q1))
    cost = costs.quarter_cost(gap(Q1, 40), [seat, orphan], [], table)
    assert cost.role(SALES).in_seat == Decimal("25000")
    assert cost.role(rules.CS_ENABLEMENT).in_seat == 0
    # The leader recommended at 40 has no cost either: both are named, neither guessed.
    assert cost.uncosted == {rules.CS_ENABLEMENT, LEADER}


def test_an_own_cost_of_zero_counts_as_zero_not_as_missing():
    seat = costs.CostedSeat(rules.TeamSeat(rules.CS_ENABLEMENT, Q1), annual_cost=Decimal(0))
    cost = costs.quarter_cost(gap(Q1, 0), [seat], [], costs.CostTable("EUR"))
    assert cost.in_seat == 0 and cost.uncosted == frozenset()


def test_fiscal_years_sum_their_quarters_and_say_when_they_are_partial():
    seat = costs.CostedSeat(rules.TeamSeat(LEADER, Q1 - 2))
    quarter_costs = [
        costs.quarter_cost(gap(q, 40), [seat], [], TABLE) for q in range(Q1 - 2, Q1 + 4)
    ]
    years = costs.fiscal_years(quarter_costs)
    assert [(y.label, len(y.quarters), y.complete) for y in years] == [
        ("FY2026", 2, False),
        ("FY2027", 4, True),
    ]
    assert years[1].in_seat == Decimal("180000")
    assert years[0].in_seat == Decimal("90000")
    assert years[1].in_seat_and_planned == years[1].in_seat + years[1].planned


@pytest.mark.parametrize(
    ("amount", "plain"), [(Decimal("25000.2525"), "25000.25"), (Decimal(0), "0.00")]
)
def test_plain_amounts_have_two_decimals(amount, plain):
    assert costs.plain(amount) == plain
