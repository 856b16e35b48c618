"""Scenarios: made as copies, changed on their own, renamed, duplicated, deleted and made
the plan; and the plan's pages untouched by any of it."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from planner import rules, services
from planner.models import Change, HeadcountSnapshot, Organization, PlannedHire, Scenario, Segment
from planner.planning import load_plan
from tests.factories import (
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)


@pytest.fixture
def plan_rows(organization, now):
    """Two actual quarters and three forecast ones, a team, two open hires and a hired one."""
    for offset, sales in [(-2, 40), (-1, 45), (0, 50), (1, 55), (2, 60)]:
        SnapshotFactory(
            organization=organization,
            quarter=now + offset,
            sales=sales,
            customer_success=0,
            other=0,
        )
    TeamMemberFactory(organization=organization, start_quarter=now - 4)
    PlannedHireFactory(organization=organization, target_quarter=now + 1)
    PlannedHireFactory(
        organization=organization, target_quarter=now + 2, annual_cost=Decimal("90000")
    )
    PlannedHireFactory(organization=organization, target_quarter=now - 1, status=rules.HIRED)
    SegmentFactory(organization=organization)


def url(name, organization, *args, **query):
    base = reverse(name, args=[organization.slug, *args])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def create(client, organization, name="Aggressive growth", source="baseline"):
    return client.post(url("scenarios", organization), {"name": name, "source": source})


def page_without_token(response) -> str:
    """The page less what changes on every response: its CSRF token and script nonces."""
    html = re.sub(r'"x-csrftoken": "[^"]+"', "", response.content.decode())
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def baseline_state(organization):
    return (
        list(
            HeadcountSnapshot.objects.filter(organization=organization, scenario=None)
            .order_by("quarter")
            .values_list("quarter", "sales", "version")
        ),
        list(PlannedHire.objects.filter(scenario=None).order_by("pk").values_list("pk", "version")),
        Organization.objects.filter(pk=organization.pk).values_list(
            "target_ratio", "hiring_lead_time", "leader_has_adult_learning"
        )[0],
    )


# --- creating ------------------------------------------------------------------------------


def test_a_new_scenario_copies_the_plan_s_forecast_open_hires_and_inputs(
    client, organization, owner, now, plan_rows
):
    organization.target_ratio = 40
    organization.save()
    client.force_login(owner)
    response = create(client, organization)
    scenario = Scenario.objects.get()
    assert response.status_code == 302
    assert response.url == url("headcount", organization, scenario=scenario.pk)
    assert list(scenario.snapshots.values_list("quarter", "sales")) == [
        (now, 50),
        (now + 1, 55),
        (now + 2, 60),
    ]
    # Actual quarters and hired hires are the plan's facts: shared, not copied.
    assert sorted(scenario.hires.values_list("target_quarter", "annual_cost")) == [
        (now + 1, None),
        (now + 2, Decimal("90000.00")),
    ]
    assert (scenario.target_ratio, scenario.verticals) == (40, 1)
    change = Change.objects.get(entity="scenario")
    assert (change.action, change.scenario, change.scenario_name) == (
        "created",
        scenario,
        "Aggressive growth",
    )


def test_a_scenario_can_start_as_a_copy_of_another(client, organization, owner, now, plan_rows):
    first = services.scenario_create(organization=organization, actor=None, name="First")
    first.snapshots.filter(quarter=now + 2).update(sales=999)
    services.scenario_update(scenario=first, actor=None, target_ratio=30)
    client.force_login(owner)
    create(client, organization, name="Second", source=str(first.pk))
    second = Scenario.objects.get(name="Second")
    assert second.snapshots.get(quarter=now + 2).sales == 999
    assert second.target_ratio == 30


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"name": "", "source": "baseline"}, "Enter a name for the scenario"),
        ({"name": "aggressive GROWTH", "source": "baseline"}, "There is already a scenario"),
        ({"name": "New", "source": "12345"}, "Choose the plan or one of its scenarios"),
        ({"name": "a\tb", "source": "baseline"}, "control character"),
    ],
)
def test_a_bad_new_scenario_is_refused_with_the_reason_and_nothing_saved(
    client, organization, owner, data, field_message
):
    services.scenario_create(organization=organization, actor=None, name="Aggressive growth")
    client.force_login(owner)
    before = Scenario.objects.count()
    response = client.post(url("scenarios", organization), data)
    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert 'class="errorlist' in response.content.decode()
    assert Scenario.objects.count() == before


def test_a_viewer_sees_the_scenarios_but_no_form(client, organization, viewer, plan_rows):
    services.scenario_create(organization=organization, actor=None, name="Hiring freeze")
    client.force_login(viewer)
    html = client.get(url("scenarios", organization)).content.decode()
    assert "Hiring freeze" in html
    assert 'id="new-scenario"' not in html
    assert "Make this the plan" not in html


def test_the_list_runs_a_fixed_number_of_queries(
    client, organization, owner, plan_rows, django_assert_max_num_queries
):
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership, the scenarios, the organization switcher
    with django_assert_max_num_queries(5):
        response = client.get(url("scenarios", organization))
    assert response.content.decode().count('<tr id="scenario-') == 11


# --- working in a scenario -----------------------------------------------------------------


def test_editing_a_scenario_s_forecast_leaves_the_plan_as_it_was(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = baseline_state(organization)
    row = scenario.snapshots.get(quarter=now + 2)
    client.force_login(owner)
    plan_page = page_without_token(client.get(url("roadmap", organization)))
    response = client.post(
        url("snapshot_update", organization, row.pk, scenario=scenario.pk),
        {"sales": 900, "customer_success": 0, "other": 0, "version": row.version},
    )
    assert response.status_code == 302
    assert response.url == url("headcount", organization, scenario=scenario.pk)
    assert scenario.snapshots.get(quarter=now + 2).sales == 900
    assert baseline_state(organization) == before
    assert page_without_token(client.get(url("roadmap", organization))) == plan_page
    change = Change.objects.filter(entity="headcount").latest("pk")
    assert change.scenario == scenario
    assert change.scenario_name == "Growth"
    # The scenario's pages say so, and show its number; the plan's do not.
    html = client.get(url("roadmap", organization, scenario=scenario.pk)).content.decode()
    assert "scenario “Growth”" in html
    assert ">900<" in html or "900" in html
    assert "Plan (baseline)" in client.get(url("roadmap", organization)).content.decode()


def test_a_scenario_shows_the_plan_s_actual_quarters_read_only(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    actual = HeadcountSnapshot.objects.get(scenario=None, quarter=now - 1)
    forecast = scenario.snapshots.get(quarter=now)
    client.force_login(owner)
    html = client.get(url("headcount", organization, scenario=scenario.pk)).content.decode()
    assert f'id="snapshot-{actual.pk}-sales"' in html
    assert f'id="snapshot-{actual.pk}-form"' not in html
    assert f'id="snapshot-{forecast.pk}-form"' in html
    assert url("snapshot_update", organization, forecast.pk, scenario=scenario.pk) in html
    # Posting to the actual quarter from the scenario's page finds nothing to change.
    response = client.post(
        url("snapshot_update", organization, actual.pk, scenario=scenario.pk),
        {"sales": 1, "customer_success": 0, "other": 0, "version": actual.version},
    )
    assert response.status_code == 404
    actual.refresh_from_db()
    assert actual.sales == 45


def test_a_quarter_added_in_a_scenario_is_its_own(client, organization, owner, now, plan_rows):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = baseline_state(organization)
    client.force_login(owner)
    response = client.post(url("snapshot_add", organization, scenario=scenario.pk), {})
    assert response.status_code == 302
    assert scenario.snapshots.order_by("quarter").last().quarter == now + 3
    assert baseline_state(organization) == before


def test_a_scenario_s_inputs_change_its_recommendation_alone(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Lean")
    client.force_login(owner)
    response = client.post(
        url("scenario_update", organization, scenario.pk),
        {
            "name": "Lean team",
            "target_ratio": 10,
            "hiring_lead_time": 2,
            "verticals": 0,
            "version": scenario.version,
        },
    )
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert (scenario.name, scenario.target_ratio, scenario.hiring_lead_time) == ("Lean team", 10, 2)
    organization.refresh_from_db()
    assert organization.target_ratio == rules.DEFAULT_TARGET_RATIO
    # The same 300 customer-facing in both: 1:10 recommends more than the plan's 1:50.
    HeadcountSnapshot.objects.filter(quarter=now).update(sales=300)
    plan = load_plan(organization)
    what_if = load_plan(organization, scenario=scenario)
    assert what_if.gap(now).recommended_total == 30
    assert plan.gap(now).recommended_total == 6
    assert what_if.lead_time == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target_ratio": 1}, "The target ratio is at least"),
        ({"hiring_lead_time": 9}, "The hiring lead time is 0 to 4 quarters"),
        ({"name": "Taken"}, "There is already a scenario"),
        ({"verticals": "many"}, "Enter a whole number"),
    ],
)
def test_bad_scenario_inputs_are_refused_beside_the_field(
    client, organization, owner, changes, message
):
    services.scenario_create(organization=organization, actor=None, name="Taken")
    scenario = services.scenario_create(organization=organization, actor=None, name="Mine")
    data = {"name": "Mine", "target_ratio": 50, "hiring_lead_time": 1, "verticals": 0}
    client.force_login(owner)
    response = client.post(
        url("scenario_update", organization, scenario.pk),
        {**data, **changes, "version": scenario.version},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    scenario.refresh_from_db()
    assert (scenario.name, scenario.version) == ("Mine", 1)


def test_a_stale_scenario_edit_is_refused(client, organization, owner):
    scenario = services.scenario_create(organization=organization, actor=None, name="Mine")
    services.scenario_update(scenario=scenario, actor=None, target_ratio=70)
    client.force_login(owner)
    response = client.post(
        url("scenario_update", organization, scenario.pk),
        {"name": "Other", "target_ratio": 50, "hiring_lead_time": 1, "verticals": 0, "version": 1},
    )
    assert response.status_code == 409
    assert "Changed by someone else" in response.content.decode()
    scenario.refresh_from_db()
    assert (scenario.name, scenario.target_ratio) == ("Mine", 70)


# --- duplicating and deleting --------------------------------------------------------------


def test_duplicating_makes_an_independent_copy(client, organization, owner, now, plan_rows):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    for _ in range(2):
        assert client.post(url("scenario_duplicate", organization, scenario.pk)).status_code == 302
    names = set(Scenario.objects.values_list("name", flat=True))
    assert names == {"Growth", "Copy of Growth", "Copy of Growth (2)"}
    copy = Scenario.objects.get(name="Copy of Growth")
    assert copy.snapshots.count() == 3
    copy.snapshots.update(sales=1)
    assert not scenario.snapshots.filter(sales=1).exists()


def test_deleting_a_scenario_removes_its_rows_and_keeps_its_name_in_the_history(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = baseline_state(organization)
    client.force_login(owner)
    assert client.get(url("scenario_delete", organization, scenario.pk)).status_code == 200
    response = client.post(
        url("scenario_delete", organization, scenario.pk), {"version": scenario.version}
    )
    assert response.status_code == 302
    assert not Scenario.objects.exists()
    assert HeadcountSnapshot.objects.filter(scenario__isnull=False).count() == 0
    assert PlannedHire.objects.filter(scenario__isnull=False).count() == 0
    assert baseline_state(organization) == before
    assert Change.objects.filter(scenario_name="Growth", action="deleted").exists()


def test_a_delete_without_its_version_is_refused(client, organization, owner):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    response = client.post(url("scenario_delete", organization, scenario.pk), {})
    assert response.status_code == 422
    assert Scenario.objects.filter(pk=scenario.pk).exists()


# --- making a scenario the plan ------------------------------------------------------------


def test_the_confirmation_lists_what_changes(
    client, organization, owner, now, plan_rows, django_assert_max_num_queries
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    scenario.snapshots.filter(quarter=now + 1).update(sales=80)
    services.scenario_update(scenario=scenario, actor=None, target_ratio=30)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership, the scenario, the organization switcher, and each plan's
    # people revision with the segments, snapshots, team, hires and role costs, and the
    # state the confirmation is checked against (forecast rows, open hires, segments)
    with django_assert_max_num_queries(18):
        response = client.get(url("scenario_promote", organization, scenario.pk))
    html = response.content.decode()
    assert "Target ratio: 50 → 30" in html
    assert "55" in html and "80" in html
    assert 'id="promote-quarters"' in html


def test_making_a_scenario_the_plan_swaps_them_and_keeps_the_old_plan(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    scenario.snapshots.filter(quarter=now + 2).update(sales=600)
    scenario.hires.filter(target_quarter=now + 1).delete()
    services.scenario_update(scenario=scenario, actor=None, target_ratio=30, verticals=3)
    client.force_login(owner)
    response = client.post(
        url("scenario_promote", organization, scenario.pk),
        promotion_form(client, organization, scenario),
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.target_ratio == 30
    assert Segment.objects.filter(organization=organization).count() == 3
    plan = load_plan(organization)
    assert plan.headcounts[now + 2].sales == 600
    assert plan.headcounts[now - 1].sales == 45  # actuals stay
    assert len([h for h in plan.hires if h.status != rules.HIRED]) == 1
    assert not Scenario.objects.filter(name="Growth").exists()
    old = Scenario.objects.get(name__startswith="Plan before")
    assert old.target_ratio == rules.DEFAULT_TARGET_RATIO
    assert old.snapshots.get(quarter=now + 2).sales == 60
    assert old.hires.count() == 2
    # The hired hire is a fact of the plan and stays with it.
    assert PlannedHire.objects.get(status=rules.HIRED).scenario is None
    assert Change.objects.filter(scenario_name="Growth", action="deleted").exists()


def test_a_stale_promotion_is_refused_and_changes_nothing(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = baseline_state(organization)
    client.force_login(owner)
    form = {**promotion_form(client, organization, scenario), "version": 7}
    response = client.post(url("scenario_promote", organization, scenario.pk), form)
    assert response.status_code == 409
    assert "Not made the plan" in response.content.decode()
    assert baseline_state(organization) == before
    assert Scenario.objects.filter(pk=scenario.pk).exists()


def promotion_form(client, organization, scenario) -> dict:
    """The hidden fields of the confirmation page, as the person's browser would post them."""
    html = client.get(url("scenario_promote", organization, scenario.pk)).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(version|state)" value="([^"]*)"', html))


@pytest.mark.parametrize("change", ["scenario_forecast", "scenario_hire", "plan_forecast"])
def test_a_promotion_confirmed_before_someone_changed_the_rows_is_refused(
    client, organization, owner, now, plan_rows, change
):
    """The confirmation lists what changes; rows changed since it was shown (the scenario's
    forecast or hires, or the plan's) are not made the plan unseen."""
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    form = promotion_form(client, organization, scenario)
    assert set(form) == {"version", "state"}
    if change == "scenario_forecast":
        row = scenario.snapshots.get(quarter=now + 1)
        row.scenario = scenario
        services.snapshot_update(snapshot=row, actor=None, sales=999)
    elif change == "scenario_hire":
        services.hire_create(
            organization=organization,
            actor=None,
            role=rules.SALES_ENABLEMENT,
            target_quarter=now + 2,
            scenario=scenario,
        )
    else:
        row = HeadcountSnapshot.objects.get(organization=organization, scenario=None, quarter=now)
        services.snapshot_update(snapshot=row, actor=None, sales=1)
    before = baseline_state(organization)
    response = client.post(url("scenario_promote", organization, scenario.pk), form)
    assert response.status_code == 409
    assert "Not made the plan" in response.content.decode()
    assert baseline_state(organization) == before
    assert Scenario.objects.filter(pk=scenario.pk).exists()
    # The page shown again lists the rows as they are now: confirming it goes through.
    again = promotion_form(client, organization, scenario)
    response = client.post(url("scenario_promote", organization, scenario.pk), again)
    assert response.status_code == 302
    assert not Scenario.objects.filter(pk=scenario.pk).exists()


# --- a scenario's planned hires ------------------------------------------------------------


def test_hires_added_edited_and_planned_in_a_scenario_are_its_own(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    before = baseline_state(organization)
    client.force_login(owner)
    new = {"role": rules.CS_ENABLEMENT, "target_quarter": now + 2, "status": rules.APPROVED}
    response = client.post(url("hire_create", organization, scenario=scenario.pk), new)
    assert response.status_code == 302
    assert response.url.startswith(url("team", organization, scenario=scenario.pk))
    added = scenario.hires.get(role=rules.CS_ENABLEMENT)
    edit = {**new, "status": rules.RECRUITING, "notes": "", "annual_cost": "", "version": 1}
    response = client.post(url("hire_update", organization, added.pk, scenario=scenario.pk), edit)
    assert response.status_code == 302
    plan = {
        "role": rules.SALES_ENABLEMENT,
        "target_quarter": now + 3,
        "count": "2",
        "needed_in": now + 3,
        "back": "gap",
    }
    response = client.post(url("hires_plan", organization, scenario=scenario.pk), plan)
    assert response.status_code == 302
    assert response.url.startswith(url("gap", organization, scenario=scenario.pk))
    assert scenario.hires.filter(target_quarter=now + 3).count() == 2
    ticked = [f"{hire.pk}:{hire.version}" for hire in scenario.hires.filter(status="planned")]
    response = client.post(
        url("hires_set_status", organization, scenario=scenario.pk),
        {"status": rules.CANCELLED, "hire": ticked},
    )
    assert response.status_code == 302
    assert scenario.hires.filter(status=rules.CANCELLED).count() == len(ticked) == 4
    assert baseline_state(organization) == before
    assert set(
        Change.objects.filter(entity="planned hire").values_list("scenario_name", flat=True)
    ) == {"Growth"}
    html = client.get(url("team", organization, scenario=scenario.pk)).content.decode()
    assert "scenario “Growth”" in html
    assert f'id="hire-{added.pk}"' in html
    assert "Mark hired" not in html


def test_a_plan_s_hire_is_not_reached_from_a_scenario_nor_marked_hired_in_one(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    plans_hire = PlannedHire.objects.filter(scenario=None, status="planned").first()
    own = scenario.hires.first()
    client.force_login(owner)
    edit = {
        "role": plans_hire.role,
        "target_quarter": now,
        "status": "planned",
        "notes": "",
        "annual_cost": "",
        "version": plans_hire.version,
    }
    assert (
        client.post(
            url("hire_update", organization, plans_hire.pk, scenario=scenario.pk), edit
        ).status_code
        == 404
    )
    # Ticking the plan's hire on a scenario's page leaves it alone, and says so.
    response = client.post(
        url("hires_set_status", organization, scenario=scenario.pk),
        {"status": rules.CANCELLED, "hire": [f"{plans_hire.pk}:{plans_hire.version}"]},
    )
    assert response.status_code == 409
    response = client.post(
        url("hire_mark_hired", organization, own.pk, scenario=scenario.pk),
        {"name": "Grace", "start_quarter": now, "version": own.version},
        follow=True,
    )
    assert response.redirect_chain[-1][0].startswith(
        url("team", organization, scenario=scenario.pk)
    )
    assert "marked hired in the plan alone" in response.content.decode()
    plans_hire.refresh_from_db()
    assert (plans_hire.status, plans_hire.version) == ("planned", 1)
    assert not PlannedHire.objects.filter(team_member__name="Grace").exists()


def test_the_people_in_seat_are_read_only_in_a_scenario(client, organization, owner, plan_rows):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    client.force_login(owner)
    html = client.get(url("team", organization, scenario=scenario.pk)).content.decode()
    assert "Add a team member" not in html
    assert "team_member" not in html and "/team/add/" not in html
    assert "Add a team member" in client.get(url("team", organization)).content.decode()


def test_a_paste_in_a_scenario_fills_its_forecast_alone(
    client, organization, owner, now, plan_rows
):
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    versions = ",".join(f"{s.quarter}:{s.version}" for s in scenario.snapshots.all())
    before = baseline_state(organization)
    client.force_login(owner)
    data = {
        "first_quarter": now + 1,
        "text": "300\t0\t0\n400\t0\t0\n500\t0\t0",
        "versions": versions,
    }
    response = client.post(url("snapshots_paste", organization, scenario=scenario.pk), data)
    assert response.status_code == 302
    assert response.url == url("headcount", organization, scenario=scenario.pk)
    assert list(scenario.snapshots.order_by("quarter").values_list("sales", flat=True)) == [
        50,
        300,
        400,
        500,
    ]
    assert baseline_state(organization) == before
    # The plan's actual quarters are not pasted over from a scenario.
    data = {"first_quarter": now - 1, "text": "1\t1\t1", "versions": versions}
    response = client.post(url("snapshots_paste", organization, scenario=scenario.pk), data)
    assert response.status_code == 422
    assert "paste from the current quarter on" in response.content.decode()
    assert baseline_state(organization) == before
