import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from planner import exports, rules, services
from planner.models import (
    HeadcountSnapshot,
    Membership,
    Organization,
    PlannedHire,
    RoleCost,
    TeamMember,
)
from planner.planning import current_quarter, load_plan
from planner.quarters import Quarter
from tests.factories import (
    MembershipFactory,
    PlannedHireFactory,
    SnapshotFactory,
    TeamMemberFactory,
    ten_scenarios,
)

LEADER, ALS, PM = rules.ENABLEMENT_LEADER, rules.ADULT_LEARNING_SPECIALIST, rules.PROGRAM_MANAGER


@pytest.fixture
def plan_data(organization):
    """Two actual quarters in stage 1, a carried one, then stage 2 from next quarter.

    The fiscal year starts in February and requisitions open one quarter ahead. The
    adult-learning specialist has been short since stage 2 starts (next quarter), so its
    requisition is due now, as is the program manager's planned for then; the leader's gap
    in the first quarter is history, closed by the leader who started the quarter after.
    """
    organization.fiscal_year_start_month = 2
    organization.hiring_lead_time = 1
    organization.save()
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now - 2, sales=30, customer_success=5)
    SnapshotFactory(organization=organization, quarter=now, sales=40, customer_success=5)
    SnapshotFactory(organization=organization, quarter=now + 1, sales=80, customer_success=30)
    SnapshotFactory(organization=organization, quarter=now + 2, sales=100, customer_success=50)
    TeamMemberFactory(organization=organization, role=LEADER, start_quarter=now - 1)
    PlannedHireFactory(organization=organization, role=PM, target_quarter=now + 1)
    PlannedHireFactory(
        organization=organization,
        role=rules.CS_ENABLEMENT,
        target_quarter=now + 1,
        status=rules.CANCELLED,
    )
    return now


def url(organization, name="roadmap"):
    return reverse(name, args=[organization.slug])


def download(client, organization):
    response = client.get(url(organization, "roadmap_csv"))
    return response, b"".join(response.streaming_content)


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
@pytest.mark.parametrize("name", ["roadmap", "roadmap_csv", "roadmap_xlsx"])
def test_it_lets_every_member_read(client, organization, plan_data, request, member, name):
    client.force_login(request.getfixturevalue(member))
    response = client.get(url(organization, name))
    assert response.status_code == 200


# --- The page -------------------------------------------------------------------------------


def test_it_shows_an_empty_state_that_leads_to_the_headcount(client, organization, viewer):
    client.force_login(viewer)
    response = client.get(url(organization))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body
    assert "No headcount yet" in body
    assert f'href="{reverse("headcount", args=[organization.slug])}"' in body
    assert 'id="roadmap"' not in body


def test_it_shows_every_quarter_from_the_first_snapshot_to_the_last(
    client, organization, owner, plan_data
):
    now = plan_data
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    assert "<html" in body
    for ordinal in range(now - 2, now + 3):
        q = Quarter.from_ordinal(ordinal)
        assert f'id="roadmap-FY{q.fiscal_year}Q{q.number}"' in body
        assert q.label in body
    first_start = Quarter.from_ordinal(now - 2).start_date(2)
    assert f"from {first_start.day} {first_start:%b %Y}" in body
    assert f'href="{url(organization, "roadmap_csv")}"' in body
    assert "Download CSV" in body
    assert f'href="{url(organization, "roadmap_xlsx")}"' in body
    assert "Download Excel" in body


def row_html(body: str, ordinal: int) -> str:
    q = Quarter.from_ordinal(ordinal)
    start = body.index(f'id="roadmap-FY{q.fiscal_year}Q{q.number}"')
    return body[start : body.index("</tr>", start)]


def test_it_tags_actual_forecast_carried_and_the_stage_change(
    client, organization, owner, plan_data
):
    now = plan_data
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    first, carried, current, stage_two = (row_html(body, now + d) for d in (-2, -1, 0, 1))
    assert ">actual<" in first and ">actual<" in carried
    assert ">forecast<" in current and ">forecast<" in stage_two
    assert "carried forward" in carried
    assert "carried forward" not in first and "carried forward" not in current
    assert 'class="stage-change' in stage_two and "Stage 2 starts" in stage_two
    assert "stage-change" not in current
    assert body.count("Stage 2 starts") == 1


