"""The comparison of plans, without the database: what differs, and what does not."""

import dataclasses

from planner import compare
from planner.models import Scenario
from planner.planning import Plan, current_quarter
from tests.factories import OrganizationFactory, SnapshotFactory


def plan_of(organization, sales: list[int], scenario=None) -> Plan:
    now = current_quarter(organization)
    snapshots = [
        SnapshotFactory.build(
            organization=organization, quarter=now + n, sales=count, customer_success=0, other=0
        )
        for n, count in enumerate(sales)
    ]
    plan = Plan.of(organization, snapshots=snapshots, team=[], hires=[])
    if scenario is None:
        return plan
    return dataclasses.replace(plan, scenario=scenario, verticals=scenario.verticals)


def test_the_same_plan_twice_recommends_the_same_team_every_quarter():
    organization = OrganizationFactory.build()
    same = [compare.Compared.of(key, key, plan_of(organization, [40, 90])) for key in "ab"]
    assert compare.summary(same) == ["b and a recommend the same team every quarter."]
    assert not any(row.differs for row in compare.rows(same))


def test_every_input_that_differs_is_named():
    organization = OrganizationFactory.build(target_ratio=50, hiring_lead_time=1)
    scenario = Scenario(
        organization=organization,
        name="Lean",
        target_ratio=80,
        hiring_lead_time=3,
        leader_has_adult_learning=True,
        verticals=2,
    )
    plan = compare.Compared.of("baseline", "Plan", plan_of(organization, [40, 90]))
    lean = compare.Compared.of("1", "Lean", plan_of(organization, [40, 90], scenario))
    lines = compare.summary([plan, lean])
    assert "Lean staffs at 1:80, Plan at 1:50." in lines
    assert "Lean opens requisitions 3 quarter(s) ahead, Plan 1." in lines
    assert "Lean has 2 verticals, Plan 0." in lines
    assert any("adult-learning" in line for line in lines)


def test_a_plan_missing_a_quarter_shows_it_as_a_difference():
    organization = OrganizationFactory.build()
    short = compare.Compared.of("a", "Short", plan_of(organization, [40]))
    long = compare.Compared.of("b", "Long", plan_of(organization, [40, 600]))
    rows = compare.rows([short, long])
    assert [row.cells[0] is None for row in rows] == [False, True]
    assert rows[1].differs
    assert any("Stage" in line and "no quarter" in line for line in compare.summary([short, long]))
