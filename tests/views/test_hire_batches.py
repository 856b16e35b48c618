"""Writes to many hires at once (planner/views/hire_batches.py): plan N hires, and the
status of ticked hires."""

import json

import pytest
from django.urls import reverse

from planner import rules, services
from planner.models import Change, PlannedHire
from planner.quarters import Quarter
from tests.factories import (
    PlannedHireFactory,
    TeamMemberFactory,
    ten_scenarios,
)
from tests.views.team_page import (
    HTMX,
    page_url,
    stored,
    url,
)

# --- planning several hires from a line -----------------------------------------------------


def plan_data(now, **changes):
    data = {
        "role": rules.SALES_ENABLEMENT,
        "target_quarter": now + 1,
        "needed_in": now + 1,
        "count": "3",
        "back": "roadmap",
    }
    data.update(changes)
    return data


def test_plan_n_hires_with_htmx_swaps_the_line_for_what_was_planned(
    client, organization, editor, now
):
    client.force_login(editor)
    response = client.post(
        url("hires_plan", organization=organization), plan_data(now), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    key = f"FY{Quarter.from_ordinal(now + 1).fiscal_year}Q{Quarter.from_ordinal(now + 1).number}"
    assert f'<li id="plan-sales_enablement-{key}"' in html
    assert "Planned 3 × Sales enablement" in html
    assert "planChanged" in json.loads(response["HX-Trigger"])
    hires = PlannedHire.objects.filter(organization=organization)
    assert [(h.role, h.target_quarter, h.status) for h in hires] == [
        (rules.SALES_ENABLEMENT, now + 1, rules.PLANNED)
    ] * 3
    assert Change.objects.filter(organization=organization).count() == 1


@pytest.mark.parametrize(("back", "page"), [("roadmap", "roadmap"), ("gap", "gap")])
def test_plan_n_hires_without_htmx_goes_back_to_the_page_with_a_message(
    client, organization, owner, now, back, page
):
    client.force_login(owner)
    response = client.post(
        url("hires_plan", organization=organization), plan_data(now, back=back), follow=True
    )
    assert response.redirect_chain[-1][0].startswith(reverse(page, args=[organization.slug]))
    assert "Planned 3 sales enablement hires for" in response.content.decode()
    assert PlannedHire.objects.filter(organization=organization).count() == 3


@pytest.mark.parametrize(
    ("count", "message"),
    [("0", "Plan at least 1 hire"), ("51", "Plan at most 50 hires"), ("many", "whole number")],
)
def test_a_refused_count_comes_back_beside_the_number_and_plans_nothing(
    client, organization, owner, now, count, message
):
    client.force_login(owner)
    response = client.post(
        url("hires_plan", organization=organization), plan_data(now, count=count), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html and message in html
    assert f'value="{count}"' in html and 'aria-invalid="true"' in html
    assert not PlannedHire.objects.exists() and not Change.objects.exists()


def test_a_refused_count_without_htmx_gets_a_page_with_the_reason(client, organization, owner, now):
    client.force_login(owner)
    response = client.post(url("hires_plan", organization=organization), plan_data(now, count="0"))
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" in html and "Plan at least 1 hire" in html
    assert "Back without planning" in html
    assert not PlannedHire.objects.exists()


def test_a_line_for_an_unknown_role_is_refused_beside_the_line_not_with_a_server_error(
    client, organization, owner, now
):
    client.force_login(owner)
    response = client.post(
        url("hires_plan", organization=organization), plan_data(now, role="wizard"), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "<html" not in html and "Choose a role." in html
    assert not PlannedHire.objects.exists()


def test_planning_several_hires_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    PlannedHireFactory.create_batch(60, organization=organization, target_quarter=now)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership; the service's full_clean of one hire (organization, and the
    # check constraints: savepoint, check, release each); savepoint, one bulk insert, the
    # change, release. Whether 2 hires or 50, the same.
    for count in ("2", "50"):
        with django_assert_max_num_queries(22):
            response = client.post(
                url("hires_plan", organization=organization),
                plan_data(now, count=count),
                headers=HTMX,
            )
        assert response.status_code == 200


# --- changing the status of ticked hires ------------------------------------------------------


def ticked(*hires, status=rules.APPROVED):
    return {"status": status, "hire": [f"{h.pk}:{h.version}" for h in hires]}


def test_ticked_hires_change_status_together(client, organization, editor, now):
    first = PlannedHireFactory(organization=organization, target_quarter=now + 1)
    second = PlannedHireFactory(organization=organization, target_quarter=now + 2)
    untouched = PlannedHireFactory(organization=organization, target_quarter=now + 2)
    client.force_login(editor)
    response = client.post(
        url("hires_set_status", organization=organization),
        ticked(first, second, status=rules.RECRUITING),
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="hire-section"' in html
    assert "Set 2 hires to recruiting." in html
    assert "planChanged" in json.loads(response["HX-Trigger"])
    assert stored(PlannedHire, first.pk).status == rules.RECRUITING
    assert stored(PlannedHire, second.pk).status == rules.RECRUITING
    assert stored(PlannedHire, untouched.pk).status == rules.PLANNED


def test_a_hire_changed_meanwhile_is_listed_left_as_it_is_and_stays_ticked(
    client, organization, owner, now
):
    current = PlannedHireFactory(organization=organization, target_quarter=now + 1)
    stale = PlannedHireFactory(organization=organization, target_quarter=now + 2)
    page_version = stale.version
    services.hire_update(hire=stale, actor=None, expected_version=1, notes="Budget moved")
    client.force_login(owner)
    response = client.post(
        url("hires_set_status", organization=organization),
        {"status": rules.CANCELLED, "hire": [f"{current.pk}:1", f"{stale.pk}:{page_version}"]},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Set 1 hire to cancelled." in html
    assert "1 hire not changed" in html
    assert "Changed by someone else since you opened the page." in html
    assert "Budget moved" in html  # the hire as it is now
    assert f'value="{stale.pk}:2" form="bulk-hires" id="select-hire-{stale.pk}" checked' in html
    assert stored(PlannedHire, current.pk).status == rules.CANCELLED
    assert stored(PlannedHire, stale.pk).status == rules.PLANNED


def test_a_bulk_change_without_htmx_redirects_or_shows_what_was_refused(
    client, organization, owner, now
):
    hire = PlannedHireFactory(organization=organization, target_quarter=now + 1)
    hired = PlannedHireFactory(organization=organization, status=rules.HIRED)
    client.force_login(owner)
    response = client.post(url("hires_set_status", organization=organization), ticked(hire))
    assert response.status_code == 302
    assert response.url == page_url(organization) + "#hire-section"
    response = client.post(url("hires_set_status", organization=organization), ticked(hired))
    html = response.content.decode()
    assert response.status_code == 409
    assert "<html" in html and "Already hired: the person is on the team." in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": rules.APPROVED}, "Select at least one hire first."),
        ({"status": rules.APPROVED, "hire": ["12"]}, "does not say which version"),
        ({"status": rules.HIRED, "hire": ["1:1"]}, "Choose approved, recruiting or cancelled."),
    ],
)
def test_a_bulk_change_it_cannot_read_changes_nothing_and_says_why(
    client, organization, owner, now, data, message
):
    hire = PlannedHireFactory(organization=organization)
    client.force_login(owner)
    response = client.post(url("hires_set_status", organization=organization), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert stored(PlannedHire, hire.pk).version == 1


def test_changing_the_status_of_many_hires_runs_a_fixed_number_of_queries_per_hire(
    client, organization, owner, now, django_assert_max_num_queries
):
    hires = PlannedHireFactory.create_batch(40, organization=organization, target_quarter=now)
    TeamMemberFactory.create_batch(40, organization=organization, start_quarter=now)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership; savepoint, the ticked hires locked; per hire changed (19):
    # the update's savepoint, re-read, four check constraints (savepoint, check, release
    # each), update, revision, change, release; release; then the list redrawn: 5 for the plan (with
    # the role costs), each list's count and page (4) and the open hires' totals. The other
    # hires and people in the plan add none.
    with django_assert_max_num_queries(13 + 19 * 3):
        response = client.post(
            url("hires_set_status", organization=organization),
            ticked(*hires[:3]),
            headers=HTMX,
        )
    assert response.status_code == 200
