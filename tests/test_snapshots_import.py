"""services.snapshots_import: many quarters at once or none, each recorded as usual."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from planner import services
from planner.models import Change, Entity, HeadcountSnapshot
from planner.quarters import MAX_ORDINAL
from planner.rules import Headcount
from tests.factories import FY2027_Q1, MembershipFactory, SnapshotFactory

Q1, Q2, Q3 = FY2027_Q1, FY2027_Q1 + 1, FY2027_Q1 + 2


@pytest.fixture
def actor(organization):
    return MembershipFactory(organization=organization).user


@pytest.fixture
def stored(organization):
    """Q1 and Q2 saved once; Q3 not there."""
    return {
        Q1: SnapshotFactory(organization=organization, quarter=Q1, sales=40, customer_success=12),
        Q2: SnapshotFactory(organization=organization, quarter=Q2, sales=44, customer_success=12),
    }


def state(organization) -> dict[int, tuple[int, int, int, int]]:
    return {
        s.quarter: (s.sales, s.customer_success, s.other, s.version)
        for s in HeadcountSnapshot.objects.filter(organization=organization)
    }


def test_it_adds_and_changes_quarters_and_leaves_those_that_match(organization, actor, stored):
    rows = {
        Q1: Headcount(40, 12, 5),  # as stored (the factory's other is 5)
        Q2: Headcount(46, 12, 5),
        Q3: Headcount(50, 14, 6),
    }
    imported = services.snapshots_import(
        organization=organization,
        actor=actor,
        rows=rows,
        expected_versions={Q1: 1, Q2: 1, Q3: None},
    )
    assert imported == services.Imported(added=(Q3,), changed=(Q2,), unchanged=1)
    assert state(organization) == {
        Q1: (40, 12, 5, 1),
        Q2: (46, 12, 5, 2),
        Q3: (50, 14, 6, 1),
    }


def test_it_records_each_quarter_written_as_a_create_or_an_update(organization, actor, stored):
    services.snapshots_import(
        organization=organization,
        actor=actor,
        rows={Q1: Headcount(40, 12, 5), Q2: Headcount(46, 12, 5), Q3: Headcount(50, 14, 6)},
        expected_versions={Q1: 1, Q2: 1, Q3: None},
    )
    changes = sorted(
        Change.objects.filter(organization=organization).values_list(
            "action", "entity", "label", "diff", "actor"
        )
    )
    assert changes == [
        (
            "created",
            Entity.HEADCOUNT,
            "FY2027 Q3",
            {"sales": [None, 50], "customer_success": [None, 14], "other": [None, 6]},
            actor.pk,
        ),
        ("updated", Entity.HEADCOUNT, "FY2027 Q2", {"sales": [44, 46]}, actor.pk),
    ]


@pytest.mark.parametrize(
    ("meanwhile", "message"),
    [
        # Someone saved Q2 after the preview.
        (
            lambda o, s: services.snapshot_update(snapshot=s[Q2], actor=None, sales=1),
            "FY2027 Q2",
        ),
        # Someone added Q3, which the preview showed as new.
        (lambda o, s: SnapshotFactory(organization=o, quarter=Q3), "FY2027 Q3"),
        # Someone deleted Q1, which the preview showed as it was.
        (
            lambda o, s: services.snapshot_delete(snapshot=s[Q1], actor=None, expected_version=1),
            "FY2027 Q1",
        ),
    ],
)
def test_a_quarter_changed_since_the_preview_refuses_the_whole_import(
    organization, actor, stored, meanwhile, message
):
    meanwhile(organization, stored)
    before = state(organization)
    history = Change.objects.count()
    with pytest.raises(services.StaleImport, match=message) as refused:
        services.snapshots_import(
            organization=organization,
            actor=actor,
            rows={Q1: Headcount(9, 9, 9), Q2: Headcount(9, 9, 9), Q3: Headcount(9, 9, 9)},
            expected_versions={Q1: 1, Q2: 1, Q3: None},
        )
    assert len(refused.value.quarters) == 1
    assert state(organization) == before
    assert Change.objects.count() == history


def test_a_quarter_that_matches_the_file_is_still_checked(organization, actor, stored):
    # The file says Q1 is 40/12/5; someone made it 41 since: importing "nothing" for Q1
    # would leave their number beside a file that says otherwise.
    services.snapshot_update(snapshot=stored[Q1], actor=None, sales=41)
    with pytest.raises(services.StaleImport):
        services.snapshots_import(
            organization=organization,
            actor=actor,
            rows={Q1: Headcount(41, 12, 5), Q3: Headcount(1, 1, 1)},
            expected_versions={Q1: 1, Q3: None},
        )
    assert Q3 not in state(organization)


def test_a_quarter_refused_by_a_rule_leaves_every_other_one_unsaved(organization, actor, stored):
    history = Change.objects.count()
    with pytest.raises(ValidationError):
        services.snapshots_import(
            organization=organization,
            actor=actor,
            rows={Q2: Headcount(46, 12, 5), Q3: Headcount(1, 1, 1), MAX_ORDINAL + 1: Headcount()},
            expected_versions={Q2: 1, Q3: None, MAX_ORDINAL + 1: None},
        )
    assert state(organization) == {Q1: (40, 12, 5, 1), Q2: (44, 12, 5, 1)}
    assert Change.objects.count() == history


def test_a_failure_halfway_through_saves_nothing(organization, actor, stored):
    real = services.snapshot_create
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs["quarter"])
        if len(calls) == 2:
            raise ValidationError("The database went away.")
        return real(**kwargs)

    with (
        mock.patch.object(services, "snapshot_create", side_effect=fail_second),
        pytest.raises(ValidationError),
    ):
        services.snapshots_import(
            organization=organization,
            actor=actor,
            rows={Q2: Headcount(46, 12, 5), Q3: Headcount(1, 1, 1), Q3 + 1: Headcount(2, 2, 2)},
            expected_versions={Q2: 1, Q3: None, Q3 + 1: None},
        )
    assert calls == [Q3, Q3 + 1]
    assert state(organization) == {Q1: (40, 12, 5, 1), Q2: (44, 12, 5, 1)}


def test_every_quarter_needs_the_version_it_was_previewed_at(organization, actor):
    with pytest.raises(ValueError, match="version it was previewed at"):
        services.snapshots_import(
            organization=organization,
            actor=actor,
            rows={Q1: Headcount(1, 1, 1)},
            expected_versions={},
        )


def test_it_touches_no_other_organization(organization, actor, stored):
    other = SnapshotFactory(quarter=Q3, sales=7)
    services.snapshots_import(
        organization=organization,
        actor=actor,
        rows={Q3: Headcount(50, 14, 6)},
        expected_versions={Q3: None},
    )
    other.refresh_from_db()
    assert (other.sales, other.version) == (7, 1)
    assert state(organization)[Q3] == (50, 14, 6, 1)
