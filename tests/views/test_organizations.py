"""The organizations list, creating one, its settings and role costs (views/organizations.py)."""

import pytest
from django.urls import reverse

from planner import services
from planner.models import Change, Membership, Organization
from tests.factories import MembershipFactory, OrganizationFactory, SegmentFactory, ten_scenarios

HTMX = {"HX-Request": "true"}

ALLOWED = ["owner", "editor"]


def login(client, request, who: str):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


def assert_redirects_to_login(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def settings_data(organization: Organization, **overrides) -> dict:
    data = {
        "name": organization.name,
        "fiscal_year_start_month": organization.fiscal_year_start_month,
        "target_ratio": organization.target_ratio,
        "leader_has_adult_learning": "on" if organization.leader_has_adult_learning else "",
        "leader_strategic_share": organization.leader_strategic_share,
        "reports_to": organization.reports_to,
        "hiring_lead_time": organization.hiring_lead_time,
        "stage_one_focus": organization.stage_one_focus,
        "version": organization.version,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}


# --- home ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_sends_anonymous_visitors_to_login(client):
    assert_redirects_to_login(client.get(reverse("home")))


def test_home_lists_the_users_organizations_with_role_and_a_link_to_the_gap(client, owner):
    other = MembershipFactory(user=owner, role=Membership.Role.VIEWER).organization
    unrelated = OrganizationFactory(name="Someone Else Inc")
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    content = response.content.decode()
    for membership in owner.memberships.all():
        assert membership.organization.name in content
        assert reverse("gap", args=[membership.organization.slug]) in content
    assert "Owner" in content
    assert "Viewer" in content
    assert other.name in content
    assert unrelated.name not in content
    assert reverse("organization_create") in content


def test_home_with_one_organization_shows_the_list_rather_than_redirecting(client, owner):
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b'class="org-list"' in response.content


def test_home_without_organizations_explains_the_app_and_offers_to_create_one(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"empty-state" in response.content
    assert b"Create an organization" in response.content
    assert reverse("organization_create").encode() in response.content


def test_home_rejects_post(client, user):
    client.force_login(user)
    assert client.post(reverse("home")).status_code == 405


def test_home_runs_a_fixed_number_of_queries(client, user, django_assert_max_num_queries):
    for _ in range(30):
        MembershipFactory(user=user)
    client.force_login(user)
    # 1 session, 2 user, 3 memberships with their organizations.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("home"))
    assert response.content.count(b'id="organization-') == 30


# --- creating an organization --------------------------------------------------------------


@pytest.mark.django_db
def test_create_sends_anonymous_visitors_to_login(client):
    assert_redirects_to_login(client.get(reverse("organization_create")))
    assert_redirects_to_login(client.post(reverse("organization_create"), {"name": "Acme"}))
    assert not Organization.objects.exists()


def test_create_shows_the_form_with_the_articles_defaults(client, user):
    client.force_login(user)
    response = client.get(reverse("organization_create"))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'name="target_ratio" value="50"' in response.content
    assert b'<option value="1" selected>January</option>' in response.content


def test_create_makes_the_creator_owner_and_goes_to_headcount(client, user):
    client.force_login(user)
    response = client.post(
        reverse("organization_create"),
        settings_data(Organization(name="Acme Corp", target_ratio=60, fiscal_year_start_month=2)),
    )
    organization = Organization.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("headcount", args=[organization.slug])
    assert organization.name == "Acme Corp"
    assert organization.slug == "acme-corp"
    assert organization.target_ratio == 60
    assert organization.fiscal_year_start_month == 2
    assert Membership.objects.get(organization=organization).user == user
    assert Membership.objects.get(organization=organization).role == Membership.Role.OWNER
    assert Change.objects.filter(organization=organization, action="created").exists()


def test_create_with_only_a_name_uses_the_defaults(client, user):
    client.force_login(user)
    defaults = settings_data(Organization(name="Acme"))
    client.post(reverse("organization_create"), defaults)
    organization = Organization.objects.get()
    assert organization.target_ratio == 50
    assert organization.hiring_lead_time == 1


def test_create_gives_two_organizations_of_the_same_name_their_own_slugs(client, user):
    client.force_login(user)
    for _ in range(2):
        client.post(reverse("organization_create"), settings_data(Organization(name="Acme")))
    assert sorted(Organization.objects.values_list("slug", flat=True)) == ["acme", "acme-2"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "Give the organization a name."),
        ("name", "x" * 121, "Keep the name to 120 characters or fewer."),
        ("target_ratio", "5", "Enter a ratio from 10 to 500"),
        ("target_ratio", "many", "Enter a whole number, like 50."),
        ("leader_strategic_share", "101", "Enter a percentage from 0 to 100."),
        ("hiring_lead_time", "5", "Enter 0 to 4 quarters."),
        ("fiscal_year_start_month", "13", "Choose a month from the list."),
        ("reports_to", "board", "Choose a reporting line from the list."),
    ],
)
def test_create_rejects_bad_input_with_a_message_and_saves_nothing(
    client, user, field, value, message
):
    client.force_login(user)
    data = settings_data(Organization(name="Acme"), **{field: value})
    response = client.post(reverse("organization_create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Organization.objects.exists()


def test_create_rejects_other_methods(client, user):
    client.force_login(user)
    assert client.put(reverse("organization_create")).status_code == 405


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_every_member_can_see_the_settings(client, request, organization, who):
    login(client, request, who)
    response = client.get(reverse("organization_settings", args=[organization.slug]))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert organization.name.encode() in response.content


def test_settings_show_each_fields_help_text(client, owner, organization):
    client.force_login(owner)
    response = client.get(reverse("organization_settings", args=[organization.slug]))
    content = response.content.decode()
    for name in services.ORGANIZATION_FIELDS:
        help_text = Organization._meta.get_field(name).help_text
        if help_text:
            assert f'id="id_{name}_helptext"' in content
            assert str(help_text) in content
    assert '<option value="3">March</option>' in content
    assert 'id="save-settings"' in content


def test_viewers_see_the_settings_read_only(client, viewer, organization):
    client.force_login(viewer)
    response = client.get(reverse("organization_settings", args=[organization.slug]))
    content = response.content.decode()
    assert 'id="save-settings"' not in content
    assert 'name="target_ratio" value="50"' in content
    assert content.count(" disabled") >= len(services.ORGANIZATION_FIELDS)
    assert reverse("segment_create", args=[organization.slug]) not in content


@pytest.mark.parametrize("who", ALLOWED)
def test_owners_and_editors_save_every_setting(client, request, organization, who):
    user = login(client, request, who)
    data = settings_data(
        organization,
        name="Northwind Traders",
        fiscal_year_start_month=2,
        target_ratio=75,
        leader_has_adult_learning="on",
        leader_strategic_share=40,
        reports_to=Organization.ReportsTo.CRO,
        hiring_lead_time=2,
        stage_one_focus=Organization.Focus.CONTENT,
    )
    slug = organization.slug
    response = client.post(reverse("organization_settings", args=[slug]), data)
    assert response.status_code == 302
    assert response.url == reverse("organization_settings", args=[slug])
    organization.refresh_from_db()
    assert organization.name == "Northwind Traders"
    assert organization.slug == slug
    assert organization.fiscal_year_start_month == 2
    assert organization.target_ratio == 75
    assert organization.leader_has_adult_learning is True
    assert organization.leader_strategic_share == 40
    assert organization.reports_to == "cro"
    assert organization.hiring_lead_time == 2
    assert organization.stage_one_focus == "content"
    assert organization.version == 2
    assert Change.objects.get(entity="settings").actor == user


def test_settings_can_turn_a_checkbox_off(client, owner, organization):
    Organization.objects.filter(pk=organization.pk).update(leader_has_adult_learning=True)
    client.force_login(owner)
    data = settings_data(organization)  # the unchecked box is simply absent
    client.post(reverse("organization_settings", args=[organization.slug]), data)
    organization.refresh_from_db()
    assert organization.leader_has_adult_learning is False


def test_the_slug_is_not_editable(client, owner, organization):
    client.force_login(owner)
    slug = organization.slug
    data = settings_data(organization, slug="hijacked")
    client.post(reverse("organization_settings", args=[slug]), data)
    organization.refresh_from_db()
    assert organization.slug == slug


def test_settings_reject_other_methods(client, owner, organization):
    client.force_login(owner)
    url = reverse("organization_settings", args=[organization.slug])
    assert client.delete(url).status_code == 405


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Give the organization a name."),
        ("target_ratio", "9", "Enter a ratio from 10 to 500"),
        ("target_ratio", "501", "above 500:1"),
        ("leader_strategic_share", "-1", "Enter a percentage from 0 to 100."),
        ("hiring_lead_time", "12", "Enter 0 to 4 quarters."),
        ("stage_one_focus", "golf", "Choose a focus from the list."),
    ],
)
def test_settings_reject_bad_input_with_a_message_and_save_nothing(
    client, owner, organization, field, value, message
):
    client.force_login(owner)
    data = settings_data(organization, **{field: value, "target_ratio": 60} | {field: value})
    response = client.post(reverse("organization_settings", args=[organization.slug]), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert b'aria-invalid="true"' in response.content
    organization.refresh_from_db()
    assert organization.target_ratio == 50
    assert organization.version == 1
    # The page heading keeps the stored name, not the rejected one.
    assert f"Settings — {organization.name}" in response.content.decode()


def test_a_stale_settings_edit_is_refused_and_shows_the_current_values(
    client, owner, editor, organization
):
    opened = settings_data(organization)
    services.organization_update(
        organization=Organization.objects.get(pk=organization.pk),
        actor=editor,
        expected_version=1,
        target_ratio=80,
    )
    client.force_login(owner)
    response = client.post(
        reverse("organization_settings", args=[organization.slug]),
        opened | {"target_ratio": 40},
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "These settings were changed by someone else since you opened them" in content
    assert 'name="target_ratio" value="80"' in content
    assert 'name="version" value="2"' in content
    organization.refresh_from_db()
    assert organization.target_ratio == 80
    assert organization.version == 2


def test_settings_run_a_fixed_number_of_queries(
    client, owner, organization, django_assert_max_num_queries
):
    SegmentFactory.create_batch(30, organization=organization)
    ten_scenarios(organization)
    client.force_login(owner)
    # 1 session, 2 user, 3 membership with its organization, 4 segments, 5 the role
    # costs, 6 the organizations of the switcher in the header.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("organization_settings", args=[organization.slug]))
    assert response.content.count(b'<tr id="segment-') == 30
