"""Writes that lose a race end in a clear refusal, never a server error."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from planner import rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
from planner.planning import current_quarter
from planner.quarters import MAX_ORDINAL, Quarter
from tests.factories import PlannedHireFactory, SegmentFactory, SnapshotFactory, UserFactory


def test_a_create_that_loses_a_race_for_its_natural_key_is_refused(organization):
    # full_clean saw no duplicate, then another request saved the same name first.
    with (
        mock.patch.object(Segment, "save", side_effect=IntegrityError("duplicate key")),
        pytest.raises(ValidationError, match="would duplicate it"),
    ):
        services.segment_create(organization=organization, actor=None, name="Retail")
    assert not Segment.objects.exists()


def test_an_update_that_loses_such_a_race_is_refused(organization):
    segment = SegmentFactory(organization=organization, name="Retail")
    with (
        mock.patch.object(Segment, "save", side_effect=IntegrityError("duplicate key")),
        pytest.raises(ValidationError, match="would duplicate it"),
    ):
        services.segment_update(
            segment=segment, actor=None, name="Public sector", expected_version=1
        )
    assert Segment.objects.get(pk=segment.pk).name == "Retail"


def test_an_update_of_a_row_deleted_meanwhile_is_not_found(organization):
    segment = SegmentFactory(organization=organization)
    Segment.objects.filter(pk=segment.pk).delete()
    with pytest.raises(services.RowGone):
        services.segment_update(segment=segment, actor=None, name="Gone", expected_version=1)


def test_an_organization_whose_address_was_taken_meanwhile_is_refused(db):
    owner = UserFactory()
    with (
        mock.patch.object(Organization, "save", side_effect=IntegrityError("duplicate slug")),
        pytest.raises(ValidationError, match="created a moment ago"),
    ):
        services.organization_create(name="Northwind", owner=owner)


def test_an_update_names_its_fields_so_a_misspelt_one_fails_at_the_call(organization):
    snapshot = SnapshotFactory(organization=organization, sales=10)
    with pytest.raises(TypeError, match="sale"):
        services.snapshot_update(snapshot=snapshot, actor=None, expected_version=1, sale=12)
    assert HeadcountSnapshot.objects.get(pk=snapshot.pk).sales == 10


@pytest.mark.parametrize("field", services.SNAPSHOT_FIELDS)
def test_a_negative_count_is_refused_by_its_field_and_by_the_database(organization, field):
    """The count's own validator refuses it with its message (the check constraint is not
    asked again in ``full_clean``), and the database still holds the constraint."""
    snapshot = SnapshotFactory(organization=organization, sales=10)

    with pytest.raises(ValidationError) as refused:
        services.snapshot_update(snapshot=snapshot, actor=None, **{field: -1})

    assert list(refused.value.message_dict) == [field]
    assert HeadcountSnapshot.objects.get(pk=snapshot.pk).version == snapshot.version
    with pytest.raises(IntegrityError), transaction.atomic():
        HeadcountSnapshot.objects.filter(pk=snapshot.pk).update(**{field: -1})


def test_an_update_changes_only_the_fields_it_is_given(organization):
    hire = PlannedHireFactory(organization=organization, notes="Urgent", annual_cost=None)
    services.hire_update(hire=hire, actor=None, expected_version=1, annual_cost=Decimal("90000"))
    hire.refresh_from_db()
    assert (hire.notes, hire.annual_cost, hire.version) == ("Urgent", Decimal("90000.00"), 2)


def test_a_delete_must_name_the_version_it_was_made_from(organization):
    segment = SegmentFactory(organization=organization)
    with pytest.raises(TypeError, match="expected_version"):
        services.segment_delete(segment=segment, actor=None)
    assert Segment.objects.filter(pk=segment.pk).exists()


def test_a_delete_from_a_stale_copy_is_refused_with_the_current_row(organization):
    segment = SegmentFactory(organization=organization, name="Retail")
    services.segment_update(segment=segment, actor=None, name="Retail EMEA", expected_version=1)
    with pytest.raises(services.StaleEdit) as refused:
        services.segment_delete(segment=segment, actor=None, expected_version=1)
    assert (refused.value.current.name, refused.value.current.version) == ("Retail EMEA", 2)
    assert Segment.objects.filter(pk=segment.pk).exists()
    assert not Change.objects.filter(action=Change.Action.DELETED).exists()


def test_a_delete_of_a_row_deleted_meanwhile_is_not_found(organization):
    segment = SegmentFactory(organization=organization)
    Segment.objects.filter(pk=segment.pk).delete()
    with pytest.raises(services.RowGone):
        services.segment_delete(segment=segment, actor=None, expected_version=1)
    assert not Change.objects.filter(action=Change.Action.DELETED).exists()


def test_a_hire_cancelled_in_another_tab_cannot_then_be_marked_hired(organization):
    hire = PlannedHireFactory(organization=organization)
    seen_in_this_tab = PlannedHire.objects.get(pk=hire.pk)
    PlannedHire.objects.filter(pk=hire.pk).update(status=rules.CANCELLED)

    with pytest.raises(ValidationError, match="cancelled hire cannot be marked hired"):
        services.hire_mark_hired(hire=seen_in_this_tab, actor=None, name="Priya")
    assert not TeamMember.objects.exists()
    assert PlannedHire.objects.get(pk=hire.pk).status == rules.CANCELLED


# --- several rows at once ------------------------------------------------------------------

Q1 = Quarter(2027, 1).ordinal


def test_planning_several_hires_saves_them_all_and_one_change(organization):
    actor = UserFactory()
    hires = services.hires_plan(
        organization=organization,
        actor=actor,
        role=rules.SALES_ENABLEMENT,
        target_quarter=Q1,
        count=3,
        is_manager=True,
    )
    stored = PlannedHire.objects.filter(organization=organization)
    assert [(h.role, h.target_quarter, h.status, h.is_manager) for h in stored] == [
        (rules.SALES_ENABLEMENT, Q1, rules.PLANNED, True)
    ] * 3
    assert {h.pk for h in hires} == {h.pk for h in stored}
    (change,) = Change.objects.all()
    assert (change.action, change.entity, change.actor) == ("created", "planned hire", actor)
    assert change.label == "3 × Sales enablement for FY2027 Q1"
    assert change.diff["count"] == [None, 3]
    assert change.diff["target_quarter"] == [None, "FY2027 Q1"]


@pytest.mark.parametrize("count", [0, 51, -1])
def test_planning_hires_outside_one_to_fifty_saves_nothing(organization, count):
    with pytest.raises(ValidationError) as refused:
        services.hires_plan(
            organization=organization,
            actor=None,
            role=rules.PROGRAM_MANAGER,
            target_quarter=Q1,
            count=count,
        )
    assert "Plan from 1 to 50 hires" in refused.value.message_dict["count"][0]
    assert not PlannedHire.objects.exists() and not Change.objects.exists()


def test_planning_hires_for_an_unknown_role_saves_nothing(organization):
    with pytest.raises(ValidationError):
        services.hires_plan(
            organization=organization, actor=None, role="wizard", target_quarter=Q1, count=2
        )
    assert not PlannedHire.objects.exists() and not Change.objects.exists()


def test_a_bulk_status_change_applies_current_rows_and_lists_the_others(organization):
    current = PlannedHireFactory(organization=organization)
    stale = PlannedHireFactory(organization=organization)
    hired = PlannedHireFactory(organization=organization, status=rules.HIRED)
    gone = PlannedHireFactory(organization=organization)
    foreign = PlannedHireFactory()
    services.hire_update(hire=stale, actor=None, expected_version=1, notes="Moved to Q3")
    gone_pk = gone.pk
    gone.delete()
    Change.objects.all().delete()

    result = services.hires_set_status(
        organization=organization,
        actor=None,
        changes=[(current.pk, 1), (stale.pk, 1), (hired.pk, 1), (gone_pk, 1), (foreign.pk, 1)],
        status=rules.APPROVED,
    )

    assert [h.pk for h in result.changed] == [current.pk]
    assert [(r.pk, r.message) for r in result.refused] == [
        (stale.pk, services.HIRE_CHANGED),
        (hired.pk, services.HIRE_IS_HIRED),
        (gone_pk, services.HIRE_GONE),
        (foreign.pk, services.HIRE_GONE),  # not this organization's: as if it did not exist
    ]
    assert result.refused[0].current.notes == "Moved to Q3"
    statuses = dict(PlannedHire.objects.values_list("pk", "status"))
    assert statuses[current.pk] == rules.APPROVED
    assert statuses[stale.pk] == statuses[foreign.pk] == rules.PLANNED
    assert statuses[hired.pk] == rules.HIRED
    (change,) = Change.objects.all()
    assert change.diff == {"status": [rules.PLANNED, rules.APPROVED]}


@pytest.mark.parametrize("status", [rules.PLANNED, rules.HIRED, "lost"])
def test_a_bulk_status_change_to_anything_but_approved_recruiting_or_cancelled_is_refused(
    organization, status
):
    hire = PlannedHireFactory(organization=organization, status=rules.APPROVED)
    with pytest.raises(ValidationError):
        services.hires_set_status(
            organization=organization, actor=None, changes=[(hire.pk, 1)], status=status
        )
    assert PlannedHire.objects.get().status == rules.APPROVED


def test_pasting_headcount_creates_and_updates_consecutive_quarters(organization):
    SnapshotFactory(organization=organization, quarter=Q1 + 1, sales=1, customer_success=1, other=1)
    rows = [rules.Headcount(10, 2, 1), rules.Headcount(20, 4, 2), rules.Headcount(30, 6, 3)]
    services.snapshots_paste(
        organization=organization,
        actor=None,
        first_quarter=Q1,
        rows=rows,
        expected_versions={Q1 + 1: 1},
    )
    stored = HeadcountSnapshot.objects.filter(organization=organization).order_by("quarter")
    assert [(s.quarter, s.as_headcount(), s.version) for s in stored] == [
        (Q1, rows[0], 1),
        (Q1 + 1, rows[1], 2),
        (Q1 + 2, rows[2], 1),
    ]
    assert sorted(Change.objects.values_list("action", "label")) == [
        ("created", "FY2027 Q1"),
        ("created", "FY2027 Q3"),
        ("updated", "FY2027 Q2"),
    ]


def test_a_paste_over_a_quarter_changed_meanwhile_saves_nothing(organization):
    changed = SnapshotFactory(organization=organization, quarter=Q1 + 1, sales=7)
    HeadcountSnapshot.objects.filter(pk=changed.pk).update(version=2)
    with pytest.raises(services.StaleEdit) as stale:
        services.snapshots_paste(
            organization=organization,
            actor=None,
            first_quarter=Q1,
            rows=[rules.Headcount(10, 2, 1), rules.Headcount(20, 4, 2)],
            expected_versions={Q1 + 1: 1},
        )
    assert stale.value.current.pk == changed.pk
    assert HeadcountSnapshot.objects.get().sales == 7
    assert not Change.objects.exists()


def test_a_paste_past_the_last_supported_quarter_saves_nothing_and_says_which(organization):
    last = MAX_ORDINAL
    with pytest.raises(ValidationError) as refused:
        services.snapshots_paste(
            organization=organization,
            actor=None,
            first_quarter=last,
            rows=[rules.Headcount(1, 0, 0), rules.Headcount(2, 0, 0)],
        )
    assert "would run past it" in refused.value.message_dict["rows"][0]
    assert not HeadcountSnapshot.objects.exists() and not Change.objects.exists()


def test_marking_a_manager_hire_hired_makes_a_manager_in_seat(organization):
    hire = PlannedHireFactory(organization=organization, is_manager=True)
    member = services.hire_mark_hired(hire=hire, actor=None, name="Grace", expected_version=1)
    assert member.is_manager is True and member.as_seat().is_manager is True
    assert PlannedHire.objects.get().as_hire().is_manager is True


# --- scenarios -----------------------------------------------------------------------------


def test_the_old_plan_s_name_is_free_whatever_its_case(organization):
    """Scenario names are unique whatever their case (as the forms check them): the plan
    kept as a scenario takes a number rather than a name that differs by case alone."""
    services.scenario_create(organization=organization, actor=None, name="plan before today")
    growth = services.scenario_create(organization=organization, actor=None, name="Growth")
    old = services.scenario_promote(
        scenario=growth,
        actor=None,
        expected_version=growth.version,
        old_plan_name="Plan before today",
    )
    assert old.name == "Plan before today (2)"
    assert sorted(organization.scenarios.values_list("name", flat=True)) == [
        "Plan before today (2)",
        "plan before today",
    ]


def test_a_plan_quarter_added_during_a_promotion_refuses_it_and_changes_nothing(organization):
    """A paste into the plan does not wait for the organization's lock: a quarter it adds
    between the promotion's moves of the forecast would be a second plan row for that
    quarter. The constraint refuses it, and so is the whole promotion, as stale."""
    SnapshotFactory(organization=organization, quarter=current_quarter(organization), sales=10)
    growth = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = sorted(HeadcountSnapshot.objects.values_list("pk", "scenario_id", "version"))
    changes = Change.objects.count()
    real_update = QuerySet.update

    def update_after_a_paste(queryset, **fields):
        if queryset.model is HeadcountSnapshot and fields.get("scenario") is None:
            raise IntegrityError("snapshot_unique_quarter")
        return real_update(queryset, **fields)

    paste = mock.patch.object(QuerySet, "update", update_after_a_paste)
    with paste, pytest.raises(services.StaleEdit):
        services.scenario_promote(
            scenario=growth, actor=None, expected_version=growth.version, old_plan_name="Old"
        )
    assert sorted(HeadcountSnapshot.objects.values_list("pk", "scenario_id", "version")) == before
    assert list(organization.scenarios.values_list("name", flat=True)) == ["Growth"]
    assert Change.objects.count() == changes