def test_it_lists_the_hires_to_plan_with_requisition_deadlines(
    client, organization, owner, plan_data
):
    now = plan_data
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    roadmap = {q.quarter: q for q in load_plan(organization).roadmap()}
    # No one in seat in the first quarter: the leader was due a quarter before it. That
    # quarter is history: the deadline is shown, never as overdue.
    first = row_html(body, now - 2)
    assert roadmap[now - 2].hires_to_plan == (rules.HireToPlan(LEADER, 1, now - 2, now - 3),)
    assert "1 × Enablement leader" in first
    assert f"open requisition by {Quarter.from_ordinal(now - 3).label}" in first
    assert "overdue" not in first
    # Stage 2 next quarter: the specialist's requisition opens now, which is not overdue.
    stage_two = row_html(body, now + 1)
    assert roadmap[now + 1].open_requisition_by(ALS) == now
    assert roadmap[now + 1].hires_to_plan[0].status is rules.RequisitionStatus.DUE_NOW
    assert "1 × Adult-learning specialist" in stage_two
    assert f"open requisition by {Quarter.from_ordinal(now).label}" in stage_two
    assert '<span class="tag tag-due_now">due now</span>' in stage_two
    assert "overdue" not in stage_two
    # The program manager planned for then keeps its own deadline.
    assert (
        f"— planned for {Quarter.from_ordinal(now + 1).label}, requisition by "
        f"{Quarter.from_ordinal(now).label}"
    ) in stage_two
    # CS enablement is short from the quarter after: its requisition is upcoming.
    last = row_html(body, now + 2)
    assert f"open requisition by {Quarter.from_ordinal(now + 1).label}" in last
    assert '<span class="tag tag-upcoming">upcoming</span>' in last
    # The figures are the rules' own.
    gap = roadmap[now + 1].gap
    assert f'<td class="num">{gap.recommended_total}</td>' in stage_two
    assert f'{gap.in_seat_total} <span class="muted">+ {gap.planned_total}</span>' in stage_two


def test_an_open_hire_from_history_is_listed_now_with_its_deadline(
    client, organization, owner, plan_data
):
    now = plan_data
    PlannedHireFactory(
        organization=organization, role=ALS, target_quarter=now - 1, status=rules.APPROVED
    )
    PlannedHireFactory(
        organization=organization,
        role=rules.SALES_ENABLEMENT,
        target_quarter=now - 1,
        status=rules.RECRUITING,
    )
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    assert "Adult-learning specialist" not in row_html(body, now - 1)
    current = row_html(body, now)
    assert (
        f"— approved for {Quarter.from_ordinal(now - 1).label}, requisition by "
        f'{Quarter.from_ordinal(now - 2).label}</span>\n            <span class="tag '
        'tag-overdue">overdue</span>'
    ) in current
    # Recruiting: the requisition is open, so it is never overdue.
    assert '<span class="tag tag-open">requisition open</span>' in current
    assert current.count(">overdue<") == 1
    assert body.count("— approved for") == 1


def test_it_explains_the_lead_time(client, organization, owner, plan_data):
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    assert "requisitions open 1 quarter before the hire is needed" in body
    services.organization_update(organization=organization, actor=owner, hiring_lead_time=2)
    body = client.get(url(organization)).content.decode()
    assert "requisitions open 2 quarters before the hire is needed" in body


# --- The CSV --------------------------------------------------------------------------------


def test_it_downloads_a_utf8_csv_named_after_the_organization_and_day(
    client, organization, viewer, plan_data
):
    client.force_login(viewer)
    response, content = download(client, organization)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="roadmap-{organization.slug}-{today}.csv"'
    )
    assert content.startswith(b"\xef\xbb\xbf")
    text = content.decode("utf-8-sig")
    assert text.split("\r\n")[0] == (
        "quarter,quarter_start,customer_facing_headcount,stage,role,recommended,in_seat,"
        "planned,gap,open_requisition_by,reason,stage_name,role_title,managers,"
        "requisition_status,recommended_cost,in_seat_cost,planned_cost"
    )
    assert text.endswith("\r\n")


