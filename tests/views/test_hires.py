"""Planned hires on the Team & hires page (planner/views/hires.py)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from planner import rules, services
from planner.models import Change, PlannedHire, TeamMember
from planner.planning import load_plan
from tests.factories import (
    MembershipFactory,
    PlannedHireFactory,
    TeamMemberFactory,
    ten_scenarios,
)
from tests.views.team_page import (
    HTMX,
    hire_data,
    new_hire,
    page_url,
    stored,
    url,
    version_of,
)

# --- planning a hire ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_hire_answers_with_the_section_and_the_new_row(
    client, organization, now, role, request
):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("hire_create", organization=organization),
        new_hire(now, notes="For the CS team"),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    added = PlannedHire.objects.get(organization=organization)
    assert (added.role, added.target_quarter, added.status, added.annual_cost, added.notes) == (
        rules.CS_ENABLEMENT,
        now + 2,
        rules.APPROVED,
        Decimal("88000.50"),
        "For the CS team",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="hire-section"')
    assert f'id="hire-{added.pk}"' in html and "88,000.50\u00a0USD" in html
    assert Change.objects.filter(entity="planned hire", action="created").count() == 1


def test_a_hire_without_a_cost_or_notes_is_fine(client, organization, owner, now):
    client.force_login(owner)
    response = client.post(
        url("hire_create", organization=organization), new_hire(now, annual_cost="")
    )
    added = PlannedHire.objects.get()
    assert response.status_code == 302
    assert response.url == f"{page_url(organization)}#hire-{added.pk}"
    assert (added.annual_cost, added.notes) == (None, "")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "", "Choose a role."),
        ("role", "recruiter", "Choose a role from the list."),
        ("target_quarter", "", "Choose the target quarter."),
        ("target_quarter", "next year", "Choose a quarter from the list."),
        (
            "status",
            rules.HIRED,
            "Choose planned, approved or recruiting. When someone accepts, use “Mark hired” "
            "so they join the team.",
        ),
        ("status", rules.CANCELLED, "Choose planned, approved or recruiting."),
        ("status", "", "Choose a status."),
        ("annual_cost", "-1", "The cost cannot be negative."),
        ("annual_cost", "95000.505", "Use at most 2 decimals (cents)."),
        ("annual_cost", "$95,000", "Enter an amount like 95000 or 95000.50"),
        ("annual_cost", "NaN", "Enter an amount like 95000 or 95000.50"),
        ("annual_cost", "1" * 11, "That amount is too large; check it."),
        ("notes", "n" * 2001, "Keep the notes to 2000 characters or fewer (these have 2001)."),
    ],
)
def test_bad_hire_input_is_refused_next_to_the_field(
    client, organization, owner, now, field, value, message
):
    client.force_login(owner)
    response = client.post(
        url("hire_create", organization=organization),
        new_hire(now, **{field: value}),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert f'<ul class="errorlist" id="new-hire-{field}_error"><li>{message}' in html
    assert not PlannedHire.objects.exists()
    assert "HX-Trigger" not in response.headers


def test_bad_hire_input_without_javascript_shows_the_page_open_at_the_form(
    client, organization, owner, now
):
    client.force_login(owner)
    response = client.post(
        url("hire_create", organization=organization),
        new_hire(now, annual_cost="-5", notes="keep me"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and "The cost cannot be negative." in html
    assert "keep me</textarea>" in html
    assert not PlannedHire.objects.exists()


def test_planning_a_hire_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    PlannedHireFactory.create_batch(60, organization=organization, target_quarter=now)
    TeamMemberFactory.create_batch(60, organization=organization, start_quarter=now)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership; the form's check constraints (role, status, cost, quarter:
    # savepoint, check, release each = 12); the service's full_clean (organization exists,
    # then the same 12); savepoint, insert, revision, change record, release; 5 for the plan (with
    # the role costs); each list's count and page (4) and the open hires' totals. None of
    # it grows with the number of people or hires.
    with django_assert_max_num_queries(43):
        response = client.post(
            url("hire_create", organization=organization), new_hire(now), headers=HTMX
        )
    assert response.status_code == 200


# --- editing a hire -------------------------------------------------------------------------


def test_an_htmx_hire_edit_link_answers_with_the_row_as_a_form(client, hire, owner):
    client.force_login(owner)
    response = client.get(url("hire_update", hire), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="hire-{hire.pk}" class="editing"')
    assert f'name="version" value="{hire.version}"' in html
    assert '<option value="cancelled">Cancelled</option>' in html
    assert 'value="hired"' not in html
    assert "Backfill for the EMEA launch</textarea>" in html


def test_the_hire_edit_link_without_javascript_is_a_page(client, hire, owner):
    client.force_login(owner)
    response = client.get(url("hire_update", hire))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b"Edit the sales enablement hire for" in response.content


def test_cancelling_an_htmx_hire_edit_gives_back_the_row(client, hire, owner):
    client.force_login(owner)
    html = client.get(url("hire_update", hire) + "?cancel=1", headers=HTMX).content.decode()
    assert html.lstrip().startswith(f'<tr id="hire-{hire.pk}" hx-target="this"')
    assert "<form" not in html


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_hire_edit_saves_and_answers_with_the_row(client, hire, now, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("hire_update", hire),
        hire_data(hire, status=rules.RECRUITING, annual_cost="101000", target_quarter=now + 3),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="hire-{hire.pk}" hx-target="this"')
    assert "Recruiting" in html and "101,000" in html
    hire.refresh_from_db()
    assert (hire.status, hire.annual_cost, hire.target_quarter, hire.version) == (
        rules.RECRUITING,
        Decimal("101000"),
        now + 3,
        2,
    )


def test_a_hire_edit_without_javascript_redirects(client, hire, owner):
    client.force_login(owner)
    response = client.post(url("hire_update", hire), hire_data(hire, notes="Updated"))
    assert response.status_code == 302
    assert response.url == f"{page_url(hire.organization)}#hire-{hire.pk}"
    assert stored(PlannedHire, hire.pk).notes == "Updated"


def test_cancelling_a_hire_is_an_edit_and_it_then_counts_nowhere(
    client, organization, hire, owner, snapshot
):
    quarter = hire.target_quarter
    assert load_plan(organization).gap(quarter).planned_total == 1
    client.force_login(owner)
    response = client.post(
        url("hire_update", hire), hire_data(hire, status=rules.CANCELLED), headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="hire-cancelled just-saved"' in html
    assert "Cancelled: counts for nothing in the gap." in html
    gap = load_plan(organization).gap(quarter)
    assert (gap.planned_total, gap.in_seat_total) == (0, 0)
    assert all(row.planned == 0 for row in gap.rows)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("role", "", "Choose a role."),
        ("target_quarter", "12", "Choose a quarter from the list."),
        ("status", rules.HIRED, "Choose planned, approved, recruiting or cancelled."),
        ("annual_cost", "-0.01", "The cost cannot be negative."),
        ("annual_cost", "1.234", "Use at most 2 decimals (cents)."),
        ("notes", "n" * 2001, "Keep the notes to 2000 characters or fewer (these have 2001)."),
    ],
)
def test_a_bad_hire_edit_is_refused_and_nothing_is_saved(
    client, hire, owner, field, value, message
):
    client.force_login(owner)
    response = client.post(
        url("hire_update", hire), hire_data(hire, **{field: value}), headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="hire-{hire.pk}-{field}_error"><li>{message}' in html
    saved = stored(PlannedHire, hire.pk)
    assert (saved.status, saved.annual_cost, saved.notes, saved.version) == (
        rules.PLANNED,
        Decimal("95000.00"),
        "Backfill for the EMEA launch",
        1,
    )
    assert not Change.objects.exists()


def test_a_bad_hire_edit_without_javascript_is_a_page(client, hire, owner):
    client.force_login(owner)
    response = client.post(url("hire_update", hire), hire_data(hire, annual_cost="lots"))
    assert response.status_code == 422
    assert b"<html" in response.content
    assert b"Enter an amount like 95000 or 95000.50" in response.content


def test_a_hired_hire_keeps_its_status(client, hire, owner):
    services.hire_mark_hired(hire=hire, actor=owner, name="Linus")
    hire.refresh_from_db()
    client.force_login(owner)
    form = client.get(url("hire_update", hire), headers=HTMX).context["row"].form
    assert [value for value, _ in form.fields["status"].choices] == [rules.HIRED]
    response = client.post(url("hire_update", hire), hire_data(hire, status=rules.PLANNED))
    assert response.status_code == 422
    assert stored(PlannedHire, hire.pk).status == rules.HIRED


def test_a_stale_hire_edit_is_refused_with_the_current_values(client, hire, owner, editor):
    opened = hire_data(hire)
    client.force_login(editor)
    client.post(url("hire_update", hire), {**opened, "status": rules.APPROVED}, headers=HTMX)
    client.force_login(owner)

    response = client.post(url("hire_update", hire), {**opened, "annual_cost": "1"}, headers=HTMX)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Changed by someone else since you opened it" in html
    assert "approved, 95,000\u00a0USD a year" in html
    assert 'name="version" value="2"' in html
    saved = stored(PlannedHire, hire.pk)
    assert (saved.status, saved.annual_cost) == (rules.APPROVED, Decimal("95000.00"))
    assert "HX-Trigger" not in response.headers


def test_a_hire_is_not_found_under_its_owners_other_organization(client, hire):
    """Someone in both organizations still cannot reach A's hire through B's address."""
    other = MembershipFactory().organization
    both = MembershipFactory(organization=hire.organization).user
    MembershipFactory(organization=other, user=both)
    client.force_login(both)
    for name in ("hire_update", "hire_delete", "hire_mark_hired"):
        target = reverse(name, args=[other.slug, hire.pk])
        assert client.get(target).status_code == 404
        assert client.post(target, {**hire_data(hire), "name": "X"}).status_code == 404
    assert stored(PlannedHire, hire.pk).status == rules.PLANNED


# --- deleting a hire ------------------------------------------------------------------------


def test_deleting_a_hire_asks_for_confirmation_first(client, hire, owner):
    client.force_login(owner)
    response = client.get(url("hire_delete", hire))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b"Delete the sales enablement hire for" in response.content
    assert b'<input type="hidden" name="version" value="1">' in response.content
    assert PlannedHire.objects.exists()


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_hire_delete_answers_with_the_section(client, hire, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(url("hire_delete", hire), version_of(hire), headers=HTMX)
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="hire-section"')
    assert "Plan the hires the" in html
    assert not PlannedHire.objects.exists()
    assert Change.objects.filter(entity="planned hire", action="deleted").count() == 1


def test_a_hire_delete_without_javascript_redirects(client, hire, owner):
    client.force_login(owner)
    response = client.post(url("hire_delete", hire), version_of(hire))
    assert response.status_code == 302 and response.url == page_url(hire.organization)
    assert not PlannedHire.objects.exists()


def test_a_hire_delete_with_the_current_version_works_after_an_edit(client, hire, owner):
    client.force_login(owner)
    client.post(url("hire_update", hire), hire_data(hire, notes="Approved in March"))
    response = client.post(url("hire_delete", hire), {"version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert not PlannedHire.objects.exists()


def test_an_htmx_hire_delete_from_before_an_edit_is_refused(client, hire, owner, editor):
    seen = version_of(hire)
    client.force_login(editor)
    client.post(url("hire_update", hire), hire_data(hire, status=rules.APPROVED))
    client.force_login(owner)
    response = client.post(url("hire_delete", hire), seen, headers=HTMX)
    assert response.status_code == 409
    assert "HX-Trigger" not in response.headers
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="hire-section"')
    assert f'id="hire-{hire.pk}-stale"' in html
    assert (
        "<strong>Changed by someone else since you opened it</strong>: now Sales enablement "
        "for" in html
    )
    assert ", approved, 95,000\u00a0USD a year" in html and "Nothing was deleted" in html
    assert """hx-vals='{"version": "2"}'""" in html
    assert stored(PlannedHire, hire.pk).status == rules.APPROVED
    assert not Change.objects.filter(entity="planned hire", action="deleted").exists()


def test_a_hire_delete_without_javascript_from_before_an_edit_shows_the_current_values(
    client, hire, owner, editor
):
    seen = version_of(hire)
    client.force_login(editor)
    client.post(url("hire_update", hire), hire_data(hire, status=rules.RECRUITING))
    client.force_login(owner)
    response = client.post(url("hire_delete", hire), seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Delete the sales enablement hire for" in html
    assert "Changed by someone else since you opened it</strong>: now Sales enablement" in html
    assert "Status: recruiting" in html
    assert '<input type="hidden" name="version" value="2">' in html
    assert stored(PlannedHire, hire.pk).status == rules.RECRUITING


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize("data", [{}, {"version": ""}, {"version": "1.5"}])
def test_a_hire_delete_without_a_version_is_refused(client, hire, owner, data, headers):
    client.force_login(owner)
    response = client.post(url("hire_delete", hire), data, headers=headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert ("<html" in html) is not bool(headers)
    assert "does not say which version" in html
    assert PlannedHire.objects.filter(pk=hire.pk).exists()
    assert not Change.objects.filter(entity="planned hire", action="deleted").exists()


def test_the_hire_delete_button_sends_the_rows_current_version(client, hire, owner):
    client.force_login(owner)
    response = client.post(
        url("hire_update", hire), hire_data(hire, notes="Approved in March"), headers=HTMX
    )
    delete = f'hx-post="{url("hire_delete", hire)}" hx-vals=\'{{"version": "2"}}\''
    assert delete in response.content.decode()
    assert delete in client.get(page_url(hire.organization)).content.decode()


# --- marking a hire hired -------------------------------------------------------------------


def test_an_htmx_mark_hired_link_answers_with_a_small_form_in_the_row(client, hire, owner):
    client.force_login(owner)
    response = client.get(url("hire_mark_hired", hire), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="hire-{hire.pk}" class="editing"')
    assert f'<label for="hire-{hire.pk}-hired-name">Name of the person hired</label>' in html
    assert f'<option value="{hire.target_quarter}" selected>' in html
    assert 'hx-target="#team-sections"' in html


def test_the_mark_hired_link_without_javascript_is_a_page(client, hire, owner):
    client.force_login(owner)
    response = client.get(url("hire_mark_hired", hire))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Mark the sales enablement hire for" in html
    assert f'<option value="{hire.target_quarter}" selected>' in html


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_marking_hired_puts_the_person_in_seat_instead_of_planned(
    client, organization, hire, snapshot, role, request
):
    quarter = hire.target_quarter
    before = {row.role: row for row in load_plan(organization).gap(quarter).rows}
    assert (before[rules.SALES_ENABLEMENT].in_seat, before[rules.SALES_ENABLEMENT].planned) == (
        0,
        1,
    )
    client.force_login(request.getfixturevalue(role))

    response = client.post(
        url("hire_mark_hired", hire),
        {"name": "Linus", "start_quarter": quarter, "version": hire.version},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    person = TeamMember.objects.get(organization=organization)
    assert (person.name, person.role, person.start_quarter, person.end_quarter) == (
        "Linus",
        rules.SALES_ENABLEMENT,
        quarter,
        None,
    )
    hire.refresh_from_db()
    assert (hire.status, hire.team_member) == (rules.HIRED, person)
    after = {row.role: row for row in load_plan(organization).gap(quarter).rows}
    assert (after[rules.SALES_ENABLEMENT].in_seat, after[rules.SALES_ENABLEMENT].planned) == (
        1,
        0,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="team-sections">')
    assert (
        f'<tr id="member-{person.pk}" hx-target="this" hx-swap="outerHTML" class="just-saved">'
        in (html)
    )
    assert f'Now on the team: <a href="#member-{person.pk}">Linus</a>' in html


def test_a_hire_can_start_later_than_its_target(client, organization, hire, snapshot, owner):
    quarter = hire.target_quarter
    client.force_login(owner)
    response = client.post(
        url("hire_mark_hired", hire), {"name": "Late", "start_quarter": quarter + 2, "version": 1}
    )
    person = TeamMember.objects.get()
    assert response.status_code == 302
    assert response.url == f"{page_url(organization)}#member-{person.pk}"
    assert person.start_quarter == quarter + 2
    # Hired: no longer planned in the target quarter, and not yet in seat either.
    gap = load_plan(organization).gap(quarter)
    assert (gap.in_seat_total, gap.planned_total) == (0, 0)
    assert load_plan(organization).gap(quarter + 2).in_seat_total == 1


@pytest.mark.parametrize("status", [rules.HIRED, rules.CANCELLED])
def test_a_closed_hire_cannot_be_marked_hired_again(client, organization, hire, owner, status):
    PlannedHire.objects.filter(pk=hire.pk).update(status=status)
    client.force_login(owner)
    response = client.post(
        url("hire_mark_hired", hire),
        {"name": "Twice", "start_quarter": hire.target_quarter, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert f"A {status} hire cannot be marked hired." in response.content.decode()
    assert not TeamMember.objects.exists()
    assert "HX-Trigger" not in response.headers


def test_a_closed_hire_without_javascript_shows_the_message_on_the_page(client, hire, owner):
    PlannedHire.objects.filter(pk=hire.pk).update(status=rules.CANCELLED)
    client.force_login(owner)
    response = client.post(
        url("hire_mark_hired", hire),
        {"name": "Twice", "start_quarter": hire.target_quarter, "version": 1},
    )
    assert response.status_code == 422
    assert b"<html" in response.content
    assert b"A cancelled hire cannot be marked hired." in response.content


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the name of the person hired."),
        ("name", "n" * 121, "Keep the name to 120 characters or fewer (this one has 121)."),
        ("start_quarter", "", "Choose the start quarter."),
        ("start_quarter", "tomorrow", "Choose a quarter from the list."),
    ],
)
def test_bad_mark_hired_input_is_refused_and_nothing_is_saved(
    client, hire, owner, field, value, message
):
    client.force_login(owner)
    data = {"name": "Linus", "start_quarter": hire.target_quarter, "version": 1, field: value}
    response = client.post(url("hire_mark_hired", hire), data, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="hire-{hire.pk}-hired-{field}_error"><li>{message}</li>' in html
    assert html.lstrip().startswith('<div id="team-sections">')  # the form's target
    assert not TeamMember.objects.exists()
    assert stored(PlannedHire, hire.pk).status == rules.PLANNED


def test_a_stale_mark_hired_is_refused_and_nothing_is_saved(client, hire, owner):
    services.hire_update(hire=hire, actor=owner, target_quarter=hire.target_quarter + 1)
    client.force_login(owner)
    response = client.post(
        url("hire_mark_hired", hire),
        {"name": "Linus", "start_quarter": hire.target_quarter, "version": 1},
        headers=HTMX,
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "Changed by someone else since you opened it" in html
    assert 'name="version" value="2"' in html
    assert not TeamMember.objects.exists()
    assert stored(PlannedHire, hire.pk).status == rules.PLANNED


def test_cancelled_hires_count_nowhere(organization, snapshot, now):
    PlannedHireFactory(organization=organization, target_quarter=now, status=rules.CANCELLED)
    gap = load_plan(organization).gap(now + 4)
    assert (gap.in_seat_total, gap.planned_total) == (0, 0)
    assert gap.still_to_plan == gap.recommended_total


def test_cancelling_a_hire_updates_the_sections_summary_in_place(client, organization, owner, hire):
    client.force_login(owner)
    response = client.post(
        url("hire_update", hire),
        hire_data(hire, status=rules.CANCELLED),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="muted" id="hire-summary" hx-swap-oob="true"><small>0 open' in html
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])


def test_a_hire_becomes_a_manager_hire_from_its_edit_form(client, organization, owner, hire):
    client.force_login(owner)
    response = client.post(url("hire_update", hire), hire_data(hire, is_manager="on"), headers=HTMX)
    assert response.status_code == 200
    assert stored(PlannedHire, hire.pk).is_manager is True
    assert '<span class="tag tag-manager">manager</span>' in response.content.decode()
