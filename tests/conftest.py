import pytest

from planner.models import Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def owner(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.OWNER).user


@pytest.fixture
def editor(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user


@pytest.fixture
def viewer(organization):
    return MembershipFactory(organization=organization, role=Membership.Role.VIEWER).user


@pytest.fixture
def outsider(db):
    """A member of another organization only."""
    return MembershipFactory(role=Membership.Role.OWNER).user


@pytest.fixture
def user(db):
    return UserFactory()
