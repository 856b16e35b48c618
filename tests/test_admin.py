"""The admin shows the planner's tables but cannot change them behind the services' back."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import SnapshotFactory


@pytest.fixture
def staff_client(client, db):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x-long-pass-1")
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "model", ["organization", "membership", "headcountsnapshot", "teammember", "plannedhire"]
)
def test_staff_can_list_but_not_add(staff_client, model):
    assert staff_client.get(reverse(f"admin:planner_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:planner_{model}_add")).status_code == 403


def test_staff_cannot_change_or_delete_a_row(staff_client):
    snapshot = SnapshotFactory(sales=12)
    change = reverse("admin:planner_headcountsnapshot_change", args=[snapshot.pk])
    staff_client.post(change, {"sales": 99, "customer_success": 0, "other": 0})
    snapshot.refresh_from_db()
    assert snapshot.sales == 12
    delete = reverse("admin:planner_headcountsnapshot_delete", args=[snapshot.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
