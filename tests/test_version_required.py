"""An edit that does not say which version it was made from is refused, not applied.

Without the version the stale-edit check could not run, so a hand-made or damaged form
could silently overwrite a newer edit.
"""

import pytest
from django.urls import reverse

from planner import rules
from planner.models import HeadcountSnapshot, Membership, PlannedHire, Segment, TeamMember
from planner.services import ORGANIZATION_FIELDS
from tests.factories import (
    FY2027_Q1,
    MembershipFactory,
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
)


@pytest.fixture
def owner_membership(db):
    return MembershipFactory(role=Membership.Role.OWNER)


def _post(client, membership, name, pk, data):
    client.force_login(membership.user)
    url = reverse(name, args=[membership.organization.slug, pk])
    return client.post(url, data, headers={"HX-Request": "true"})


def test_a_headcount_edit_without_version_is_refused(client, owner_membership):
    row = SnapshotFactory(organization=owner_membership.organization, sales=30)
    response = _post(
        client,
        owner_membership,
        "snapshot_update",
        row.pk,
        {"sales": 99, "customer_success": 10, "other": 5},
    )
    assert response.status_code == 422
    assert "Reload the page and try again." in response.content.decode()
    assert HeadcountSnapshot.objects.get(pk=row.pk).sales == 30


def test_a_team_member_edit_without_version_is_refused(client, owner_membership):
    row = TeamMemberFactory(organization=owner_membership.organization, name="Maya")
    data = {"name": "Someone else", "role": row.role, "start_quarter": FY2027_Q1}
    response = _post(client, owner_membership, "team_member_update", row.pk, data)
    assert response.status_code == 422
    assert TeamMember.objects.get(pk=row.pk).name == "Maya"


def test_a_hire_edit_without_version_is_refused(client, owner_membership):
    row = PlannedHireFactory(organization=owner_membership.organization, notes="")
    data = {
        "role": row.role,
        "target_quarter": FY2027_Q1,
        "status": rules.PLANNED,
        "notes": "overwritten",
    }
    response = _post(client, owner_membership, "hire_update", row.pk, data)
    assert response.status_code == 422
    assert PlannedHire.objects.get(pk=row.pk).notes == ""


def test_marking_hired_without_version_is_refused(client, owner_membership):
    row = PlannedHireFactory(organization=owner_membership.organization)
    data = {"name": "Priya", "start_quarter": FY2027_Q1}
    response = _post(client, owner_membership, "hire_mark_hired", row.pk, data)
    assert response.status_code == 422
    assert PlannedHire.objects.get(pk=row.pk).status == rules.PLANNED
    assert not TeamMember.objects.exists()


def test_a_segment_rename_without_version_is_refused(client, owner_membership):
    row = SegmentFactory(organization=owner_membership.organization, name="Enterprise")
    response = _post(client, owner_membership, "segment_update", row.pk, {"name": "SMB"})
    assert response.status_code == 422
    assert "Reload the page and try again." in response.content.decode()
    assert Segment.objects.get(pk=row.pk).name == "Enterprise"


def test_a_settings_edit_without_version_is_refused(client, owner_membership):
    organization = owner_membership.organization
    data = {field: getattr(organization, field) for field in ORGANIZATION_FIELDS}
    data.update(target_ratio=20, leader_has_adult_learning="")
    client.force_login(owner_membership.user)
    response = client.post(reverse("organization_settings", args=[organization.slug]), data)
    assert response.status_code == 422
    assert "Reload the page and try again." in response.content.decode()
    organization.refresh_from_db()
    assert organization.target_ratio == 50
