"""Writes that lose a race end in a clear refusal, never a server error."""

from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from planner import rules, services
from planner.models import (
    Change,
    HeadcountSnapshot,
    Organization,
    PlannedHire,
    Segment,
    TeamMember,
)
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
