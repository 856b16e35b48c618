"""The settings page's currency and role costs (RULES.md C), and where the costs show."""

from decimal import Decimal

import pytest
from django.urls import reverse

from planner import rules
from planner.models import Change, Entity, RoleCost
from tests.factories import RoleCostFactory, SnapshotFactory, TeamMemberFactory

LEADER, SALES = rules.ENABLEMENT_LEADER, rules.SALES_ENABLEMENT


def costs_url(organization):
    return reverse("role_costs", args=[organization.slug])


def costs_data(**costs) -> dict:
    """Every role's fields as the page posts them: ``role=(annual, manager, version)``."""
    data = {}
    for role in rules.ROLES:
        annual, manager, version = costs.get(role, ("", "", ""))
        data |= {
            f"{role}-annual_cost": annual,
            f"{role}-manager_annual_cost": manager,
            f"{role}-version": version,
        }
    return data


def test_the_currency_is_a_setting_and_an_unknown_one_is_refused(client, organization, owner):
    client.force_login(owner)
    url = reverse("organization_settings", args=[organization.slug])
    page = client.get(url).content.decode()
    assert '<option value="PLN">PLN — Polish Zloty</option>' in page
    data = {
        "name": organization.name,
        "fiscal_year_start_month": 1,
        "target_ratio": 50,
        "leader_strategic_share": 25,
        "reports_to": "vp_sales",
        "hiring_lead_time": 1,
        "stage_one_focus": "onboarding",
        "version": organization.version,
    }
    refused = client.post(url, {**data, "currency": "EURO"})
    assert refused.status_code == 422
    assert "Choose a currency from the list" in refused.content.decode()
    organization.refresh_from_db()
    assert organization.currency == "USD"
    assert client.post(url, {**data, "currency": "PLN"}).status_code == 302
    organization.refresh_from_db()
    assert organization.currency == "PLN"
    change = Change.objects.get(entity=Entity.SETTINGS)
    assert change.diff["currency"] == ["USD", "PLN"]


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_editors_and_owners_set_role_costs_and_each_is_recorded(client, organization, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        costs_url(organization),
        costs_data(**{LEADER: ("180000", "", ""), SALES: ("95000.50", "130000", "")}),
    )
    assert response.status_code == 302
    assert response.url.endswith("#costs")
    stored = {
        row.role: (row.annual_cost, row.manager_annual_cost) for row in RoleCost.objects.all()
    }
    assert stored == {
        LEADER: (Decimal("180000"), None),
        SALES: (Decimal("95000.50"), Decimal("130000")),
    }
    changes = Change.objects.filter(entity=Entity.ROLE_COST)
    assert sorted(changes.values_list("label", flat=True)) == [
        rules.ROLE_NAMES[LEADER],
        rules.ROLE_NAMES[SALES],
    ]


def test_emptying_a_cost_removes_it_and_an_unchanged_one_records_nothing(
    client, organization, owner
):
    leader = RoleCostFactory(organization=organization, role=LEADER, annual_cost=180000)
    sales = RoleCostFactory(organization=organization, role=SALES, annual_cost=95000)
    client.force_login(owner)
    data = costs_data(**{LEADER: ("", "", leader.version), SALES: ("95000.00", "", sales.version)})
    assert client.post(costs_url(organization), data).status_code == 302
    assert list(RoleCost.objects.values_list("role", flat=True)) == [SALES]
    assert list(Change.objects.values_list("action", "label")) == [
        ("deleted", rules.ROLE_NAMES[LEADER])
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (f"{LEADER}-annual_cost", "-1", "The cost cannot be negative."),
        (f"{LEADER}-annual_cost", "$95,000", "Enter an amount like 95000"),
        (f"{LEADER}-annual_cost", "1.005", "Use at most 2 decimals"),
        # Beside the role's own cost, which is what is missing.
        (f"{SALES}-annual_cost", "", "Enter the role's cost too"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_nothing_is_saved(
    client, organization, owner, field, value, message
):
    client.force_login(owner)
    data = {
        **costs_data(),
        f"{SALES}-manager_annual_cost": "120000" if not value else "",
        field: value,
    }
    response = client.post(costs_url(organization), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="id_{field}-error">{message}' in html.replace("&#x27;", "'")
    assert not RoleCost.objects.exists() and not Change.objects.exists()


def test_costs_changed_since_the_page_was_loaded_are_not_overwritten(client, organization, owner):
    leader = RoleCostFactory(organization=organization, role=LEADER, annual_cost=180000)
    loaded = leader.version
    RoleCost.objects.filter(pk=leader.pk).update(annual_cost=190000, version=loaded + 1)
    client.force_login(owner)
    response = client.post(costs_url(organization), costs_data(**{LEADER: ("170000", "", loaded)}))
    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    leader.refresh_from_db()
    assert leader.annual_cost == Decimal("190000")
    # A cost added by someone else since is not overwritten either.
    RoleCostFactory(organization=organization, role=SALES, annual_cost=1)
    current = {LEADER: ("190000", "", loaded + 1), SALES: ("2", "", "")}
    response = client.post(costs_url(organization), costs_data(**current))
    assert response.status_code == 409
    assert RoleCost.objects.get(role=SALES).annual_cost == 1


def test_a_viewer_sees_the_costs_without_a_save_button(client, organization, viewer):
    RoleCostFactory(organization=organization, role=LEADER, annual_cost=180000)
    client.force_login(viewer)
    html = client.get(reverse("organization_settings", args=[organization.slug])).content.decode()
    assert 'value="180000.00"' in html and 'id="save-costs"' not in html


def test_the_gap_and_team_pages_show_the_quarter_s_cost_with_its_currency(
    client, organization, owner, now
):
    organization.currency = "EUR"
    organization.save()
    SnapshotFactory(organization=organization, quarter=now, sales=40)
    TeamMemberFactory(organization=organization, role=LEADER, start_quarter=now)
    TeamMemberFactory(
        organization=organization, role=SALES, start_quarter=now, annual_cost=Decimal("80000")
    )
    RoleCostFactory(organization=organization, role=LEADER, annual_cost=200000)
    client.force_login(owner)
    gap = client.get(reverse("gap", args=[organization.slug])).content.decode()
    # 200,000 / 4 + 80,000 / 4 in seat; the leader alone recommended at stage 1.
    assert "70,000\N{NO-BREAK SPACE}EUR in seat" in gap
    assert "50,000\N{NO-BREAK SPACE}EUR for the recommended team" in gap
    team = client.get(reverse("team", args=[organization.slug])).content.decode()
    assert "70,000\N{NO-BREAK SPACE}EUR in seat" in team
    assert "80,000\N{NO-BREAK SPACE}EUR" in team  # the person's own cost
    assert "role's cost" in team  # the leader counts the role's


def test_the_roadmap_totals_each_fiscal_year_and_names_roles_without_a_cost(
    client, organization, owner, now
):
    for offset in range(0, 5):
        SnapshotFactory(
            organization=organization, quarter=now + offset, sales=30, customer_success=10
        )
    TeamMemberFactory(organization=organization, role=LEADER, start_quarter=now)
    TeamMemberFactory(organization=organization, role=SALES, start_quarter=now)
    RoleCostFactory(organization=organization, role=LEADER, annual_cost=100000)
    client.force_login(owner)
    html = client.get(reverse("roadmap", args=[organization.slug])).content.decode()
    assert html.count('class="subtotal"') == 2  # five quarters reach into two fiscal years
    assert "No cost set yet for: Sales enablement." in html
    assert html.count("25,000\N{NO-BREAK SPACE}USD") >= 5
