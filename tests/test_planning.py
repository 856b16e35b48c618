"""Reading a plan: the people (team, hires, costs, segments) are kept per people revision,
and what the roadmap reads of the hires per people.

The tests of the people commit for real (``committed``): what is read inside a transaction
is never kept, so inside the usual rolled-back test the people would be read every time.
"""

import dataclasses
from decimal import Decimal

import pytest
from django.db import transaction

from planner import remembered, rules, services
from planner.models import Organization
from planner.planning import Plan, current_quarter, load_plan
from tests.factories import (
    OrganizationFactory,
    PlannedHireFactory,
    ScenarioFactory,
    SnapshotFactory,
    TeamMemberFactory,
)

committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def organization() -> Organization:
    organization = OrganizationFactory()
    SnapshotFactory(organization=organization, quarter=8100, sales=60)
    services.team_member_create(
        organization=organization,
        actor=None,
        name="Ada",
        role=rules.ENABLEMENT_LEADER,
        start_quarter=8096,
    )
    return Organization.objects.get(pk=organization.pk)


def read(organization: Organization, scenario=None):
    """The plan as a page in a new request reads it: from the organization's row then."""
    return load_plan(Organization.objects.get(pk=organization.pk), scenario=scenario)


@committed
def test_the_people_are_read_once_per_people_revision(organization, django_assert_num_queries):
    first = read(organization)
    # The people revision (with the segments) and the headcounts: team, hires and role
    # costs are the ones read before.
    with django_assert_num_queries(2):
        again = load_plan(organization)
    assert again.seats == first.seats and again.seats


@committed
def test_a_headcount_edit_keeps_the_people_and_shows_the_new_headcount(
    organization, django_assert_num_queries
):
    read(organization)
    snapshot = organization.snapshots.get()
    services.snapshot_update(snapshot=snapshot, actor=None, sales=90)

    with django_assert_num_queries(2):
        plan = load_plan(organization)
    assert plan.headcounts[8100].sales == 90
    assert [seat.role for seat in plan.seats] == [rules.ENABLEMENT_LEADER]


@committed
@pytest.mark.parametrize(
    "write",
    [
        lambda o: services.hire_create(
            organization=o, actor=None, role=rules.SALES_ENABLEMENT, target_quarter=8101
        ),
        lambda o: services.team_member_update(
            member=o.team_members.get(), actor=None, role=rules.SALES_ENABLEMENT
        ),
        lambda o: services.segment_create(organization=o, actor=None, name="Retail"),
        lambda o: services.role_costs_update(
            organization=o,
            actor=None,
            costs={rules.ENABLEMENT_LEADER: services.RoleCostInput(Decimal("150000"), None, None)},
        ),
    ],
    ids=["a hire added", "a team member's role", "a segment", "a role's cost"],
)
def test_any_other_write_is_read_at_once(organization, write):
    """Even by the request that made it, with the organization it read before the write."""
    before = read(organization)

    write(organization)

    after = load_plan(organization)
    assert (after.seats, after.hires, after.verticals, after.role_costs) != (
        before.seats,
        before.hires,
        before.verticals,
        before.role_costs,
    )
    assert after.inputs_key == read(organization).inputs_key


@committed
def test_a_scenario_has_its_own_people(organization):
    scenario = ScenarioFactory(organization=organization, name="Growth")
    services.hire_create(
        organization=organization,
        actor=None,
        role=rules.SALES_ENABLEMENT,
        target_quarter=8101,
        scenario=scenario,
    )
    read(organization)

    assert [hire.role for hire in read(organization, scenario).hires] == [rules.SALES_ENABLEMENT]
    assert read(organization).hires == ()


class RolledBack(Exception):
    pass


@committed
def test_what_a_rolled_back_transaction_read_is_not_kept(organization):
    """A transaction that wrote reads its own writes under a revision it never commits;
    the next committed write takes that revision with other people."""
    read(organization)
    with pytest.raises(RolledBack), transaction.atomic():
        services.hire_create(
            organization=organization, actor=None, role=rules.SALES_ENABLEMENT, target_quarter=8101
        )
        assert len(read(organization).hires) == 1
        raise RolledBack()

    services.segment_create(organization=organization, actor=None, name="Retail")

    plan = read(organization)
    assert plan.hires == ()
    assert plan.verticals == 1


def plan_in_memory(lead_time: int) -> Plan:
    """Three quarters around the current one (stage 1, then 2), a leader and a sales
    enablement person in seat, and a hire in each status after the current quarter."""
    organization = OrganizationFactory.build(hiring_lead_time=lead_time)
    now = current_quarter(organization)
    return Plan.of(
        organization,
        snapshots=[
            SnapshotFactory.build(quarter=now - 2, sales=40),
            SnapshotFactory.build(quarter=now, sales=120, customer_success=30),
            SnapshotFactory.build(quarter=now + 3, sales=180),
        ],
        team=[
            TeamMemberFactory.build(role=rules.ENABLEMENT_LEADER, start_quarter=now - 3),
            TeamMemberFactory.build(role=rules.SALES_ENABLEMENT, start_quarter=now - 3),
        ],
        hires=[
            PlannedHireFactory.build(role=role, target_quarter=now + offset, status=status)
            for offset, (role, status) in enumerate(
                [
                    (rules.PROGRAM_MANAGER, rules.PLANNED),
                    (rules.PROGRAM_MANAGER, rules.APPROVED),
                    (rules.SALES_ENABLEMENT, rules.RECRUITING),
                    (rules.CS_ENABLEMENT, rules.HIRED),
                ],
                start=1,
            )
        ],
    )


def afresh(plan: Plan) -> list[rules.RoadmapQuarter]:
    """The plan's roadmap from the rules alone, nothing kept."""
    now = current_quarter(plan.organization)
    return rules.roadmap(
        plan.headcounts, plan.profile, plan.seats, plan.hires, plan.lead_time, current=now
    )


def test_a_headcount_edit_reuses_what_the_roadmap_read_of_the_hires():
    """Kept per people, lead time and quarter; the edited plan's roadmap is still the one
    its own inputs give, and another lead time words its deadlines afresh."""
    plan = plan_in_memory(lead_time=2)
    now = current_quarter(plan.organization)
    plan.roadmap()
    edited = dataclasses.replace(
        plan, headcounts={**plan.headcounts, now + 3: rules.Headcount(sales=260)}
    )

    assert edited.roadmap() == afresh(edited) != afresh(plan)
    assert remembered.RESULTS.peek((plan.people.key, "open hires", 2, now)) is not None
    later = dataclasses.replace(edited, organization=OrganizationFactory.build(hiring_lead_time=3))
    assert later.roadmap() == afresh(later) != afresh(edited)


def test_a_quarter_s_gap_is_read_from_the_kept_roadmap_and_is_the_gap_computed_alone():
    plan = plan_in_memory(lead_time=1)
    now = current_quarter(plan.organization)
    roadmap = {quarter.quarter: quarter.gap for quarter in plan.roadmap()}

    for quarter in range(now - 2, now + 5):  # the last one is after the roadmap's end
        alone = rules.gap_for_quarter(
            quarter,
            plan.headcount_for(quarter)[0],
            plan.profile,
            plan.seats,
            plan.hires,
            forecast=plan.headcounts,
            current=now,
        )
        assert plan.gap(quarter) == alone
        if quarter in roadmap:
            assert plan.gap(quarter) is roadmap[quarter]
