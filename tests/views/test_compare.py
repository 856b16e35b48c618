"""The plan and its scenarios side by side, and the comparison as CSV and Excel."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from planner import exports, rules, services
from planner.compare import COMPARE_COLUMNS
from planner.models import HeadcountSnapshot
from planner.templatetags.planner import quarter_key
from tests.factories import PlannedHireFactory, SnapshotFactory, TeamMemberFactory, ten_scenarios


@pytest.fixture
def growth(organization, now):
    """The plan grows to 120 customer-facing; "Aggressive growth" to 600 from next quarter."""
    for offset in range(-1, 4):
        SnapshotFactory(
            organization=organization,
            quarter=now + offset,
            sales=80 + 10 * offset,
            customer_success=20,
            other=0,
        )
    TeamMemberFactory(organization=organization, start_quarter=now - 4)
    PlannedHireFactory(organization=organization, target_quarter=now + 2)
    scenario = services.scenario_create(
        organization=organization, actor=None, name="Aggressive growth"
    )
    scenario.snapshots.filter(quarter__gt=now).update(sales=580)
    return scenario


def url(name, organization, query=""):
    return reverse(name, args=[organization.slug]) + query


def test_it_shows_the_plan_and_a_scenario_with_their_differences(
    client, organization, viewer, now, growth
):
    client.force_login(viewer)
    response = client.get(url("compare", organization, f"?s=baseline&s={growth.pk}"))
    assert response.status_code == 200
    html = response.content.decode()
    # The summary names the quarters that differ and where a stage starts earlier.
    assert "Aggressive growth forecasts a different headcount in 3 quarters" in html
    assert "Stage 3 starts in" in html
    # The current quarter has the same headcount in both; the next one differs, highlighted.
    this, next_ = quarter_key(now), quarter_key(now + 1)
    same = html.split(f'id="compare-{this}"')[1].split("</tbody>")[0]
    different = html.split(f'id="compare-{next_}"')[1].split("</tbody>")[0]
    assert same.count('<td class="num">100</td>') == 2
    assert 'class="num differs">600<' in different
    assert "stage 3 starts" in different


def test_with_nothing_chosen_it_compares_the_plan_with_its_first_scenarios(
    client, organization, owner, growth
):
    client.force_login(owner)
    html = client.get(url("compare", organization)).content.decode()
    assert "Aggressive growth" in html
    assert f'name="s" value="{growth.pk}" checked' in html


def test_the_plan_alone_says_there_is_nothing_to_compare_yet(client, organization, owner, now):
    SnapshotFactory(organization=organization, quarter=now)
    client.force_login(owner)
    response = client.get(url("compare", organization))
    assert response.status_code == 200
    assert 'id="compare-alone"' in response.content.decode()


@pytest.mark.parametrize("query", ["?s=baseline", "?s=baseline&s=baseline"])
def test_one_choice_is_refused_with_the_reason(client, organization, owner, growth, query):
    client.force_login(owner)
    response = client.get(url("compare", organization, query))
    assert response.status_code == 422
    assert "Choose two or three" in response.content.decode()
    assert client.get(url("compare_csv", organization, query)).status_code == 422


def test_four_choices_are_refused(client, organization, owner, growth):
    others = ten_scenarios(organization)
    client.force_login(owner)
    query = f"?s=baseline&s={growth.pk}&s={others[0].pk}&s={others[1].pk}"
    response = client.get(url("compare", organization, query))
    assert response.status_code == 422
    assert "at most three" in response.content.decode()


def test_the_csv_has_the_scenario_first_then_the_roadmap_s_columns(
    client, organization, owner, growth
):
    client.force_login(owner)
    response = client.get(url("compare_csv", organization, f"?s={growth.pk}&s=baseline"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert tuple(rows[0]) == COMPARE_COLUMNS == ("scenario", *exports.ROADMAP_COLUMNS)
    names = [row[0] for row in rows[1:]]
    # One block per plan compared, in the order chosen, each the length of its roadmap.
    assert names[0] == "Aggressive growth" and names[-1] == "Plan (baseline)"
    assert names == sorted(names, key=lambda name: name != "Aggressive growth")
    headcounts = {(row[0], row[1], row[3]) for row in rows[1:]}
    assert any(name == "Aggressive growth" and total == "600" for name, _, total in headcounts)
    assert not any(name == "Plan (baseline)" and total == "600" for name, _, total in headcounts)


def test_the_workbook_has_typed_cells_and_a_frozen_header(client, organization, owner, growth):
    client.force_login(owner)
    response = client.get(url("compare_xlsx", organization, f"?s=baseline&s={growth.pk}"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == COMPARE_COLUMNS
    first = [cell for cell in sheet[2]]
    assert first[0].value == "Plan (baseline)"
    assert isinstance(first[3].value, int)  # customer_facing_headcount
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_a_scenario_named_like_a_formula_is_not_run_by_a_spreadsheet(
    client, organization, owner, growth
):
    services.scenario_update(scenario=growth, actor=None, name="=1+1")
    client.force_login(owner)
    response = client.get(url("compare_csv", organization, f"?s={growth.pk}&s=baseline"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "\r\n'=1+1," in text


def test_the_page_and_exports_run_a_fixed_number_of_queries(
    client, organization, owner, now, growth, django_assert_max_num_queries
):
    others = ten_scenarios(organization)
    for n in range(30):
        PlannedHireFactory(organization=organization, role=rules.ROLES[n % 7])
        TeamMemberFactory(organization=organization, role=rules.ROLES[n % 7])
    HeadcountSnapshot.objects.filter(scenario=others[3]).update(sales=1000)
    client.force_login(owner)
    query = f"?s=baseline&s={growth.pk}&s={others[3].pk}"
    # session, user, membership, the scenarios, the organization switcher, and for each
    # plan its people revision with the segments, snapshots, team, hires and role costs
    with django_assert_max_num_queries(20):
        assert client.get(url("compare", organization, query)).status_code == 200
    with django_assert_max_num_queries(19):
        response = client.get(url("compare_csv", organization, query))
        b"".join(response.streaming_content)
    with django_assert_max_num_queries(19):
        assert client.get(url("compare_xlsx", organization, query)).status_code == 200
