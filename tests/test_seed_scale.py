"""The scale seed: the organization of the performance figures, at sizes a test can afford."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from planner.models import (
    Change,
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from planner.planning import load_plan
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

SMALL = {"quarters": 6, "segments": 3, "people": 12, "hires": 25}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_scale", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def printed_login(output: str) -> tuple[str, str]:
    line = next(line for line in output.splitlines() if line.startswith("Log in as "))
    username, password = line.removeprefix("Log in as ").split(" / ")
    return username, password


def test_it_builds_an_organization_of_the_sizes_asked_for():
    seed(history=30)
    organization = Organization.objects.get(slug="scale")
    assert HeadcountSnapshot.objects.filter(organization=organization).count() == 6
    assert Segment.objects.filter(organization=organization).count() == 3
    assert TeamMember.objects.filter(organization=organization).count() == 12
    assert PlannedHire.objects.filter(organization=organization).count() == 25
    assert Change.objects.filter(organization=organization).count() == 30


def test_it_records_no_history_unless_asked():
    seed()
    assert not Change.objects.exists()


def test_it_spreads_hires_over_every_status_and_links_hired_ones_to_people():
    seed()
    hires = PlannedHire.objects.all()
    assert {hire.status for hire in hires} == {
        "planned",
        "approved",
        "recruiting",
        "hired",
        "cancelled",
    }
    assert all(hire.team_member_id for hire in hires if hire.status == "hired")


def test_it_plans_actual_and_forecast_quarters_that_the_rules_accept():
    seed()
    plan = load_plan(Organization.objects.get(slug="scale"))
    roadmap = plan.roadmap()
    assert len(roadmap) == 6
    assert len({quarter.gap.assessment.stage for quarter in roadmap}) >= 1


def test_it_adds_small_organizations_each_with_its_own_owner():
    seed(tenants=3)
    tenants = Organization.objects.exclude(slug="scale")
    assert tenants.count() == 3
    for tenant in tenants:
        owners = Membership.objects.filter(organization=tenant, role="owner")
        assert owners.count() == 1
        assert TeamMember.objects.filter(organization=tenant).count() == 10
    assert Membership.objects.filter(user__username="scale-owner").count() == 1


def test_it_prints_a_login_that_opens_the_large_organization():
    output = seed(password="a-long-bench-password")
    username, password = printed_login(output)
    assert (username, password) == ("scale-owner", "a-long-bench-password")
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.get(reverse("gap", args=["scale"])).status_code == 200


def test_it_makes_up_a_password_when_none_is_given():
    first = printed_login(seed())[1]
    second = printed_login(seed(slug="other"))[1]
    assert len(first) >= 12
    assert first != second


def test_it_refuses_an_address_that_is_taken_and_changes_nothing():
    seed(tenants=2)
    counts = Organization.objects.count(), TeamMember.objects.count()
    with pytest.raises(CommandError, match="already exists"):
        seed()
    assert (Organization.objects.count(), TeamMember.objects.count()) == counts


def test_it_refuses_when_one_of_its_small_organizations_is_taken():
    OrganizationFactory(slug="other-tenant-0002")
    counts = Organization.objects.count(), TeamMember.objects.count()
    with pytest.raises(CommandError, match="other-tenant-0002"):
        seed(slug="other", tenants=3)
    assert (Organization.objects.count(), TeamMember.objects.count()) == counts


def test_it_refuses_negative_sizes():
    with pytest.raises(CommandError, match="--people"):
        seed(people=-1)
    assert not Organization.objects.exists()
