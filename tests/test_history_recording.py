"""Every write through the services leaves one Change with what it was before and after."""

from decimal import Decimal

import pytest

from planner import rules, services
from planner.models import Change, HeadcountSnapshot, Organization, PlannedHire, TeamMember
from tests.factories import FY2027_Q1, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization():
    return OrganizationFactory(name="Northwind")


@pytest.fixture
def actor(organization):
    return MembershipFactory(organization=organization).user


def only_change() -> Change:
    """The one change recorded; fails if there is none or more than one."""
    [change] = Change.objects.all()
    return change


def fresh(model, pk):
    return model.objects.get(pk=pk)


@pytest.fixture
def snapshot(organization, actor):
    snapshot = services.snapshot_create(
        organization=organization,
        actor=actor,
        quarter=FY2027_Q1,
        sales=30,
        customer_success=10,
        other=5,
    )
    Change.objects.all().delete()
    return fresh(HeadcountSnapshot, snapshot.pk)


@pytest.fixture
def member(organization, actor):
    member = services.team_member_create(
        organization=organization,
        actor=actor,
        role=rules.ENABLEMENT_LEADER,
        name="Ada Lovelace",
        start_quarter=FY2027_Q1,
    )
    Change.objects.all().delete()
    return fresh(TeamMember, member.pk)


@pytest.fixture
def hire(organization, actor):
    hire = services.hire_create(
        organization=organization,
        actor=actor,
        role=rules.SALES_ENABLEMENT,
        target_quarter=FY2027_Q1,
        annual_cost=Decimal("90000"),
        notes="Backfill",
    )
    Change.objects.all().delete()
    return fresh(PlannedHire, hire.pk)


@pytest.fixture
def segment(organization, actor):
    segment = services.segment_create(organization=organization, actor=actor, name="Healthcare")
    Change.objects.all().delete()
    return segment


# --- headcount ------------------------------------------------------------------------------


def test_creating_a_snapshot_records_its_values(organization, actor):
    services.snapshot_create(
        organization=organization,
        actor=actor,
        quarter=FY2027_Q1,
        sales=30,
        customer_success=10,
        other=5,
    )
    change = only_change()
    assert (change.organization, change.actor) == (organization, actor)
    assert (change.action, change.entity, change.label) == ("created", "headcount", "FY2027 Q1")
    assert change.diff == {
        "sales": [None, 30],
        "customer_success": [None, 10],
        "other": [None, 5],
    }


def test_updating_a_snapshot_records_only_the_fields_that_changed(snapshot, actor):
    services.snapshot_update(
        snapshot=snapshot, actor=actor, expected_version=1, sales=35, customer_success=10
    )
    change = only_change()
    assert (change.action, change.entity, change.label) == ("updated", "headcount", "FY2027 Q1")
    assert change.actor == actor
    assert change.diff == {"sales": [30, 35]}


def test_deleting_a_snapshot_records_what_it_held(snapshot, actor):
    services.snapshot_delete(snapshot=snapshot, actor=actor, expected_version=snapshot.version)
    change = only_change()
    assert (change.action, change.entity, change.actor) == ("deleted", "headcount", actor)
    assert change.diff == {
        "quarter": ["FY2027 Q1", None],
        "sales": [30, None],
        "customer_success": [10, None],
        "other": [5, None],
    }
    assert not HeadcountSnapshot.objects.exists()


def test_an_update_that_changes_nothing_records_nothing(snapshot, actor):
    services.snapshot_update(
        snapshot=snapshot, actor=actor, expected_version=1, sales=30, customer_success=10, other=5
    )
    assert not Change.objects.exists()


def test_a_stale_update_is_refused_and_records_nothing(snapshot, actor):
    services.snapshot_update(snapshot=snapshot, actor=actor, expected_version=1, sales=40)
    Change.objects.all().delete()
    with pytest.raises(services.StaleEdit) as refused:
        services.snapshot_update(
            snapshot=fresh(HeadcountSnapshot, snapshot.pk),
            actor=actor,
            expected_version=1,
            sales=99,
        )
    assert refused.value.current.sales == 40
    assert not Change.objects.exists()
    stored = fresh(HeadcountSnapshot, snapshot.pk)
    assert (stored.sales, stored.version) == (40, 2)


# --- team members ---------------------------------------------------------------------------


