import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planner import rules, services
from planner.models import Change, HeadcountSnapshot
from tests.factories import (
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)

HTMX = {"HX-Request": "true"}


@pytest.fixture
def snapshot(organization, now):
    return SnapshotFactory(
        organization=organization, quarter=now, sales=30, customer_success=10, other=5
    )


def page_url(organization):
    return reverse("headcount", args=[organization.slug])


def add_url(organization):
    return reverse("snapshot_add", args=[organization.slug])


def update_url(snapshot):
    return reverse("snapshot_update", args=[snapshot.organization.slug, snapshot.pk])


def delete_url(snapshot):
    return reverse("snapshot_delete", args=[snapshot.organization.slug, snapshot.pk])


def edit(snapshot, **changes):
    data = {
        "sales": snapshot.sales,
        "customer_success": snapshot.customer_success,
        "other": snapshot.other,
        "version": snapshot.version,
    }
    data.update(changes)
    return data


# --- the grid -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_every_member_sees_the_grid(client, organization, snapshot, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(page_url(organization))
    assert response.status_code == 200
    assert f'id="snapshot-{snapshot.pk}"'.encode() in response.content


def test_a_viewer_gets_read_only_cells_and_no_buttons(client, organization, snapshot, viewer):
    client.force_login(viewer)
    html = client.get(page_url(organization)).content.decode()
    assert "readonly" in html
    assert 'id="add-quarter"' not in html
    assert "view-only access" in html


def test_it_labels_past_quarters_actual_and_the_rest_forecast(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now - 1)
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(owner)
    rows = client.get(page_url(organization)).context["rows"]
    assert [row.actual for row in rows] == [True, False]


def test_it_marks_the_quarter_where_the_stage_changes(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=50, customer_success=0, other=0)
    SnapshotFactory(
        organization=organization, quarter=now + 1, sales=51, customer_success=0, other=0
    )
    client.force_login(owner)
    response = client.get(page_url(organization))
    assert [row.stage.number for row in response.context["rows"]] == [1, 2]
    assert b"Stage 2 starts" in response.content


def test_it_guides_a_new_organization_to_its_first_quarter(client, organization, owner):
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert "No headcount yet" in html
    assert '<label for="id_quarter">First quarter</label>' in html


def test_the_grid_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    for offset in range(40):
        SnapshotFactory(organization=organization, quarter=now - 20 + offset)
    for n in range(30):
        TeamMemberFactory(organization=organization, role=rules.ROLES[n % 7])
        PlannedHireFactory(organization=organization)
    SegmentFactory(organization=organization)
    scenarios = ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership, 5 for the plan, the organization and scenario switchers
    with django_assert_max_num_queries(10):
        response = client.get(page_url(organization))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="snapshot-') == 40
    # A scenario: its forecast after the plan's actuals, and the scenario itself read.
    with django_assert_max_num_queries(11):
        response = client.get(f"{page_url(organization)}?scenario={scenarios[9].pk}")
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="snapshot-') == 40


# --- adding quarters --------------------------------------------------------------------------


def test_the_first_quarter_is_the_one_chosen(client, organization, owner, now):
    client.force_login(owner)
    response = client.post(add_url(organization), {"quarter": now - 4})
    assert response.status_code == 302
    assert list(HeadcountSnapshot.objects.values_list("quarter", flat=True)) == [now - 4]


def test_a_first_quarter_outside_the_list_is_refused(client, organization, owner, now):
    client.force_login(owner)
    response = client.post(add_url(organization), {"quarter": now + 400})
    assert response.status_code == 422
    assert b"Choose a quarter from the list." in response.content
    assert not HeadcountSnapshot.objects.exists()


def test_a_scenario_s_first_quarter_is_never_before_the_current_one(
    client, organization, owner, now
):
    """A scenario shows its own quarters from the current one on: a first quarter before it
    would be saved where no page shows it, so it is not offered, and refused if sent."""
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    in_scenario = f"?scenario={scenario.pk}"
    page = client.get(reverse("headcount", args=[organization.slug]) + in_scenario)
    offered = page.context["first_quarter_form"].fields["quarter"].choices
    assert min(int(value) for value, _ in offered) == now
    response = client.post(add_url(organization) + in_scenario, {"quarter": now - 1})
    assert response.status_code == 422
    assert b"Choose a quarter from the list." in response.content
    assert not HeadcountSnapshot.objects.exists()
    with pytest.raises(ValidationError):
        services.snapshot_add_next(
            organization=organization, actor=owner, default_quarter=now - 1, scenario=scenario
        )
    assert not HeadcountSnapshot.objects.exists()
    response = client.post(add_url(organization) + in_scenario, {"quarter": now + 1})
    assert response.status_code == 302
    assert list(scenario.snapshots.values_list("quarter", flat=True)) == [now + 1]


