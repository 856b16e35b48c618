import datetime
import re

import pytest
from django.urls import reverse

from planner import rules, services
from planner.gap_panel import ratio_label
from planner.models import Organization
from planner.planning import current_quarter
from planner.quarters import Quarter
from tests.factories import (
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)

RULE_CODE = re.compile(r"\bA\.\d|\bB (step|stage)\b")


def gap_url(organization, quarter=None):
    url = reverse("gap", args=[organization.slug])
    return f"{url}?quarter={Quarter.from_ordinal(quarter).label}" if quarter else url


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_every_member_can_read_it(client, organization, role, request, now):
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(request.getfixturevalue(role))
    response = client.get(gap_url(organization))
    assert response.status_code == 200
    assert b"<html" in response.content


def test_it_tells_a_new_organization_to_enter_headcount_first(client, organization, owner):
    client.force_login(owner)
    response = client.get(gap_url(organization))
    assert b"Start with your customer-facing headcount" in response.content
    assert reverse("headcount", args=[organization.slug]).encode() in response.content


def test_it_shows_the_recommendation_of_the_rules_for_the_current_quarter(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now - 1, sales=20, customer_success=5)
    SnapshotFactory(
        organization=organization, quarter=now, sales=300, customer_success=150, other=50
    )
    for name in ("Mid-market", "Enterprise", "Public sector"):
        SegmentFactory(organization=organization, name=name)
    TeamMemberFactory(organization=organization, role=rules.ENABLEMENT_LEADER, start_quarter=now)
    PlannedHireFactory(organization=organization, role=rules.PROGRAM_MANAGER, target_quarter=now)
    client.force_login(owner)

    response = client.get(gap_url(organization))

    expected = rules.assess(
        rules.Headcount(300, 150, 50), rules.Profile(target_ratio=50, verticals=3)
    )
    gap = response.context["gap"]
    assert response.context["quarter"] == now
    assert gap.assessment == expected
    assert gap.in_seat_total == 1 and gap.planned_total == 1
    html = response.content.decode()
    assert "Stage 2 · Expansion" in html
    assert 'id="gap-recommended">10<' in html
    assert 'id="gap-to-plan">8<' in html
    for role in expected.roles:
        assert f'id="gap-row-{role}"' in html
    assert (
        '<td class="reason" data-label="Why">You have 3 verticals or product teams, and each '
        'needs a liaison who stays close to its people. <span class="citations">('
        '<a href="/rules/#a-4"><cite>A.4</cite></a>, '
        '<a href="/rules/#b-step-7"><cite>B step 7</cite></a>)</span></td>'
    ) in html
    # Rules are cited after the sentence, never written into it.
    assert not RULE_CODE.search(re.sub(r"<cite>[^<]*</cite>", "", html))
    assert "1 : 500" in html  # 500 customer-facing, one person in seat


def test_it_falls_back_to_the_latest_quarter_with_data(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now - 6, sales=40)
    SnapshotFactory(organization=organization, quarter=now - 5, sales=70)
    client.force_login(owner)
    response = client.get(gap_url(organization))
    # The current quarter carries the latest snapshot forward.
    assert response.context["quarter"] == now - 5


def test_it_shows_a_chosen_quarter(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=40)
    SnapshotFactory(organization=organization, quarter=now + 1, sales=80)
    client.force_login(owner)
    response = client.get(gap_url(organization, now + 1))
    assert response.context["quarter"] == now + 1
    assert response.context["assessment"].stage == 2
    assert response.context["is_forecast"] is True


def test_it_marks_a_quarter_without_snapshot_as_carried_forward(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=40)
    SnapshotFactory(organization=organization, quarter=now + 3, sales=80)
    client.force_login(owner)
    response = client.get(gap_url(organization, now + 1))
    assert response.context["carried"] is True
    assert response.context["assessment"].headcount.sales == 40
    assert b"carried forward" in response.content


def test_it_explains_a_quarter_it_cannot_read_and_still_shows_the_default(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now, sales=40)
    client.force_login(owner)
    response = client.get(reverse("gap", args=[organization.slug]) + "?quarter=next-year")
    assert response.status_code == 200
    assert b"write it like FY2027 Q1" in response.content
    assert response.context["quarter"] == now


def test_it_shows_the_enterprise_practices_and_the_cro_advice(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=2500)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    for practice in rules.PRACTICES:
        assert str(rules.PRACTICE_NAMES[practice]) in html
    assert "report to the CRO" in html