def test_creating_a_team_member_records_role_name_and_quarters(organization, actor):
    services.team_member_create(
        organization=organization,
        actor=actor,
        role=rules.ENABLEMENT_LEADER,
        name="Ada Lovelace",
        start_quarter=FY2027_Q1,
    )
    change = only_change()
    assert (change.action, change.entity, change.label) == (
        "created",
        "team member",
        "Ada Lovelace",
    )
    assert change.actor == actor
    assert change.diff == {
        "role": [None, rules.ENABLEMENT_LEADER],
        "name": [None, "Ada Lovelace"],
        "start_quarter": [None, "FY2027 Q1"],
        "end_quarter": [None, None],
        "is_manager": [None, False],
        "annual_cost": [None, None],
    }


def test_updating_a_team_member_records_before_and_after(member, actor):
    services.team_member_update(
        member=member,
        actor=actor,
        expected_version=1,
        name="Ada King",
        end_quarter=FY2027_Q1 + 4,
    )
    change = only_change()
    assert (change.action, change.entity, change.label) == ("updated", "team member", "Ada King")
    assert change.diff == {
        "name": ["Ada Lovelace", "Ada King"],
        "end_quarter": [None, "FY2028 Q1"],
    }


def test_deleting_a_team_member_records_what_they_were(member, actor):
    services.team_member_delete(member=member, actor=actor, expected_version=member.version)
    change = only_change()
    assert (change.action, change.entity, change.label) == (
        "deleted",
        "team member",
        "Ada Lovelace",
    )
    assert change.diff == {
        "role": [rules.ENABLEMENT_LEADER, None],
        "name": ["Ada Lovelace", None],
        "start_quarter": ["FY2027 Q1", None],
        "end_quarter": [None, None],
        "is_manager": [False, None],
        "annual_cost": [None, None],
    }
    assert not TeamMember.objects.exists()


def test_making_a_team_member_a_manager_records_it(member, actor):
    services.team_member_update(member=member, actor=actor, expected_version=1, is_manager=True)
    assert only_change().diff == {"is_manager": [False, True]}
    assert fresh(TeamMember, member.pk).as_seat().is_manager is True


def test_a_team_member_update_from_a_stale_copy_saves_nothing(member, actor):
    services.team_member_update(member=member, actor=actor, expected_version=1, name="Ada King")
    Change.objects.all().delete()
    with pytest.raises(services.StaleEdit):
        services.team_member_update(member=member, actor=actor, expected_version=1, name="Other")
    assert not Change.objects.exists()
    assert fresh(TeamMember, member.pk).name == "Ada King"


# --- planned hires --------------------------------------------------------------------------


def test_creating_a_hire_records_its_values(organization, actor):
    services.hire_create(
        organization=organization,
        actor=actor,
        role=rules.SALES_ENABLEMENT,
        target_quarter=FY2027_Q1,
        annual_cost=Decimal("90000"),
        notes="Backfill",
    )
    change = only_change()
    assert (change.action, change.entity, change.label) == (
        "created",
        "planned hire",
        "Sales enablement for FY2027 Q1",
    )
    assert change.actor == actor
    assert change.diff["role"] == [None, rules.SALES_ENABLEMENT]
    assert change.diff["target_quarter"] == [None, "FY2027 Q1"]
    assert change.diff["status"] == [None, rules.PLANNED]
    assert Decimal(change.diff["annual_cost"][1]) == Decimal("90000")
    assert change.diff["notes"] == [None, "Backfill"]


def test_updating_a_hire_records_before_and_after(hire, actor):
    services.hire_update(
        hire=hire,
        actor=actor,
        expected_version=1,
        status=rules.RECRUITING,
        target_quarter=FY2027_Q1 + 1,
    )
    change = only_change()
    assert (change.action, change.entity) == ("updated", "planned hire")
    assert change.diff == {
        "status": [rules.PLANNED, rules.RECRUITING],
        "target_quarter": ["FY2027 Q1", "FY2027 Q2"],
    }


def test_the_same_cost_written_differently_is_no_change(hire, actor):
    services.hire_update(hire=hire, actor=actor, expected_version=1, annual_cost=Decimal("90000"))
    assert not Change.objects.exists()


def test_deleting_a_hire_records_what_it_was(hire, actor):
    services.hire_delete(hire=hire, actor=actor, expected_version=hire.version)
    change = only_change()
    assert (change.action, change.entity, change.actor) == ("deleted", "planned hire", actor)
    assert change.diff["role"] == [rules.SALES_ENABLEMENT, None]
    assert change.diff["status"] == [rules.PLANNED, None]
    assert change.diff["notes"] == ["Backfill", None]
    assert not PlannedHire.objects.exists()