def test_it_exports_the_roadmap_of_the_rules_row_by_row(client, organization, owner, plan_data):
    client.force_login(owner)
    _, content = download(client, organization)
    parsed = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    # The cost columns are checked against hand-worked amounts in tests/test_exports.py.
    parsed = [{k: v for k, v in row.items() if not k.endswith("_cost")} for row in parsed]
    expected = []
    for q in load_plan(organization).roadmap():
        quarter = Quarter.from_ordinal(q.quarter)
        for row in q.gap.rows:
            deadline = q.open_requisition_by(row.role)
            status = q.requisition_status(row.role)
            expected.append(
                {
                    "quarter": quarter.label,
                    "quarter_start": quarter.start_date(2).isoformat(),
                    "customer_facing_headcount": str(q.headcount.total),
                    "stage": str(q.gap.assessment.stage),
                    "role": row.role,
                    "recommended": str(row.recommended),
                    "in_seat": str(row.in_seat),
                    "planned": str(row.planned),
                    "gap": str(row.gap),
                    "open_requisition_by": Quarter.from_ordinal(deadline).label
                    if deadline is not None
                    else "",
                    "reason": str(row.reason),
                    "stage_name": q.gap.assessment.stage_name,
                    "role_title": row.title,
                    "managers": str(row.managers),
                    "requisition_status": str(status) if status else "",
                }
            )
    assert parsed == expected
    assert len(parsed) > 5
    statuses = {(row["role"], row["requisition_status"]) for row in parsed}
    assert {(ALS, "due_now"), (PM, "due_now"), (rules.CS_ENABLEMENT, "upcoming")} <= statuses


def test_it_exports_only_the_header_without_headcount(client, organization, owner):
    client.force_login(owner)
    _, content = download(client, organization)
    assert content.decode("utf-8-sig").count("\r\n") == 1


# --- The Excel workbook ---------------------------------------------------------------------