def test_it_compares_the_leaders_time_with_the_stage(client, organization, owner, now):
    Organization.objects.filter(pk=organization.pk).update(leader_strategic_share=30)
    SnapshotFactory(organization=organization, quarter=now, sales=100)
    client.force_login(owner)
    response = client.get(gap_url(organization))
    assert response.context["recommended_share"] == 50
    assert response.context["current_share"] == 30


def test_an_htmx_request_for_the_panel_gets_only_the_panel(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=100)
    client.force_login(owner)
    response = client.get(
        gap_url(organization),
        headers={"HX-Request": "true", "HX-Target": "gap-panel"},
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<section id="gap-panel"')


def test_it_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    for offset in range(40):
        SnapshotFactory(organization=organization, quarter=now - 20 + offset, sales=offset * 30)
    for n in range(50):
        TeamMemberFactory(organization=organization, role=rules.ROLES[n % 7])
        PlannedHireFactory(organization=organization, role=rules.ROLES[n % 7])
    for _ in range(10):
        SegmentFactory(organization=organization)
    scenarios = ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership, 5 for the plan (its people revision with the segments,
    # snapshots, team, hires, role costs), the organization switcher, the scenario switcher
    with django_assert_max_num_queries(10):
        response = client.get(gap_url(organization))
    assert response.status_code == 200
    # A scenario: the same, plus the scenario.
    with django_assert_max_num_queries(11):
        response = client.get(f"{gap_url(organization)}?scenario={scenarios[4].pk}")
    assert response.status_code == 200
    assert "What if 4" in response.content.decode()


def test_the_default_quarter_follows_the_fiscal_calendar(organization):
    organization.fiscal_year_start_month = 2
    assert current_quarter(organization, datetime.date(2026, 11, 27)) == Quarter(2027, 4).ordinal


@pytest.mark.parametrize(
    ("customer_facing", "in_seat", "shown"),
    [(500, 1, "500"), (127, 3, "42"), (2, 5, "0.4"), (12, 3, "4"), (0, 2, "0")],
)
def test_the_ratio_in_seat_reads_as_one_to_n(customer_facing, in_seat, shown):
    assert ratio_label(customer_facing, in_seat) == shown


def test_the_ratio_is_shown_even_when_enablement_outnumbers_the_field(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now, sales=2, customer_success=0, other=0)
    for _ in range(5):
        TeamMemberFactory(organization=organization, start_quarter=now)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    assert "Ratio in seat: 1 : 0.4" in html
    assert "no one in seat" not in html


def test_it_says_how_far_the_next_stage_is(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=30, customer_success=10, other=0)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    assert "Stage 2 (Expansion) starts at 51 customer-facing: 11 more than today." in html


def test_the_last_stage_has_no_next_one(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=2500)
    client.force_login(owner)
    assert b'id="gap-next-stage"' not in client.get(gap_url(organization)).content


def test_a_later_quarter_names_itself_in_the_distance_to_the_next_stage(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now, sales=30, customer_success=10, other=0)
    SnapshotFactory(
        organization=organization, quarter=now + 2, sales=480, customer_success=9, other=0
    )
    client.force_login(owner)
    html = client.get(gap_url(organization, now + 2)).content.decode()
    label = Quarter.from_ordinal(now + 2).label
    assert f"Stage 3 (Scale) starts at 501 customer-facing: 12 more than {label}." in html
    assert "more than today" not in html


def test_a_role_ahead_of_plan_says_when_the_forecast_needs_it(client, organization, owner, now):
    # 60 customer-facing now: leader and adult-learning specialist. 200 in two quarters: a
    # program manager too. The one already in seat is ahead of plan, not a next hire.
    SnapshotFactory(organization=organization, quarter=now, sales=60, customer_success=0)
    SnapshotFactory(organization=organization, quarter=now + 2, sales=200, customer_success=0)
    TeamMemberFactory(organization=organization, role=rules.PROGRAM_MANAGER, start_quarter=now)
    client.force_login(owner)
    response = client.get(gap_url(organization))
    html = response.content.decode()
    label = Quarter.from_ordinal(now + 2).label
    assert (
        "Ahead of plan: the recommended team of 2 has no seat for this role yet. "
        f"Needed from {label} by your forecast. A program manager turns training into formal, "
        "repeatable programs."
    ) in html
    next_hires = html[html.index('id="gap-next-hires"') :]
    assert "Program manager" not in next_hires[: next_hires.index("</ol>")]
    assert [h.role for h in response.context["gap"].next_hires] == [
        rules.SALES_ENABLEMENT,
        rules.PRODUCT_ENABLEMENT,
    ]


def test_it_shows_the_managers_of_a_large_role(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=2600, customer_success=0, other=0)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    row = html[html.index('id="gap-row-sales_enablement"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-label="Recommended">46 — 6 managers, 40 leads</td>' in row
    assert "Managers: 6 recommended, 0 in seat, 0 planned" in row


# --- what to do now -------------------------------------------------------------------------


@pytest.fixture
def due_plan(organization, now):
    """Stage 2 from last quarter (leader has adult-learning expertise): 200 sales make leader,
    program manager, sales and product; 400 next quarter make sales 5; 450 the quarter after,
    sales 6. A leader in seat, a product hire planned for next quarter; lead time 1."""
    organization.leader_has_adult_learning = True
    organization.save()
    SnapshotFactory(
        organization=organization, quarter=now - 1, sales=200, customer_success=0, other=0
    )
    SnapshotFactory(
        organization=organization, quarter=now + 1, sales=400, customer_success=0, other=0
    )
    SnapshotFactory(
        organization=organization, quarter=now + 2, sales=450, customer_success=0, other=0
    )
    TeamMemberFactory(
        organization=organization, role=rules.ENABLEMENT_LEADER, start_quarter=now - 4
    )
    PlannedHireFactory(
        organization=organization, role=rules.PRODUCT_ENABLEMENT, target_quarter=now + 1
    )
    return organization


def section(html, id_):
    start = html.index(f'id="{id_}"')
    return html[start : html.index("</ul>", start)]


def test_the_home_page_starts_with_what_to_do_now(client, due_plan, owner, now):
    client.force_login(owner)
    html = client.get(gap_url(due_plan)).content.decode()
    assert html.index('id="actions"') < html.index('id="gap-panel"')
    overdue = section(html, "actions-overdue")
    label = Quarter.from_ordinal
    # Short since last quarter: overdue, planned for now.
    for role in ("Program manager", "Sales enablement", "Product enablement"):
        assert (
            f"<strong>1 × {role}</strong> still to plan, needed since {label(now - 1).label}"
            in overdue
        )
    assert overdue.count(f'name="target_quarter" value="{now}"') == 3
    this_quarter = section(html, "actions-this_quarter")
    assert (
        f"<strong>4 × Sales enablement</strong> still to plan, needed in {label(now + 1).label}"
        in this_quarter
    )
    assert (
        f"<strong>1 × Product enablement</strong> planned, needed in {label(now + 1).label}"
        in this_quarter
    )
    next_quarter = section(html, "actions-next_quarter")
    assert (
        f"<strong>1 × Sales enablement</strong> still to plan, needed in {label(now + 2).label}"
        in next_quarter
    )
    assert "Plan hires" in overdue and 'value="4" min="1" max="50"' in this_quarter


def test_viewers_see_what_is_due_without_the_forms_to_plan_it(client, due_plan, viewer):
    client.force_login(viewer)
    html = client.get(gap_url(due_plan)).content.decode()
    assert 'id="actions-overdue"' in html
    assert "Plan hires" not in html


def test_nothing_due_says_so(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=30, customer_success=0, other=0)
    TeamMemberFactory(
        organization=organization, role=rules.ENABLEMENT_LEADER, start_quarter=now - 1
    )
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    assert 'id="actions-empty"' in html and "Nothing due." in html
    assert 'id="actions-overdue"' not in html


def test_the_panel_lists_the_open_hires_it_counts_with_their_deadlines(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now - 3, sales=200)
    SnapshotFactory(organization=organization, quarter=now + 2, sales=200)
    PlannedHireFactory(
        organization=organization, role=rules.PROGRAM_MANAGER, target_quarter=now - 2
    )
    PlannedHireFactory(
        organization=organization,
        role=rules.SALES_ENABLEMENT,
        target_quarter=now - 2,
        status=rules.RECRUITING,
        is_manager=True,
    )
    client.force_login(owner)
    current = client.get(gap_url(organization, now)).content.decode()
    hires = section(current, "gap-open-hires")
    assert "Program manager" in hires and '<span class="tag tag-overdue">overdue</span>' in hires
    assert "Sales enablement (manager)" in hires and "requisition open" in hires
    history = client.get(gap_url(organization, now - 2)).content.decode()
    hires = section(history, "gap-open-hires")
    assert "Program manager" in hires and "overdue" not in hires
    assert "is history" in history


def test_the_gap_counts_managers_in_seat_against_those_recommended(
    client, organization, owner, now
):
    # 2400 in sales (stage 4): 48 seats, 42 of them sales enablement, 5 of those managers.
    SnapshotFactory(organization=organization, quarter=now, sales=2400, customer_success=0, other=0)
    TeamMemberFactory(
        organization=organization, role=rules.SALES_ENABLEMENT, is_manager=True, start_quarter=now
    )
    TeamMemberFactory(organization=organization, role=rules.SALES_ENABLEMENT, start_quarter=now)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    row = html[html.index('id="gap-row-sales_enablement"') :]
    row = row[: row.index("</tr>")]
    assert "42 — 5 managers, 37 leads" in row
    assert "2 — 1 manager, 1 lead" in row
    assert "Managers: 5 recommended, 1 in seat, 0 planned" in row


def test_the_quarter_picker_pushes_the_quarter_into_the_address(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(owner)
    response = client.get(gap_url(organization))
    html = response.content.decode()
    picker = html[html.index('class="quarter-picker"') :]
    assert 'hx-push-url="true"' in picker[: picker.index(">")]
    assert 'method="get"' in html  # the same form without JavaScript
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(owner)
    panel = client.get(
        gap_url(organization, now), headers={"HX-Request": "true", "HX-Target": "gap-panel"}
    )
    assert "<html" not in panel.content.decode()
    restored = client.get(
        gap_url(organization, now),
        headers={
            "HX-Request": "true",
            "HX-History-Restore-Request": "true",
            "HX-Target": "gap-panel",
        },
    )
    assert "<html" in restored.content.decode() and 'id="actions"' in restored.content.decode()


def test_on_a_phone_each_cell_of_a_role_carries_its_column_name(client, organization, owner, now):
    """The role table stacks on a phone, each number under its column's name (data-label)."""
    SnapshotFactory(organization=organization, quarter=now, sales=300)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    table = html[html.index('<table class="role-table stack-on-phone">') :]
    table = table[: table.index("</table>")]
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", table[: table.index("</thead>")])
    row = table[table.index('id="gap-row-') :]
    row = row[: row.index("</tr>")]
    assert re.findall(r'<td[^>]* data-label="([^"]+)"', row) == headers[1:]


def test_the_home_page_announces_the_stage_change_ahead(client, organization, owner, crossing):
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    alerts = section(html, "stage-alerts")
    assert crossing in alerts
    assert "the team grows to 11; open 1 requisition by" in alerts


def test_a_plan_that_stays_in_its_stage_announces_nothing(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now, sales=60)
    SnapshotFactory(organization=organization, quarter=now + 1, sales=400)
    client.force_login(owner)
    html = client.get(gap_url(organization)).content.decode()
    assert "stage-alert-" not in html


@pytest.mark.parametrize("role", ["owner", "viewer"])
def test_in_a_scenario_the_lead_time_is_pointed_to_in_its_own_inputs(
    client, organization, now, role, request
):
    """The actions follow the scenario's hiring lead time: the words point to where that
    is set, not to the plan's settings, whose lead time the scenario does not use."""
    SnapshotFactory(organization=organization, quarter=now, sales=400, customer_success=0)
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    services.scenario_update(scenario=scenario, actor=None, hiring_lead_time=3)
    client.force_login(request.getfixturevalue(role))
    html = client.get(gap_url(organization) + f"?scenario={scenario.pk}").content.decode()
    assert "each is due 3 quarters before the hire is needed" in html
    inputs = reverse("scenario_update", args=[organization.slug, scenario.pk])
    settings = reverse("organization_settings", args=[organization.slug])
    assert f'the hiring lead time in <a href="{settings}">' not in html
    if role == "owner":
        assert f'the hiring lead time in <a href="{inputs}" id="lead-time-inputs">' in html
    else:
        assert "the hiring lead time in this scenario's inputs)" in html
    plan = client.get(gap_url(organization)).content.decode()
    assert f'the hiring lead time in <a href="{settings}">' in plan


def test_the_quarter_picker_offers_every_quarter_of_the_plan_the_shown_one_chosen(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now - 2)
    SnapshotFactory(organization=organization, quarter=now + 1)
    client.force_login(owner)

    for shown in (now, now + 1):
        html = client.get(gap_url(organization, shown)).content.decode()

        options = re.findall(r'<option value="(\w+)"( selected)?>([^<]+)</option>', html)
        expected = []
        for ordinal in range(now - 2, now + 2):
            quarter = Quarter.from_ordinal(ordinal)
            chosen = " selected" if ordinal == shown else ""
            expected.append((f"FY{quarter.fiscal_year}Q{quarter.number}", chosen, quarter.label))
        assert options == expected
