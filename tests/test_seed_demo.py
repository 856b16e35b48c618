"""The demo seed: a user who can log in and an organization that shows every feature."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from planner import rules
from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    Segment,
    TeamMember,
    has_verified_email,
)
from planner.planning import load_plan

pytestmark = pytest.mark.django_db

TABLES = (Organization, Membership, HeadcountSnapshot, Segment, TeamMember, PlannedHire, RoleCost)


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", allow_without_debug=True, stdout=out)
    return out.getvalue()


def logs_in(username: str, password: str) -> bool:
    """Through the login form, as a person would (and as the login throttle expects)."""
    response = Client().post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def printed_login(output: str) -> tuple[str, str]:
    line = next(line for line in output.splitlines() if line.startswith("Log in as "))
    username, password = line.removeprefix("Log in as ").split(" / ")
    return username, password


def test_it_prints_the_url_and_a_demo_login_that_works():
    output = seed()
    assert "http://127.0.0.1:8000/" in output
    username, password = printed_login(output)
    assert username == "demo"
    assert logs_in(username, password)
    assert not logs_in(username, password + "x")


def test_it_prints_the_url_it_is_given():
    out = StringIO()
    call_command(
        "seed_demo", allow_without_debug=True, url="https://planner.example.com/", stdout=out
    )
    assert "https://planner.example.com/" in out.getvalue()


def test_it_creates_an_organization_the_demo_user_owns():
    seed()
    user = get_user_model().objects.get(username="demo")
    organization = Organization.objects.get()
    assert Membership.objects.get(user=user, organization=organization).role == "owner"


def test_it_creates_two_years_of_history_and_a_year_of_forecast():
    seed()
    organization = Organization.objects.get()
    assert HeadcountSnapshot.objects.filter(organization=organization).count() == 12
    assert Segment.objects.filter(organization=organization).count() == 3
    assert TeamMember.objects.filter(organization=organization).exists()


def test_it_creates_hires_in_at_least_four_statuses():
    seed()
    statuses = set(PlannedHire.objects.values_list("status", flat=True))
    assert len(statuses) >= 4


def test_it_grows_from_stage_1_into_stage_2():
    seed()
    roadmap = load_plan(Organization.objects.get()).roadmap()
    stages = [quarter.gap.assessment.stage for quarter in roadmap]
    assert len(stages) == 12
    assert stages[0] == 1
    assert 2 in stages
    assert stages.index(2) > 0
    assert any(quarter.stage_changed for quarter in roadmap)


def test_it_changes_nothing_when_run_again(client):
    seed()
    counts = {model: model.objects.count() for model in (*TABLES, get_user_model())}
    output = seed()
    assert {model: model.objects.count() for model in counts} == counts
    assert "already there" in output
    username, password = printed_login(output)
    assert logs_in(username, password)


def test_it_refuses_to_create_a_public_login_with_debug_off_unless_told_to():
    with pytest.raises(CommandError, match="--allow-without-debug"):
        call_command("seed_demo", stdout=StringIO())
    assert not get_user_model().objects.filter(username="demo").exists()


def test_the_demo_account_has_a_confirmed_address():
    seed()
    seed()  # and stays confirmed when run again
    user = get_user_model().objects.get(username="demo")
    assert has_verified_email(user)


def test_what_it_prints_cannot_drive_the_terminal():
    out = StringIO()
    call_command("seed_demo", allow_without_debug=True, url="http://x/\x1b]0;pwned\x07", stdout=out)
    output = out.getvalue()
    assert "\x1b]0" not in output and "\x07" not in output
    assert "http://x/\\x1b]0;pwned\\x07" in output


def test_it_gives_the_demo_a_currency_and_a_cost_for_every_role():
    seed()
    plan = load_plan(Organization.objects.get())
    assert plan.organization.currency == "USD"
    assert {cost.role for cost in plan.role_costs} == set(rules.ROLES)
    roadmap = plan.roadmap()
    quarter_costs = plan.roadmap_costs(roadmap)
    assert all(cost.uncosted == frozenset() for cost in quarter_costs)
    assert all(cost.in_seat > 0 and cost.recommended > 0 for cost in quarter_costs)
