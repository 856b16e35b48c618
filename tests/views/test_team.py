"""The Team & hires page and the people in seat (planner/views/team.py)."""

import json
from decimal import Decimal

import pytest
from django.utils.html import escape

from planner import rules, services
from planner.models import Change, PlannedHire, TeamMember
from planner.quarters import Quarter
from planner.team_page import PAGE_SIZE, TeamFilters
from tests.factories import (
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)
from tests.views.team_page import (
    HTMX,
    member_data,
    new_hire,
    new_member,
    page_url,
    stored,
    url,
    version_of,
)

# --- the page -------------------------------------------------------------------------------

LEADER, SALES, PM = rules.ENABLEMENT_LEADER, rules.SALES_ENABLEMENT, rules.PROGRAM_MANAGER


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_every_member_sees_the_team_and_the_hires(
    client, organization, member, hire, role, request
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(page_url(organization))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "In seat" in html and "Planned hires" in html
    assert f'<tr id="member-{member.pk}" hx-target="this" hx-swap="outerHTML"' in html
    assert f'<tr id="hire-{hire.pk}" hx-target="this" hx-swap="outerHTML"' in html
    assert "Ada" in html and "Sales enablement" in html and "95,000" in html
    assert "Backfill for the EMEA launch" in html


def test_a_viewer_gets_no_forms_and_no_buttons(client, organization, member, hire, viewer):
    client.force_login(viewer)
    html = client.get(page_url(organization)).content.decode()
    assert "view-only access" in html
    for name in ("add-member", "add-hire"):
        assert f'id="{name}"' not in html
    assert url("team_member_update", member) not in html
    assert url("hire_mark_hired", hire) not in html
    assert url("hire_delete", hire) not in html


def test_an_empty_team_says_what_to_do_first(client, organization, owner):
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert "Add the people already in your enablement team, starting with the leader" in html
    assert "Plan the hires the" in html and "gap view</a> recommends" in html
    # The first person is most likely the leader.
    assert '<option value="enablement_leader" selected>' in html
    assert "Enter headcount" in html  # no headcount yet, so no gap to show


def test_every_input_has_a_visible_label(client, organization, owner, member, hire):
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    for field in ("name", "role", "start_quarter", "end_quarter"):
        assert f'<label for="new-member-{field}">' in html
    for field in ("role", "target_quarter", "status", "annual_cost", "notes"):
        assert f'<label for="new-hire-{field}">' in html


def test_it_shows_each_person_relative_to_the_current_quarter(client, organization, owner, now):
    TeamMemberFactory(organization=organization, name="Now", start_quarter=now)
    TeamMemberFactory(
        organization=organization, name="Gone", start_quarter=now - 4, end_quarter=now
    )
    TeamMemberFactory(organization=organization, name="Soon", start_quarter=now + 1)
    client.force_login(owner)
    response = client.get(page_url(organization))
    statuses = {row.member.name: row.status_label for row in response.context["member_rows"]}
    assert statuses == {"Now": "In seat", "Gone": "Left", "Soon": "Starts later"}
    assert "—" in response.content.decode()  # no end quarter


def test_cancelled_hires_stay_visible_and_greyed(client, organization, owner, now):
    cancelled = PlannedHireFactory(
        organization=organization, target_quarter=now, status=rules.CANCELLED
    )
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert (
        f'id="hire-{cancelled.pk}" hx-target="this" hx-swap="outerHTML" class="hire-cancelled"'
        in (html)
    )
    assert "Cancelled: counts for nothing in the gap." in html
    assert url("hire_mark_hired", cancelled) not in html


def test_hired_hires_show_the_person_they_became(client, organization, owner, hire):
    member = services.hire_mark_hired(hire=hire, actor=owner, name="Linus")
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert f'Now on the team: <a href="#member-{member.pk}">Linus</a>' in html
    assert url("hire_mark_hired", hire) not in html


def test_the_compact_gap_panel_sits_beside_and_refreshes_on_plan_changes(
    client, organization, owner, snapshot
):
    client.force_login(owner)
    response = client.get(page_url(organization))
    html = response.content.decode()
    assert response.context["compact"] is True
    assert 'id="gap-panel" class="gap-panel compact"' in html
    assert 'hx-trigger="planChanged from:body"' in html
    assert "Stage 2 · Expansion" in html


def test_the_page_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    for offset in range(12):
        SnapshotFactory(organization=organization, quarter=now - 6 + offset)
    members = [
        TeamMember(
            organization=organization,
            role=rules.ROLES[n % 7],
            name=f"Person {n}",
            start_quarter=now - 8 + n % 12,
            end_quarter=now + 4 if n % 5 == 0 else None,
        )
        for n in range(60)
    ]
    TeamMember.objects.bulk_create(members)
    members = list(TeamMember.objects.filter(organization=organization))
    PlannedHire.objects.bulk_create(
        PlannedHire(
            organization=organization,
            role=rules.ROLES[n % 7],
            target_quarter=now + n % 8,
            status=rules.HIRE_STATUSES[n % 5],
            annual_cost=Decimal(90000 + n),
            team_member=members[n] if rules.HIRE_STATUSES[n % 5] == rules.HIRED else None,
        )
        for n in range(60)
    )
    SegmentFactory(organization=organization)
    scenarios = ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership, the organization and scenario switchers; 5 for the plan
    # (its people revision with the segments, snapshots, team, hires, role costs); each
    # list's count and page (4); the open hires' totals
    with django_assert_max_num_queries(15):
        response = client.get(page_url(organization))
    assert response.status_code == 200
    # Rows are built for the page shown; the totals still count every open hire.
    assert len(response.context["member_rows"]) == PAGE_SIZE
    assert len(response.context["hire_rows"]) == PAGE_SIZE
    open_hires = PlannedHire.objects.filter(scenario=None, status__in=rules.OPEN_HIRE_STATUSES)
    assert response.context["summary"].open_count == open_hires.count() == 36
    # A scenario's page: its own copies of the open hires, and the scenario read.
    with django_assert_max_num_queries(16):
        response = client.get(f"{page_url(organization)}?scenario={scenarios[0].pk}")
    assert response.context["summary"].open_count == 36
    assert all(row.hire.scenario_id == scenarios[0].pk for row in response.context["hire_rows"])


def test_a_short_list_has_no_filters_and_a_long_one_has(client, organization, owner, now):
    PlannedHireFactory.create_batch(PAGE_SIZE, organization=organization, target_quarter=now)
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert 'id="hire-role-filter"' not in html and 'id="member-role-filter"' not in html
    PlannedHireFactory(organization=organization, target_quarter=now)
    html = client.get(page_url(organization)).content.decode()
    assert 'id="hire-role-filter"' in html and 'id="member-role-filter"' not in html


def test_filters_narrow_each_list_and_keep_the_other(client, organization, owner, now):
    TeamMemberFactory(organization=organization, role=LEADER, name="Ada", start_quarter=now - 4)
    TeamMemberFactory(
        organization=organization, role=SALES, name="Gone", start_quarter=now - 4, end_quarter=now
    )
    TeamMemberFactory(organization=organization, role=SALES, name="Soon", start_quarter=now + 2)
    PlannedHireFactory(organization=organization, role=SALES, target_quarter=now + 1)
    PlannedHireFactory(
        organization=organization, role=PM, target_quarter=now + 2, status=rules.APPROVED
    )
    client.force_login(owner)

    def names(**query):
        context = client.get(page_url(organization), query).context
        members = [row.member.name for row in context["member_rows"]]
        hires = [(row.hire.role, row.hire.target_quarter) for row in context["hire_rows"]]
        return members, hires

    assert names(seat="in_seat")[0] == ["Ada"]
    assert names(seat="left")[0] == ["Gone"]
    assert names(seat="later")[0] == ["Soon"]
    assert names(member_role=SALES)[0] == ["Gone", "Soon"]
    assert names(hire_status=rules.APPROVED)[1] == [(PM, now + 2)]
    assert names(hire_role=SALES, hire_quarter=now + 1) == (
        ["Ada", "Gone", "Soon"],
        [(SALES, now + 1)],
    )
    # A value that means nothing here is ignored, not an error.
    assert names(seat="nobody", hire_quarter="soon", hire_page="x") == (
        ["Ada", "Gone", "Soon"],
        [(SALES, now + 1), (PM, now + 2)],
    )


def test_pages_of_one_list_keep_the_other_lists_filters(client, organization, owner, now):
    PlannedHireFactory.create_batch(
        PAGE_SIZE + 3, organization=organization, role=SALES, target_quarter=now + 1
    )
    TeamMemberFactory(organization=organization, role=LEADER, start_quarter=now - 1)
    client.force_login(owner)
    response = client.get(page_url(organization), {"member_role": LEADER})
    assert len(response.context["hire_rows"]) == PAGE_SIZE
    next_url = response.context["hire_page"].next_url
    assert next_url == f"?member_role={LEADER}&hire_page=2"
    assert f'href="{escape(next_url)}"' in response.content.decode()
    second = client.get(page_url(organization) + next_url)
    assert len(second.context["hire_rows"]) == 3
    assert [row.member.role for row in second.context["member_rows"]] == [LEADER]
    assert second.context["hire_page"].previous_url == f"?member_role={LEADER}"


@pytest.mark.parametrize("scenario", ["1", "2", "10"])
def test_a_list_s_page_links_keep_every_scenario_even_the_first(scenario):
    """Page 1 goes without its number, but a scenario whose id is 1 is no page number."""
    filters = TeamFilters(scenario=scenario)
    assert filters.link(hire_page="2") == f"?scenario={scenario}&hire_page=2"
    assert filters.link(hire_page="1") == f"?scenario={scenario}"


def test_a_refused_save_without_javascript_keeps_the_list_s_pages_in_the_scenario(
    client, organization, owner, now
):
    """A form refused without htmx redraws the whole page: its "Next" link must stay in the
    scenario the page shows, not lead to the plan's hires."""
    services.scenario_create(organization=organization, actor=None, name="Slower")
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    PlannedHireFactory.create_batch(
        PAGE_SIZE + 3,
        organization=organization,
        scenario=scenario,
        role=SALES,
        target_quarter=now + 1,
    )
    client.force_login(owner)
    in_scenario = f"?scenario={scenario.pk}"
    response = client.post(
        url("hire_create", organization=organization) + in_scenario,
        new_hire(now, role="", target_quarter=""),
    )
    assert response.status_code == 422
    next_url = response.context["hire_page"].next_url
    assert next_url == f"?scenario={scenario.pk}&hire_page=2"
    second = client.get(page_url(organization) + next_url)
    assert len(second.context["hire_rows"]) == 3
    assert {row.hire.scenario_id for row in second.context["hire_rows"]} == {scenario.pk}


def test_a_filter_with_htmx_answers_with_that_list_alone(client, organization, owner, now):
    PlannedHireFactory(organization=organization, role=SALES, target_quarter=now + 1)
    client.force_login(owner)
    headers = {**HTMX, "HX-Target": "hire-section"}
    response = client.get(page_url(organization), {"hire_role": SALES}, headers=headers)
    html = response.content.decode()
    assert "<html" not in html and html.strip().startswith('<section id="hire-section"')
    assert 'id="member-section"' not in html
    assert "HX-Request" in response["Vary"]


def test_a_write_redraws_the_list_as_it_was_filtered(client, organization, owner, now):
    PlannedHireFactory(organization=organization, role=SALES, target_quarter=now + 1)
    PlannedHireFactory(organization=organization, role=PM, target_quarter=now + 1)
    client.force_login(owner)
    filtered = "http://testserver" + page_url(organization) + f"?hire_role={PM}"
    response = client.post(
        url("hire_create", organization=organization),
        new_hire(now, role=PM),
        headers={**HTMX, "HX-Current-URL": filtered},
    )
    assert response.status_code == 200
    assert {row.hire.role for row in response.context["hire_rows"]} == {PM}
    assert len(response.context["hire_rows"]) == 2


# --- adding a team member -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_add_answers_with_the_section_and_the_new_row(
    client, organization, now, role, request
):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("team_member_create", organization=organization),
        new_member(now, end_quarter=now + 3),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    added = TeamMember.objects.get(organization=organization)
    assert (added.name, added.role, added.start_quarter, added.end_quarter) == (
        "Grace",
        rules.PROGRAM_MANAGER,
        now,
        now + 3,
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="member-section"')
    assert f'id="member-{added.pk}"' in html
    assert Change.objects.filter(entity="team member", action="created").count() == 1


def test_an_add_without_javascript_redirects_to_the_page(client, organization, owner, now):
    client.force_login(owner)
    response = client.post(url("team_member_create", organization=organization), new_member(now))
    added = TeamMember.objects.get()
    assert response.status_code == 302
    assert response.url == f"{page_url(organization)}#member-{added.pk}"
    assert added.end_quarter is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the person&#x27;s name."),
        ("name", "   ", "Enter the person&#x27;s name."),
        ("name", "x" * 121, "Keep the name to 120 characters or fewer (this one has 121)."),
        ("role", "", "Choose a role."),
        ("role", "chief_of_staff", "Choose a role from the list."),
        ("start_quarter", "", "Choose the start quarter."),
        ("start_quarter", "FY2027 Q1", "Choose a quarter from the list."),
        ("start_quarter", "99999", "Choose a quarter from the list."),
        ("end_quarter", "-1", "Choose a quarter from the list."),
    ],
)
def test_bad_member_input_is_refused_next_to_the_field(
    client, organization, owner, now, field, value, message
):
    client.force_login(owner)
    response = client.post(
        url("team_member_create", organization=organization),
        new_member(now, **{field: value}),
        headers=HTMX,
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" not in html
    assert f'<ul class="errorlist" id="new-member-{field}_error"><li>{message}</li></ul>' in html
    assert not TeamMember.objects.exists()
    assert "HX-Trigger" not in response.headers


@pytest.mark.parametrize("offset", [0, -1])
def test_the_end_quarter_must_come_after_the_start(client, organization, owner, now, offset):
    client.force_login(owner)
    response = client.post(
        url("team_member_create", organization=organization),
        new_member(now, end_quarter=now + offset),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html
    assert "The end quarter must come after the start quarter" in html
    assert 'value="Grace"' in html  # what was typed stays
    assert not TeamMember.objects.exists()


# --- editing a team member ------------------------------------------------------------------


def test_an_htmx_edit_link_answers_with_the_row_as_a_form(client, member, owner):
    client.force_login(owner)
    response = client.get(url("team_member_update", member), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="member-{member.pk}" class="editing"')
    assert f'hx-post="{url("team_member_update", member)}"' in html
    assert f'name="version" value="{member.version}"' in html
    assert f'<label for="member-{member.pk}-name">Name</label>' in html
    assert 'value="Ada"' in html


def test_the_edit_link_without_javascript_is_a_page(client, member, owner):
    client.force_login(owner)
    response = client.get(url("team_member_update", member))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "Edit Ada" in html


def test_cancelling_an_htmx_edit_gives_back_the_row(client, member, owner):
    client.force_login(owner)
    response = client.get(url("team_member_update", member) + "?cancel=1", headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="member-{member.pk}" hx-target="this"')
    assert "<form" not in html


def test_the_quarter_selects_keep_a_stored_quarter_outside_the_window(
    client, organization, owner, now
):
    veteran = TeamMemberFactory(organization=organization, start_quarter=now - 40)
    client.force_login(owner)
    form = client.get(url("team_member_update", veteran), headers=HTMX).context["row"].form
    ordinals = [value for value, _ in form.fields["start_quarter"].choices]
    assert now - 40 in ordinals
    assert now - 12 in ordinals and now + 12 in ordinals
    assert now - 13 not in ordinals and now + 13 not in ordinals


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_edit_saves_and_answers_with_the_row(client, member, now, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(
        url("team_member_update", member),
        member_data(member, name="Ada Lovelace", end_quarter=now + 2),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="member-{member.pk}" hx-target="this"')
    assert "Ada Lovelace" in html
    member.refresh_from_db()
    assert (member.name, member.end_quarter, member.version) == ("Ada Lovelace", now + 2, 2)


def test_renaming_a_hired_person_updates_their_hire_row_too(client, hire, owner):
    person = services.hire_mark_hired(hire=hire, actor=owner, name="Linus")
    client.force_login(owner)
    response = client.post(
        url("team_member_update", person), member_data(person, name="Linus T."), headers=HTMX
    )
    html = response.content.decode()
    assert f'<template>\n<tr id="hire-{hire.pk}"' in html
    assert 'hx-swap-oob="true"' in html
    assert f'<a href="#member-{person.pk}">Linus T.</a>' in html


def test_an_edit_without_javascript_redirects(client, member, owner):
    client.force_login(owner)
    response = client.post(url("team_member_update", member), member_data(member, name="Ada L"))
    assert response.status_code == 302
    assert response.url == f"{page_url(member.organization)}#member-{member.pk}"
    assert stored(TeamMember, member.pk).name == "Ada L"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the person&#x27;s name."),
        ("role", "ceo", "Choose a role from the list."),
        ("start_quarter", "soon", "Choose a quarter from the list."),
        ("end_quarter", "0", "Choose a quarter from the list."),
    ],
)
def test_a_bad_edit_is_refused_and_nothing_is_saved(client, member, owner, field, value, message):
    client.force_login(owner)
    response = client.post(
        url("team_member_update", member), member_data(member, **{field: value}), headers=HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="member-{member.pk}-{field}_error"><li>{message}</li>' in html
    assert html.lstrip().startswith(f'<tr id="member-{member.pk}" class="editing"')
    saved = stored(TeamMember, member.pk)
    assert (saved.name, saved.role, saved.version) == ("Ada", rules.ENABLEMENT_LEADER, 1)
    assert not Change.objects.exists()


def test_an_end_before_the_start_is_refused_on_edit(client, member, owner):
    client.force_login(owner)
    response = client.post(
        url("team_member_update", member),
        member_data(member, end_quarter=member.start_quarter - 1),
    )
    assert response.status_code == 422
    assert b"<html" in response.content
    assert b"The end quarter must come after the start quarter" in response.content
    assert stored(TeamMember, member.pk).end_quarter is None


def test_a_stale_member_edit_is_refused_with_the_current_values(client, member, owner, editor):
    opened = member_data(member)  # both load the page at version 1
    client.force_login(editor)
    client.post(url("team_member_update", member), {**opened, "name": "Ada King"}, headers=HTMX)
    client.force_login(owner)

    response = client.post(
        url("team_member_update", member), {**opened, "name": "Countess"}, headers=HTMX
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Changed by someone else since you opened it" in html
    assert "now Ada King, Enablement leader" in html
    assert 'value="Countess"' in html  # what was typed, ready to save again
    assert 'name="version" value="2"' in html
    saved = stored(TeamMember, member.pk)
    assert (saved.name, saved.version) == ("Ada King", 2)
    assert "HX-Trigger" not in response.headers


def test_a_stale_member_edit_without_javascript_is_a_page(client, member, owner):
    services.team_member_update(member=member, actor=owner, name="Ada King")
    client.force_login(owner)
    response = client.post(
        url("team_member_update", member), member_data(member, name="Countess", version=1)
    )
    assert response.status_code == 409
    assert b"<html" in response.content
    assert b"Changed by someone else since you opened it" in response.content
    assert stored(TeamMember, member.pk).name == "Ada King"


# --- deleting a team member -----------------------------------------------------------------


def test_deleting_a_member_asks_for_confirmation_first(client, member, owner):
    client.force_login(owner)
    response = client.get(url("team_member_delete", member))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b"Remove Ada from the team?" in response.content
    assert b'<input type="hidden" name="version" value="1">' in response.content
    assert TeamMember.objects.filter(pk=member.pk).exists()


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_htmx_member_delete_answers_with_both_sections(client, member, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(url("team_member_delete", member), version_of(member), headers=HTMX)
    assert response.status_code == 200
    assert "planChanged" in json.loads(response.headers["HX-Trigger"])
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="team-sections">')
    assert "starting with the leader" in html  # the team is empty again
    assert not TeamMember.objects.exists()
    assert Change.objects.filter(entity="team member", action="deleted").count() == 1


def test_deleting_a_hired_person_keeps_their_hire_marked_hired(client, hire, owner):
    person = services.hire_mark_hired(hire=hire, actor=owner, name="Linus", expected_version=1)
    client.force_login(owner)
    response = client.post(url("team_member_delete", person), version_of(person), headers=HTMX)
    assert "The person has since been removed from the team." in response.content.decode()
    hire.refresh_from_db()
    assert (hire.status, hire.team_member) == (rules.HIRED, None)


def test_a_member_delete_without_javascript_redirects(client, member, owner):
    client.force_login(owner)
    response = client.post(url("team_member_delete", member), version_of(member))
    assert response.status_code == 302 and response.url == page_url(member.organization)
    assert not TeamMember.objects.exists()


def test_a_member_delete_with_the_current_version_works_after_an_edit(client, member, owner):
    client.force_login(owner)
    client.post(url("team_member_update", member), member_data(member, name="Ada L."))
    response = client.post(url("team_member_delete", member), {"version": 2}, headers=HTMX)
    assert response.status_code == 200
    assert not TeamMember.objects.exists()


def test_an_htmx_member_delete_from_before_an_edit_is_refused(client, member, owner, editor):
    seen = version_of(member)
    client.force_login(editor)
    client.post(url("team_member_update", member), member_data(member, name="Ada Lovelace"))
    client.force_login(owner)
    response = client.post(url("team_member_delete", member), seen, headers=HTMX)
    assert response.status_code == 409
    assert "HX-Trigger" not in response.headers
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="team-sections">')
    assert f'id="member-{member.pk}-stale"' in html
    assert (
        "<strong>Changed by someone else since you opened it</strong>: now Ada Lovelace, "
        "Enablement leader" in html
    )
    assert "Nothing was deleted" in html
    # The row is redrawn as it is now, so a second try names the new version.
    assert """hx-vals='{"version": "2"}'""" in html
    assert stored(TeamMember, member.pk).name == "Ada Lovelace"
    assert not Change.objects.filter(entity="team member", action="deleted").exists()


def test_a_member_delete_without_javascript_from_before_an_edit_shows_the_current_values(
    client, member, owner, editor
):
    seen = version_of(member)
    client.force_login(editor)
    client.post(url("team_member_update", member), member_data(member, name="Ada Lovelace"))
    client.force_login(owner)
    response = client.post(url("team_member_delete", member), seen)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and "Remove Ada Lovelace from the team?" in html
    assert "Changed by someone else since you opened it</strong>: now Ada Lovelace" in html
    assert '<input type="hidden" name="version" value="2">' in html
    assert stored(TeamMember, member.pk).name == "Ada Lovelace"


@pytest.mark.parametrize("headers", [{}, HTMX])
@pytest.mark.parametrize("data", [{}, {"version": "x"}, {"version": -1}])
def test_a_member_delete_without_a_version_is_refused(client, member, owner, data, headers):
    client.force_login(owner)
    response = client.post(url("team_member_delete", member), data, headers=headers)
    assert response.status_code == 422
    html = response.content.decode()
    assert ("<html" in html) is not bool(headers)
    assert "does not say which version" in html
    assert TeamMember.objects.filter(pk=member.pk).exists()
    assert not Change.objects.filter(entity="team member", action="deleted").exists()


def test_the_member_delete_button_sends_the_rows_current_version(client, member, owner):
    client.force_login(owner)
    response = client.post(
        url("team_member_update", member), member_data(member, name="Ada L."), headers=HTMX
    )
    # The saved row replaces the old one whole, its delete button with the new version.
    delete = f'hx-post="{url("team_member_delete", member)}" hx-vals=\'{{"version": "2"}}\''
    assert delete in response.content.decode()
    assert delete in client.get(page_url(member.organization)).content.decode()


# --- deadlines, managers and the ticked hires --------------------------------------------------


def hire_row_html(html, hire):
    start = html.index(f'<tr id="hire-{hire.pk}"')
    return html[start : html.index("</tr>", start)]


def test_every_open_hire_shows_its_requisition_deadline_against_now(
    client, organization, owner, now
):
    organization.hiring_lead_time = 2
    organization.save()
    overdue = PlannedHireFactory(organization=organization, target_quarter=now + 1)
    due_now = PlannedHireFactory(
        organization=organization, target_quarter=now + 2, status=rules.APPROVED
    )
    upcoming = PlannedHireFactory(organization=organization, target_quarter=now + 5)
    recruiting = PlannedHireFactory(
        organization=organization, target_quarter=now + 1, status=rules.RECRUITING
    )
    cancelled = PlannedHireFactory(
        organization=organization, target_quarter=now + 1, status=rules.CANCELLED
    )
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert '<th scope="col">Requisition by</th>' in html
    label = lambda q: Quarter.from_ordinal(q).label  # noqa: E731
    assert f'{label(now - 1)}</span> <span class="tag tag-overdue">overdue</span>' in hire_row_html(
        html, overdue
    )
    assert f'{label(now)}</span> <span class="tag tag-due_now">due now</span>' in hire_row_html(
        html, due_now
    )
    assert (
        f'{label(now + 3)}</span> <span class="tag tag-upcoming">upcoming</span>'
        in hire_row_html(html, upcoming)
    )
    assert '<span class="tag tag-open">requisition open</span>' in hire_row_html(html, recruiting)
    assert '<td class="requisition">—</td>' in hire_row_html(html, cancelled)


def test_managers_are_marked_in_both_tables(client, organization, owner, now):
    member = TeamMemberFactory(
        organization=organization, is_manager=True, role=rules.SALES_ENABLEMENT
    )
    hire = PlannedHireFactory(organization=organization, is_manager=True)
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert '<span class="tag tag-manager">manager</span>' in hire_row_html(html, hire)
    start = html.index(f'<tr id="member-{member.pk}"')
    assert (
        '<span class="tag tag-manager">manager</span>' in html[start : html.index("</tr>", start)]
    )
    assert "Manages other enablement people in this role" in html  # in both add forms


def test_a_team_member_becomes_a_manager_from_the_edit_form(client, organization, owner, member):
    client.force_login(owner)
    response = client.post(
        url("team_member_update", member), member_data(member, is_manager="on"), headers=HTMX
    )
    assert response.status_code == 200
    assert stored(TeamMember, member.pk).is_manager is True


def test_editors_tick_open_and_cancelled_hires_but_not_hired_ones(
    client, organization, editor, now
):
    open_hire = PlannedHireFactory(organization=organization)
    cancelled = PlannedHireFactory(organization=organization, status=rules.CANCELLED)
    hired = PlannedHireFactory(organization=organization, status=rules.HIRED)
    client.force_login(editor)
    html = client.get(page_url(organization)).content.decode()
    assert 'id="bulk-hires"' in html and "Apply to the selected hires" in html
    for hire in (open_hire, cancelled):
        assert f'value="{hire.pk}:1" form="bulk-hires"' in hire_row_html(html, hire)
    assert 'form="bulk-hires"' not in hire_row_html(html, hired)


def test_viewers_get_no_checkboxes(client, organization, viewer, hire):
    client.force_login(viewer)
    html = client.get(page_url(organization)).content.decode()
    assert 'form="bulk-hires"' not in html and 'id="bulk-hires"' not in html


@pytest.mark.parametrize("htmx", [False, True])
def test_the_people_in_seat_are_not_changed_through_a_scenario_s_page(
    client, organization, owner, now, member, htmx
):
    """The team is the same in every scenario and is changed on the plan's page alone: a
    write sent with a scenario's address changes nothing and says where to do it."""
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    in_scenario = f"?scenario={scenario.pk}"
    headers = HTMX if htmx else {}
    before = list(TeamMember.objects.values_list("pk", "name", "version"))
    changes = Change.objects.count()
    writes = [
        (url("team_member_create", organization=organization), new_member(now)),
        (url("team_member_update", member), member_data(member, name="Renamed")),
        (url("team_member_delete", member), {"version": member.version}),
    ]
    for address, data in writes:
        response = client.post(address + in_scenario, data, headers=headers)
        expected = page_url(organization) + in_scenario + "#member-section"
        if htmx:
            assert response.headers["HX-Redirect"] == expected
        else:
            assert response.status_code == 302 and response.url == expected
    assert list(TeamMember.objects.values_list("pk", "name", "version")) == before
    assert Change.objects.count() == changes
    page = client.get(page_url(organization) + in_scenario).content.decode()
    assert "the people in seat are the same in every scenario" in page