def test_it_downloads_a_workbook_named_after_the_organization_and_day(
    client, organization, viewer, plan_data
):
    client.force_login(viewer)
    response = client.get(url(organization, "roadmap_xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="roadmap-{organization.slug}-{today}.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.title == "Roadmap"
    assert sheet.freeze_panes == "A2"


COST_COLUMNS = ("recommended_cost", "in_seat_cost", "planned_cost")


def test_the_workbook_holds_the_rows_of_the_csv(client, organization, owner, plan_data):
    client.force_login(owner)
    _, content = download(client, organization)
    parsed = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    response = client.get(url(organization, "roadmap_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = [
        [
            value.date().isoformat()
            if isinstance(value, datetime.datetime)
            else ""
            if value is None
            else str(value)
            for value in row
        ]
        for row in sheet.iter_rows(values_only=True)
    ]
    # Amounts are numbers in the workbook (0 and 0.00 are one amount), text in the CSV.
    money = [exports.ROADMAP_COLUMNS.index(name) for name in COST_COLUMNS]

    def amounts_as_numbers(row):
        return [Decimal(v) if i in money and v[:1].isdigit() else v for i, v in enumerate(row)]

    assert [amounts_as_numbers(row) for row in rows] == [amounts_as_numbers(r) for r in parsed]
    assert len(rows) > 5


# --- Query counts ---------------------------------------------------------------------------


@pytest.fixture
def large_plan(organization):
    """40 quarters, 50 team members, 50 planned hires, and ten scenarios copying them."""
    now = current_quarter(organization)
    roles = rules.ROLES
    HeadcountSnapshot.objects.bulk_create(
        HeadcountSnapshot(
            organization=organization,
            quarter=now - 10 + i,
            sales=40 + 60 * i,
            customer_success=10 * i,
            other=5,
        )
        for i in range(40)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            organization=organization,
            role=roles[i % len(roles)],
            name=f"Person {i}",
            start_quarter=now - 10 + i % 30,
        )
        for i in range(50)
    )
    PlannedHire.objects.bulk_create(
        PlannedHire(
            organization=organization,
            role=roles[i % len(roles)],
            target_quarter=now + i % 30,
            status=rules.HIRE_STATUSES[i % len(rules.HIRE_STATUSES)],
        )
        for i in range(50)
    )
    RoleCost.objects.bulk_create(
        RoleCost(organization=organization, role=role, annual_cost=100000 + i)
        for i, role in enumerate(roles)
    )
    ten_scenarios(organization)


def test_the_page_runs_a_fixed_number_of_queries(
    client, organization, owner, large_plan, django_assert_max_num_queries
):
    client.force_login(owner)
    # session, user, membership with its organization, then load_plan's five (snapshots,
    # team, hires, segments, role costs), and the user's organizations and scenarios for
    # the switchers.
    with django_assert_max_num_queries(10):
        response = client.get(url(organization))
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="roadmap-') == 40


def test_the_csv_runs_a_fixed_number_of_queries(
    client, organization, owner, large_plan, django_assert_max_num_queries
):
    client.force_login(owner)
    # session, user, membership with its organization, then load_plan's five (snapshots,
    # team, hires, segments, role costs). Streaming the rows runs none.
    with django_assert_max_num_queries(8):
        response, content = download(client, organization)
    assert response.status_code == 200
    assert content.decode("utf-8-sig").count("\r\n") > 40


def test_the_workbook_runs_a_fixed_number_of_queries(
    client, organization, owner, large_plan, django_assert_max_num_queries
):
    client.force_login(owner)
    # session, user, membership with its organization, then load_plan's five (snapshots,
    # team, hires, segments, role costs).
    with django_assert_max_num_queries(8):
        response = client.get(url(organization, "roadmap_xlsx"))
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).worksheets[0].max_row > 40


def test_it_notes_seats_to_plan_by_role_when_a_surplus_hides_them(
    client, organization, owner, plan_data
):
    # A sales-enablement person beyond the recommended team offsets the specialist's gap
    # in the total, but not role by role.
    now = plan_data
    TeamMemberFactory(organization=organization, role=rules.SALES_ENABLEMENT, start_quarter=now)
    client.force_login(owner)
    gap = next(q.gap for q in load_plan(organization).roadmap() if q.quarter == now + 1)
    assert (gap.gap_total, gap.still_to_plan) == (0, 1)
    stage_two = row_html(client.get(url(organization)).content.decode(), now + 1)
    assert "1 to plan by role" in stage_two
    assert "1 × Adult-learning specialist" in stage_two


def test_a_deadline_before_the_first_supported_year_still_has_a_label(client, db):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    organization = membership.organization
    Organization.objects.filter(pk=organization.pk).update(hiring_lead_time=4)
    SnapshotFactory(organization=organization, quarter=Quarter(2000, 1).ordinal, sales=200)
    client.force_login(membership.user)
    page = client.get(reverse("roadmap", args=[organization.slug]))
    assert page.status_code == 200
    assert b"FY1999 Q1" in page.content
    export = client.get(reverse("roadmap_csv", args=[organization.slug]))
    assert export.status_code == 200
    assert "FY1999 Q1" in b"".join(export.streaming_content).decode("utf-8-sig")


# --- planning from the roadmap -----------------------------------------------------------------


def test_each_line_still_to_plan_offers_plan_n_hires_once_from_now_on(
    client, organization, owner, plan_data
):
    now = plan_data
    client.force_login(owner)
    body = client.get(url(organization)).content.decode()
    assert "Plan hires" not in row_html(body, now - 2)  # history: nothing to act on
    forms = re.findall(
        r'<li id="plan-([a-z_]+)-(FY\d+Q\d)" class="plan-line">'
        r'.*?name="target_quarter" value="(\d+)"'
        r'.*?name="count" id="[^"]+" value="(\d+)"',
        body,
        flags=re.S,
    )
    expected = []
    for quarter in load_plan(organization).roadmap():
        for short in quarter.hires_to_plan:
            if quarter.quarter == max(short.needed_in, now):
                q = Quarter.from_ordinal(short.needed_in)
                expected.append(
                    (
                        short.role,
                        f"FY{q.fiscal_year}Q{q.number}",
                        str(quarter.quarter),
                        str(short.seats),
                    )
                )
    assert forms == expected and expected


def test_viewers_see_the_lines_without_plan_n_hires(client, organization, viewer, plan_data):
    client.force_login(viewer)
    body = client.get(url(organization)).content.decode()
    assert "to plan" in body.lower() and "Plan hires" not in body


def test_the_roadmap_announces_the_stage_change_ahead(client, organization, owner, crossing, now):
    client.force_login(owner)
    html = client.get(url(organization)).content.decode()
    key = Quarter.from_ordinal(now + 1).label.replace(" ", "")
    assert f'id="stage-alert-{key}"' in html
    assert crossing in html


def test_in_a_scenario_the_lead_time_is_pointed_to_in_its_own_inputs(
    client, organization, owner, now
):
    SnapshotFactory(organization=organization, quarter=now, sales=400, customer_success=0)
    scenario = services.scenario_create(organization=organization, actor=None, name="Growth")
    services.scenario_update(scenario=scenario, actor=None, hiring_lead_time=3)
    client.force_login(owner)
    html = client.get(url(organization) + f"?scenario={scenario.pk}").content.decode()
    assert "requisitions open 3 quarters before the hire is needed" in html
    inputs = reverse("scenario_update", args=[organization.slug, scenario.pk])
    settings = reverse("organization_settings", args=[organization.slug])
    assert f'the hiring lead time in <a href="{settings}">' not in html
    assert f'the hiring lead time in <a href="{inputs}" id="lead-time-inputs">' in html
    plan = client.get(url(organization)).content.decode()
    assert f'the hiring lead time in <a href="{settings}">' in plan
