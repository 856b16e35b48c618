"""No lost updates: two people save the same row from pages loaded at the same time.

Both pages carry the version they were loaded at. Whichever save lands first wins; the
other is refused with a 409 and the current value, and nothing is overwritten. The two
saves really run at once, from two threads with their own database connections, on
PostgreSQL and on SQLite alike: SQLite transactions take the write lock when they begin, so
the second writer waits for the first and then finds the row changed, rather than failing
with "database is locked".
"""

import threading

import pytest
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection
from django.test import Client
from django.urls import resolve, reverse

from planner import rules
from planner.models import HeadcountSnapshot, Membership, Organization, PlannedHire, TeamMember
from planner.services import ORGANIZATION_FIELDS
from tests.factories import (
    FY2027_Q1,
    MembershipFactory,
    OrganizationFactory,
    PlannedHireFactory,
    SnapshotFactory,
    TeamMemberFactory,
)


def _snapshot_case(organization):
    row = SnapshotFactory(organization=organization, sales=30, customer_success=10, other=5)
    url = reverse("snapshot_update", args=[organization.slug, row.pk])

    def data(sales):
        return {"sales": sales, "customer_success": 10, "other": 5, "version": row.version}

    return url, data, lambda: HeadcountSnapshot.objects.get(pk=row.pk).sales


def _member_case(organization):
    row = TeamMemberFactory(organization=organization, name="Maya", start_quarter=FY2027_Q1)
    url = reverse("team_member_update", args=[organization.slug, row.pk])

    def data(name):
        return {
            "name": name,
            "role": rules.ENABLEMENT_LEADER,
            "start_quarter": FY2027_Q1,
            "end_quarter": "",
            "version": row.version,
        }

    return url, data, lambda: TeamMember.objects.get(pk=row.pk).name


def _hire_case(organization):
    row = PlannedHireFactory(organization=organization, target_quarter=FY2027_Q1)
    url = reverse("hire_update", args=[organization.slug, row.pk])

    def data(notes):
        return {
            "role": row.role,
            "target_quarter": FY2027_Q1,
            "status": rules.PLANNED,
            "annual_cost": "",
            "notes": notes,
            "version": row.version,
        }

    return url, data, lambda: PlannedHire.objects.get(pk=row.pk).notes


def _settings_case(organization):
    url = reverse("organization_settings", args=[organization.slug])

    def data(ratio):
        values = {field: getattr(organization, field) for field in ORGANIZATION_FIELDS}
        values["leader_has_adult_learning"] = "on" if values["leader_has_adult_learning"] else ""
        values.update(target_ratio=ratio, version=organization.version)
        return values

    return url, data, lambda: Organization.objects.get(pk=organization.pk).target_ratio


CASES = {
    "headcount": (_snapshot_case, 41, 42),
    "team member": (_member_case, "Maya Kowalski", "Maya K."),
    "planned hire": (_hire_case, "Budget approved", "On hold"),
    "settings": (_settings_case, 40, 60),
}


def _two_editors(organization):
    clients = []
    for _ in range(2):
        client = Client()
        client.force_login(
            MembershipFactory(organization=organization, role=Membership.Role.EDITOR).user
        )
        clients.append(client)
    return clients


def _saved(status: int) -> bool:
    return status in (200, 302)


@pytest.mark.parametrize("entity", CASES)
def test_the_second_of_two_saves_from_the_same_page_state_is_refused(db, entity):
    make, first_value, second_value = CASES[entity]
    organization = OrganizationFactory()
    url, data, stored = make(organization)
    first, second = _two_editors(organization)
    form_for_first, form_for_second = data(first_value), data(second_value)  # both "open"

    assert _saved(first.post(url, form_for_first).status_code)
    refused = second.post(url, form_for_second)

    assert refused.status_code == 409
    assert "someone else since you opened" in refused.content.decode()
    assert str(first_value) in refused.content.decode()  # the current value is shown
    assert stored() == first_value


@pytest.mark.parametrize("entity", CASES)
def test_two_simultaneous_saves_never_both_land(transactional_db, entity):
    make, first_value, second_value = CASES[entity]
    organization = OrganizationFactory()
    url, data, stored = make(organization)
    clients = _two_editors(organization)
    forms = [data(first_value), data(second_value)]
    start = threading.Barrier(2)
    statuses: dict[int, int] = {}

    def save(index: int) -> None:
        try:
            start.wait(timeout=10)
            statuses[index] = clients[index].post(url, forms[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses.values()) in ([200, 409], [302, 409]), statuses
    winner = next(i for i, status in statuses.items() if status != 409)
    assert stored() == (first_value, second_value)[winner]


DELETES = {
    "headcount": "snapshot_delete",
    "team member": "team_member_delete",
    "planned hire": "hire_delete",
}


@pytest.mark.parametrize("entity", DELETES)
def test_an_edit_and_a_delete_from_the_same_page_state_never_both_land(transactional_db, entity):
    make, edited_value, _ = CASES[entity]
    organization = OrganizationFactory()
    url, data, stored = make(organization)
    delete_url = reverse(DELETES[entity], kwargs=resolve(url).kwargs)
    clients = _two_editors(organization)
    posts = [(url, data(edited_value)), (delete_url, {"version": 1})]
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def send(index: int) -> None:
        try:
            start.wait(timeout=10)
            target, form = posts[index]
            statuses[("edit", "delete")[index]] = clients[index].post(target, form).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    if statuses["delete"] == 302:
        # The delete went first: the edit finds the row gone.
        assert statuses["edit"] == 404, statuses
        with pytest.raises(ObjectDoesNotExist):
            stored()
    else:
        # The edit went first: the delete, made from the older version, is refused.
        assert statuses == {"edit": 302, "delete": 409}, statuses
        assert stored() == edited_value


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two writers at the same instant need PostgreSQL; SQLite serialises them",
)
def test_two_simultaneous_status_changes_of_the_same_hires_change_each_once(transactional_db):
    organization = OrganizationFactory()
    hires = PlannedHireFactory.create_batch(3, organization=organization)
    url = reverse("hires_set_status", args=[organization.slug])
    clients = _two_editors(organization)
    ticked = [f"{hire.pk}:1" for hire in hires]
    forms = [{"status": "approved", "hire": ticked}, {"status": "cancelled", "hire": ticked}]
    start = threading.Barrier(2)
    statuses: dict[int, int] = {}

    def send(index: int) -> None:
        try:
            start.wait(timeout=10)
            statuses[index] = clients[index].post(url, forms[index]).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    # One request locks the three rows first and changes them all; the other finds each
    # changed since the page it came from and changes none.
    assert sorted(statuses.values()) == [302, 409], statuses
    winner = next(i for i, status in statuses.items() if status == 302)
    expected = forms[winner]["status"]
    assert {hire.status for hire in PlannedHire.objects.all()} == {expected}
    assert set(PlannedHire.objects.values_list("version", flat=True)) == {2}