def test_a_scenario_past_the_plan_s_last_actual_adds_and_pastes_from_the_current_quarter(
    client, organization, owner, now
):
    """The plan's actuals end two quarters ago and the scenario has no forecast yet: the
    button and the paste offer the quarter a scenario's own headcount starts at, now."""
    SnapshotFactory(organization=organization, quarter=now - 2, sales=40)
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    in_scenario = f"?scenario={scenario.pk}"
    page = client.get(page_url(organization) + in_scenario)
    assert page.context["next_quarter"] == now
    assert page.context["paste_form"]["first_quarter"].initial == now
    client.post(add_url(organization) + in_scenario)
    assert list(scenario.snapshots.values_list("quarter", flat=True)) == [now]
    plan = client.get(page_url(organization))
    assert plan.context["next_quarter"] == now - 1


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_the_next_quarter_is_a_copy_of_the_latest(client, organization, snapshot, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(add_url(organization), headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    added = HeadcountSnapshot.objects.get(quarter=snapshot.quarter + 1)
    assert (added.sales, added.customer_success, added.other) == (30, 10, 5)
    html = response.content.decode()
    assert f'id="snapshot-{added.pk}"' in html
    assert 'id="gap-panel" class="gap-panel compact" hx-swap-oob="true"' in html


# --- editing cells ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_edit_saves_and_answers_with_the_changed_cells(client, snapshot, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(update_url(snapshot), edit(snapshot, sales=35), headers=HTMX)
    assert response.status_code == 200
    snapshot.refresh_from_db()
    assert snapshot.sales == 35 and snapshot.version == 2
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="headcount-grid"' not in html  # the stage holds: only the cells change
    assert f'<span id="snapshot-{snapshot.pk}-total" hx-swap-oob="true">50</span>' in html
    assert "1 · Foundation" in html
    assert f'id="snapshot-{snapshot.pk}-version" value="2"' in html
    assert "Stage 1 · Foundation" in html  # the gap panel follows, for the edited quarter
    assert Change.objects.filter(entity="headcount", action="updated").count() == 1


def test_an_edit_without_javascript_redirects_to_the_grid(client, snapshot, owner):
    client.force_login(owner)
    response = client.post(update_url(snapshot), edit(snapshot, other=7))
    assert response.status_code == 302
    assert response.url == page_url(snapshot.organization)
    snapshot.refresh_from_db()
    assert snapshot.other == 7


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sales", "abc", "Enter a whole number of people, like 42."),
        ("sales", "4.5", "Enter a whole number of people, like 42."),
        ("customer_success", "-1", "Headcount cannot be negative."),
        ("other", "1000001", "That is more than 1,000,000 people; check the number."),
        ("sales", "", "Enter a number (0 if none)."),
        ("other", "9" * 400, "That is more than 1,000,000 people; check the number."),
    ],
)
def test_bad_input_is_refused_next_to_the_cell_and_nothing_is_saved(
    client, snapshot, owner, field, value, message
):
    client.force_login(owner)
    response = client.post(update_url(snapshot), edit(snapshot, **{field: value}), headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="snapshot-{snapshot.pk}-{field}-error" hx-swap-oob="true">{message}<' in html
    stored = HeadcountSnapshot.objects.get(pk=snapshot.pk)
    assert (stored.sales, stored.customer_success, stored.other, stored.version) == (
        30,
        10,
        5,
        1,
    )
    assert not Change.objects.exists()


def test_bad_input_without_javascript_shows_the_page_with_what_was_typed(client, snapshot, owner):
    client.force_login(owner)
    response = client.post(update_url(snapshot), edit(snapshot, sales="lots"))
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert 'value="lots"' in html
    assert "Enter a whole number of people, like 42." in html


def test_a_stale_edit_is_refused_with_the_current_values(client, snapshot, owner, editor):
    client.force_login(editor)
    client.post(update_url(snapshot), edit(snapshot, sales=44), headers=HTMX)
    client.force_login(owner)

    response = client.post(update_url(snapshot), edit(snapshot, sales=99), headers=HTMX)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Changed by someone else since you opened it</strong>: now 44 sales" in html
    assert HeadcountSnapshot.objects.get(pk=snapshot.pk).sales == 44
    # The row is redrawn with the stored numbers and version, not with what was typed, so
    # the next change cannot quietly overwrite the other edit.
    assert html.lstrip().startswith('<div id="headcount-grid" hx-swap-oob="true">')
    assert f'id="snapshot-{snapshot.pk}-sales"' in html
    assert 'value="44"' in html and 'value="99"' not in html
    assert f'id="snapshot-{snapshot.pk}-version" value="2"' in html


def test_after_a_stale_edit_the_next_change_starts_from_the_stored_numbers(
    client, snapshot, owner, editor
):
    client.force_login(editor)
    client.post(update_url(snapshot), edit(snapshot, sales=44), headers=HTMX)
    client.force_login(owner)
    client.post(update_url(snapshot), edit(snapshot, customer_success=12), headers=HTMX)
    stored = HeadcountSnapshot.objects.get(pk=snapshot.pk)
    # What the refreshed row now holds: 44 sales (theirs), the version they left.
    response = client.post(update_url(snapshot), edit(stored, customer_success=13), headers=HTMX)
    assert response.status_code == 200
    stored.refresh_from_db()
    assert (stored.sales, stored.customer_success) == (44, 13)


def test_a_stale_edit_without_javascript_shows_the_stored_numbers(client, snapshot, owner, editor):
    client.force_login(editor)
    client.post(update_url(snapshot), edit(snapshot, sales=44))
    client.force_login(owner)
    response = client.post(update_url(snapshot), edit(snapshot, sales=99))
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Your change was not saved" in html
    assert 'value="44"' in html and 'value="99"' not in html


def test_an_edit_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    snapshots = [
        SnapshotFactory(organization=organization, quarter=now - 20 + n) for n in range(40)
    ]
    for n in range(30):
        TeamMemberFactory(organization=organization, role=rules.ROLES[n % 7])
    client.force_login(owner)
    target = snapshots[20]
    # session, user, membership, snapshot; the service: savepoint, locked re-read, update,
    # the revisions, change record, release; 5 for the plan's values (none kept inside the
    # test's transaction)
    with django_assert_max_num_queries(15):
        response = client.post(update_url(target), edit(target, sales=99), headers=HTMX)
    assert response.status_code == 200


# --- deleting ---------------------------------------------------------------------------------


def version_of(snapshot):
    return {"version": snapshot.version}


def test_deleting_asks_for_confirmation_first(client, snapshot, owner):
    client.force_login(owner)
    response = client.get(delete_url(snapshot))
    assert response.status_code == 200
    assert b"Delete the headcount of" in response.content
    assert b'<input type="hidden" name="version" value="1">' in response.content
    assert HeadcountSnapshot.objects.filter(pk=snapshot.pk).exists()


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_delete_answers_with_the_grid(client, snapshot, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(delete_url(snapshot), version_of(snapshot), headers=HTMX)
    assert response.status_code == 200
    assert b'id="headcount-grid"' in response.content and b"<html" not in response.content
    assert not HeadcountSnapshot.objects.exists()
    assert Change.objects.filter(entity="headcount", action="deleted").count() == 1


def test_a_delete_without_javascript_redirects(client, snapshot, owner):
    client.force_login(owner)
    response = client.post(delete_url(snapshot), version_of(snapshot))
    assert response.status_code == 302
    assert not HeadcountSnapshot.objects.exists()


def test_a_delete_with_the_current_version_works_after_an_edit(client, snapshot, owner):
    client.force_login(owner)
    client.post(update_url(snapshot), edit(snapshot, sales=40), headers=HTMX)
    response = client.post(delete_url(snapshot), {"version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert not HeadcountSnapshot.objects.exists()


def test_an_htmx_delete_from_before_an_edit_is_refused(client, snapshot, owner, editor):
    seen = version_of(snapshot)
    client.force_login(editor)
    client.post(update_url(snapshot), edit(snapshot, sales=40), headers=HTMX)
    client.force_login(owner)
    response = client.post(delete_url(snapshot), seen, headers=HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" not in html and 'id="headcount-grid"' in html
    assert f'id="snapshot-{snapshot.pk}-stale"' in html
    assert (
        "Changed by someone else since you opened it</strong>: now 40 sales, 10 customer "
        "success, 5 other. Nothing was deleted" in html
    )
    # The grid is redrawn as it is now: the row's version input lets a second try go through.
    assert f'id="snapshot-{snapshot.pk}-version" value="2"' in html
    assert HeadcountSnapshot.objects.get(pk=snapshot.pk).sales == 40
    assert not Change.objects.filter(entity="headcount", action="deleted").exists()


def test_a_delete_without_javascript_from_before_an_edit_shows_the_current_values(
    client, snapshot, owner, editor
):
    seen = version_of(snapshot)
    client.force_login(editor)
    client.post(update_url(snapshot), edit(snapshot, sales=40))
    client.force_login(owner)
    response = client.post(delete_url(snapshot), seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Delete the headcount of" in html
    assert "Changed by someone else since you opened it</strong>: now 40 sales" in html
    assert "40 sales, 10 customer success and 5 other customer-facing (55 in all)" in html
    assert '<input type="hidden" name="version" value="2">' in html
    assert HeadcountSnapshot.objects.get(pk=snapshot.pk).sales == 40


@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "two"}, {"version": 0}])
def test_a_delete_without_a_version_is_refused(client, snapshot, owner, data):
    client.force_login(owner)
    response = client.post(delete_url(snapshot), data)
    assert response.status_code == 422
    assert "<html" in response.content.decode()
    assert "does not say which version" in response.content.decode()
    assert HeadcountSnapshot.objects.filter(pk=snapshot.pk).exists()
    assert not Change.objects.filter(entity="headcount", action="deleted").exists()


def test_an_htmx_delete_without_a_version_says_why_on_the_row(client, snapshot, owner):
    client.force_login(owner)
    response = client.post(delete_url(snapshot), headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="snapshot-{snapshot.pk}-stale"' in html
    assert "does not say which version" in html
    assert HeadcountSnapshot.objects.filter(pk=snapshot.pk).exists()


def test_the_delete_button_sends_the_rows_current_version(client, snapshot, owner):
    client.force_login(owner)
    response = client.post(update_url(snapshot), edit(snapshot, sales=35), headers=HTMX)
    # An edit refreshes the row's version input in place; the delete button includes it.
    assert f'id="snapshot-{snapshot.pk}-version" value="2" hx-swap-oob="true"' in (
        response.content.decode()
    )
    html = client.get(page_url(snapshot.organization)).content.decode()
    assert f'hx-post="{delete_url(snapshot)}" hx-include="#snapshot-{snapshot.pk}-version"' in html
    assert f'id="snapshot-{snapshot.pk}-version" value="2"' in html


def test_an_edit_that_changes_the_stage_redraws_the_grid_so_the_markers_follow(
    client, organization, owner, now
):
    first = SnapshotFactory(
        organization=organization, quarter=now, sales=40, customer_success=0, other=0
    )
    second = SnapshotFactory(
        organization=organization, quarter=now + 1, sales=45, customer_success=0, other=0
    )
    client.force_login(owner)

    response = client.post(update_url(second), edit(second, sales=60), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="headcount-grid" hx-swap-oob="true">')
    assert "Stage 2 starts" in html
    assert f'id="snapshot-{first.pk}"' in html
    assert 'id="gap-panel" class="gap-panel compact" hx-swap-oob="true"' in html


# --- adding a quarter moves the focus ------------------------------------------------------------


def test_the_quarter_added_with_htmx_has_its_first_cell_focused(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(owner)
    html = client.post(add_url(organization), headers=HTMX).content.decode()
    added = HeadcountSnapshot.objects.get(quarter=now + 1)
    assert html.count("autofocus") == 1
    start = html.index(f'id="snapshot-{added.pk}-sales"')
    assert "autofocus" in html[start : html.index(">", start)]


def test_the_headcount_page_announces_the_stage_change_ahead(client, organization, owner, crossing):
    client.force_login(owner)
    assert crossing in client.get(page_url(organization)).content.decode()


def test_an_edit_that_moves_the_crossing_redraws_the_alerts(
    client, organization, owner, crossing, now
):
    client.force_login(owner)
    snapshot = HeadcountSnapshot.objects.get(organization=organization, quarter=now + 1)
    response = client.post(update_url(snapshot), edit(snapshot, sales=500), headers=HTMX)
    html = response.content.decode()
    assert '<section id="stage-alerts" class="stage-alerts is-empty"' in html
    assert 'hx-swap-oob="true"' in html[html.index('id="stage-alerts"') :]
    assert crossing not in html