def test_marking_a_hire_hired_records_the_new_member_and_the_status(hire, actor):
    member = services.hire_mark_hired(hire=hire, actor=actor, name="Grace Hopper")
    # Two rows change, so two entries: the person joins the team and the hire closes.
    created, updated = Change.objects.order_by("pk")
    assert (created.action, created.entity, created.label) == (
        "created",
        "team member",
        "Grace Hopper",
    )
    assert created.diff["name"] == [None, "Grace Hopper"]
    assert created.diff["start_quarter"] == [None, "FY2027 Q1"]
    assert (updated.action, updated.entity) == ("updated", "planned hire")
    assert updated.diff == {"status": [rules.PLANNED, rules.HIRED]}
    assert {created.actor, updated.actor} == {actor}
    assert fresh(PlannedHire, hire.pk).team_member == member


def test_marking_a_stale_hire_hired_saves_and_records_nothing(hire, actor):
    services.hire_update(hire=hire, actor=actor, expected_version=1, notes="Urgent")
    Change.objects.all().delete()
    with pytest.raises(services.StaleEdit):
        services.hire_mark_hired(hire=hire, actor=actor, name="Grace Hopper", expected_version=1)
    assert not Change.objects.exists()
    assert not TeamMember.objects.exists()
    assert fresh(PlannedHire, hire.pk).status == rules.PLANNED


# --- segments -------------------------------------------------------------------------------


def test_creating_a_segment_records_its_name(organization, actor):
    services.segment_create(organization=organization, actor=actor, name="Healthcare")
    change = only_change()
    assert (change.action, change.entity, change.label) == ("created", "segment", "Healthcare")
    assert change.actor == actor
    assert change.diff == {"name": [None, "Healthcare"]}


def test_renaming_a_segment_records_both_names(segment, actor):
    services.segment_update(segment=segment, actor=actor, expected_version=1, name="Life sciences")
    change = only_change()
    assert (change.action, change.entity, change.label) == ("updated", "segment", "Life sciences")
    assert change.diff == {"name": ["Healthcare", "Life sciences"]}


def test_deleting_a_segment_records_its_name(segment, actor):
    services.segment_delete(segment=segment, actor=actor, expected_version=segment.version)
    change = only_change()
    assert (change.action, change.entity, change.label) == ("deleted", "segment", "Healthcare")
    assert change.diff == {"name": ["Healthcare", None]}


def test_renaming_a_segment_to_the_same_name_records_nothing(segment, actor):
    services.segment_update(segment=segment, actor=actor, expected_version=1, name=" Healthcare ")
    assert not Change.objects.exists()


# --- settings and members -------------------------------------------------------------------


def test_changing_settings_records_before_and_after(organization, actor):
    services.organization_update(
        organization=organization,
        actor=actor,
        expected_version=1,
        target_ratio=60,
        leader_has_adult_learning=True,
        reports_to=Organization.ReportsTo.CRO,
    )
    change = only_change()
    assert (change.organization, change.actor) == (organization, actor)
    assert (change.action, change.entity, change.label) == ("updated", "settings", "Northwind")
    assert change.diff == {
        "target_ratio": [50, 60],
        "leader_has_adult_learning": [False, True],
        "reports_to": ["vp_sales", "cro"],
    }


def test_saving_unchanged_settings_records_nothing(organization, actor):
    services.organization_update(
        organization=organization, actor=actor, expected_version=1, target_ratio=50
    )
    assert not Change.objects.exists()


def test_stale_settings_are_refused_and_record_nothing(organization, actor):
    services.organization_update(
        organization=organization, actor=actor, expected_version=1, target_ratio=60
    )
    Change.objects.all().delete()
    with pytest.raises(services.StaleEdit):
        services.organization_update(
            organization=fresh(Organization, organization.pk),
            actor=actor,
            expected_version=1,
            target_ratio=70,
        )
    assert not Change.objects.exists()
    assert fresh(Organization, organization.pk).target_ratio == 60


def test_creating_an_organization_records_its_first_settings():
    owner = UserFactory()
    organization = services.organization_create(name="Contoso", owner=owner)
    change = only_change()
    assert (change.organization, change.actor) == (organization, owner)
    assert (change.action, change.entity, change.label) == ("created", "organization", "Contoso")
    assert change.diff["name"] == [None, "Contoso"]


def test_adding_a_member_records_who_and_their_role(organization, actor):
    newcomer = UserFactory(username="grace")
    services.membership_create(organization=organization, user=newcomer, role="editor", actor=actor)
    change = only_change()
    assert (change.action, change.entity, change.label) == ("created", "member", "grace")
    assert change.diff == {"role": [None, "editor"]}


def test_a_change_without_a_signed_in_actor_has_no_actor(organization):
    services.segment_create(organization=organization, actor=None, name="Retail")
    assert only_change().actor is None
