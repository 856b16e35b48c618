"""Fixtures shared by the tests of the view modules: ``now`` (the organization's current
quarter) for all, the people and hires of the Team & hires page's two modules, and the
invitations of the members page.

A module that needs another ``now`` or ``snapshot`` defines its own, which wins.
"""

from decimal import Decimal

import pytest

from planner import rules, services
from planner.models import Membership
from planner.planning import current_quarter
from planner.quarters import Quarter
from tests.factories import (
    PlannedHireFactory,
    SnapshotFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture
def now(organization):
    return current_quarter(organization)


@pytest.fixture
def snapshot(organization, now):
    """Stage 2 from now on: 90 customer-facing, a recommended team of 2."""
    return SnapshotFactory(
        organization=organization, quarter=now, sales=60, customer_success=20, other=10
    )


@pytest.fixture
def crossing(organization, now):
    """Stage 2 now (500 sales), stage 3 next quarter (501): the words its alert starts with."""
    SnapshotFactory(organization=organization, quarter=now, sales=500, customer_success=0, other=0)
    SnapshotFactory(
        organization=organization, quarter=now + 1, sales=501, customer_success=0, other=0
    )
    label = Quarter.from_ordinal(now + 1).label
    return f"{label}: you reach 501 customer-facing — stage 3 (Scale)."


@pytest.fixture
def member(organization, now):
    return TeamMemberFactory(
        organization=organization, role=rules.ENABLEMENT_LEADER, name="Ada", start_quarter=now - 2
    )


@pytest.fixture
def hire(organization, now):
    return PlannedHireFactory(
        organization=organization,
        role=rules.SALES_ENABLEMENT,
        target_quarter=now + 1,
        annual_cost=Decimal("95000.00"),
        notes="Backfill for the EMEA launch",
    )


@pytest.fixture
def invitation(organization, owner):
    return services.invitation_create(
        organization=organization,
        actor=owner,
        email="newcomer@example.com",
        role=Membership.Role.EDITOR,
    )


@pytest.fixture
def invitee(db):
    """The person invited: an account whose confirmed address is the invited one."""
    return UserFactory(email="newcomer@example.com", verified=True)


@pytest.fixture
def token(invitation):
    return services.invitation_token(invitation)
