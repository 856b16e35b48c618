import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rules, services
from planner.models import Change
from planner.planning import current_quarter
from tests.factories import (
    FY2027_Q1,
    OrganizationFactory,
    SnapshotFactory,
    UserFactory,
    ten_scenarios,
)

HTMX = {"HX-Request": "true"}


def history_url(organization, **params):
    url = reverse("history", args=[organization.slug])
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def record(organization, *, n=1, actor=None, start=None, **fields):
    """``n`` changes one minute apart, the last one newest."""
    start = start or timezone.now() - datetime.timedelta(days=1)
    values = {"action": "updated", "entity": "headcount", "label": "FY2027 Q1"} | fields
    changes = Change.objects.bulk_create(
        Change(organization=organization, actor=actor, diff={"sales": [i, i + 1]}, **values)
        for i in range(n)
    )
    # ``at`` is set on insert; spread the changes out so that their order is known.
    for i, change in enumerate(changes):
        change.at = start + datetime.timedelta(minutes=i)
    Change.objects.bulk_update(changes, ["at"])
    return changes


# --- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_every_member_sees_the_history(client, organization, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.get(history_url(organization))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert b'aria-current="page">History</a>' in response.content


# --- what it shows --------------------------------------------------------------------------


def test_an_organization_without_changes_explains_what_will_appear(client, organization, viewer):
    client.force_login(viewer)
    html = client.get(history_url(organization)).content.decode()
    assert (
        "Nothing has changed yet. Edits to headcount, the team, hires, segments, members " in html
    )
    assert "and settings appear here." in html


def test_it_shows_who_did_what_and_the_values_before_and_after(client, organization, owner):
    snapshot = services.snapshot_create(
        organization=organization, actor=owner, quarter=FY2027_Q1, sales=30, customer_success=10
    )
    services.snapshot_update(
        snapshot=snapshot, actor=owner, expected_version=1, customer_success=12
    )
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert "Updated headcount FY2027 Q1" in html
    assert "Created headcount FY2027 Q1" in html
    assert owner.username in html
    assert "<dt>Customer success</dt>" in html
    assert '<span class="before">10</span>' in html
    assert '<span class="after">12</span>' in html
    assert "changed to" in html


def test_it_shows_when_in_readable_local_time(client, organization, owner, settings):
    settings.TIME_ZONE = "Europe/Paris"
    [change] = record(organization)
    Change.objects.filter(pk=change.pk).update(
        at=datetime.datetime(2026, 3, 3, 13, 5, tzinfo=datetime.UTC)
    )
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert "Tue 3 Mar 2026, 14:05 CET" in html
    assert 'datetime="2026-03-03T14:05:00+01:00"' in html


def test_a_deleted_actor_is_someone_no_longer_here(client, organization, owner):
    gone = UserFactory(username="departed")
    record(organization, actor=gone)
    gone.delete()
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert "someone no longer here" in html
    assert "departed" not in html


def test_values_read_in_plain_words(client, organization, owner):
    services.organization_update(
        organization=organization,
        actor=owner,
        expected_version=1,
        reports_to=organization.ReportsTo.CRO,
        leader_has_adult_learning=True,
        fiscal_year_start_month=2,
        leader_strategic_share=50,
    )
    hire = services.hire_create(
        organization=organization,
        actor=owner,
        role=rules.SALES_ENABLEMENT,
        target_quarter=FY2027_Q1,
        annual_cost=95000,
    )
    services.hire_delete(hire=hire, actor=owner, expected_version=hire.version)
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert '<span class="before">VP Sales</span>' in html
    assert '<span class="after">Chief Revenue Officer</span>' in html
    assert "<dt>Leader has adult-learning expertise</dt>" in html
    assert '<span class="before">No</span>' in html
    assert '<span class="after">February</span>' in html
    assert '<span class="after">50%</span>' in html
    # A new hire lists what it was created with, a deleted one what it had.
    assert "Created planned hire Sales enablement for FY2027 Q1" in html
    assert "Deleted planned hire Sales enablement for FY2027 Q1" in html
    assert '<span class="after">Sales enablement</span>' in html
    assert '<span class="before">95,000</span>' in html
    assert "<dt>Notes</dt>" not in html  # left empty, so nothing to say


def test_an_update_from_nothing_says_not_set(client, organization, owner):
    member = services.team_member_create(
        organization=organization,
        actor=owner,
        role=rules.ENABLEMENT_LEADER,
        name="Ada",
        start_quarter=FY2027_Q1,
    )
    services.team_member_update(
        member=member, actor=owner, expected_version=1, end_quarter=FY2027_Q1 + 4
    )
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert "<dt>End quarter</dt>" in html
    assert '<span class="before empty">not set</span>' in html
    assert '<span class="after">FY2028 Q1</span>' in html


def test_the_newest_change_comes_first(client, organization, owner):
    start = timezone.now() - datetime.timedelta(hours=1)
    record(organization, label="oldest-change", start=start)
    record(organization, label="newest-change", start=start + datetime.timedelta(minutes=30))
    record(organization, label="middle-change", start=start + datetime.timedelta(minutes=10))
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert html.index("newest-change") < html.index("middle-change") < html.index("oldest-change")


def test_changes_at_the_same_moment_show_the_later_one_first(client, organization, owner):
    Change.objects.bulk_create(
        Change(organization=organization, action="created", entity="segment", label=label)
        for label in ("first-segment", "second-segment")
    )
    Change.objects.update(at=timezone.now())
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert html.index("second-segment") < html.index("first-segment")


def test_another_organizations_changes_never_appear(client, organization, owner):
    other = OrganizationFactory()
    record(other, label="their-secret-quarter", n=3)
    record(organization, label="our-quarter")
    client.force_login(owner)
    for params in ({}, {"entity": "headcount"}, {"page": 2}):
        html = client.get(history_url(organization, **params)).content.decode()
        assert "their-secret-quarter" not in html
        assert "our-quarter" in html


# --- pages ----------------------------------------------------------------------------------


def test_it_shows_fifty_changes_a_page_with_a_link_to_older_ones(client, organization, owner):
    record(organization, n=51)
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert html.count('class="history-entry') == 50
    assert "Page 1 of 2" in html
    assert 'href="?page=2"' in html
    assert "Older changes" in html


def test_the_second_page_holds_the_oldest_change(client, organization, owner):
    changes = record(organization, n=51)
    client.force_login(owner)
    response = client.get(history_url(organization, page=2))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="history-entry') == 1
    assert f'id="change-{changes[0].pk}"' in html
    assert 'href="?page=1"' in html
    assert "Newer changes" in html


def test_one_page_of_changes_shows_no_page_links(client, organization, owner):
    record(organization, n=50)
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert "Older changes" not in html
    assert "Page 1 of" not in html


@pytest.mark.parametrize(
    ("page", "shown"),
    [("abc", "Page 1 of 2"), ("", "Page 1 of 2"), ("99", "Page 2 of 2"), ("-1", "Page 2 of 2")],
)
def test_a_page_that_makes_no_sense_shows_the_first_or_last(
    client, organization, owner, page, shown
):
    record(organization, n=51)
    client.force_login(owner)
    response = client.get(history_url(organization, page=page))
    assert response.status_code == 200
    assert shown in response.content.decode()


def test_a_garbage_page_with_no_changes_is_still_the_empty_state(client, organization, owner):
    client.force_login(owner)
    response = client.get(history_url(organization, page="7"))
    assert response.status_code == 200
    assert b"Nothing has changed yet." in response.content


# --- filtering by what changed --------------------------------------------------------------


def test_it_filters_by_entity(client, organization, owner):
    record(organization, entity="headcount", label="a-quarter")
    record(organization, entity="segment", label="a-segment")
    client.force_login(owner)
    html = client.get(history_url(organization, entity="segment")).content.decode()
    assert "a-segment" in html
    assert "a-quarter" not in html
    assert '<option value="segment" selected>Segments</option>' in html


def test_entities_with_spaces_filter_too(client, organization, owner):
    record(organization, entity="team member", label="Ada")
    record(organization, entity="planned hire", label="Sales hire")
    client.force_login(owner)
    html = client.get(history_url(organization, entity="team+member")).content.decode()
    assert "Ada" in html
    assert "Sales hire" not in html


def test_settings_include_the_organizations_creation(client, user):
    organization = services.organization_create(name="Contoso", owner=user)
    record(organization, entity="segment", label="a-segment")
    client.force_login(user)
    html = client.get(history_url(organization, entity="settings")).content.decode()
    assert "Created organization Contoso" in html
    assert "a-segment" not in html


def test_page_links_keep_the_filter(client, organization, owner):
    record(organization, n=51, entity="segment")
    record(organization, n=3, entity="headcount")
    client.force_login(owner)
    html = client.get(history_url(organization, entity="segment")).content.decode()
    assert "51 changes to segments" in html
    assert 'href="?entity=segment&amp;page=2"' in html
    page_two = client.get(history_url(organization, entity="segment", page=2)).content.decode()
    assert page_two.count('class="history-entry') == 1


def test_an_unknown_entity_shows_everything(client, organization, owner):
    record(organization, entity="headcount", label="a-quarter")
    client.force_login(owner)
    response = client.get(history_url(organization, entity="nonsense"))
    assert response.status_code == 200
    assert b"a-quarter" in response.content
    assert b'<option value="" selected>All changes</option>' in response.content


def test_a_filter_without_matches_says_so_and_offers_all(client, organization, owner):
    record(organization, entity="headcount")
    client.force_login(owner)
    html = client.get(history_url(organization, entity="segment")).content.decode()
    assert "No changes to segments yet" in html
    assert "Show all changes" in html


def test_the_filter_has_a_visible_label(client, organization, owner):
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert '<label for="history-entity">Show</label>' in html


# --- htmx -----------------------------------------------------------------------------------


def test_htmx_gets_only_the_list(client, organization, owner):
    record(organization, n=51)
    client.force_login(owner)
    response = client.get(history_url(organization, page=2), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="history-list">')
    assert html.count('class="history-entry') == 1
    assert "HX-Request" in response.headers["Vary"]


def test_page_links_swap_the_list_and_keep_their_href(client, organization, owner):
    record(organization, n=51)
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert 'href="?page=2" hx-get="?page=2" hx-target="#history-list"' in html
    assert 'hx-push-url="true"' in html


def test_an_htmx_history_restore_gets_the_whole_page(client, organization, owner):
    client.force_login(owner)
    headers = HTMX | {"HX-History-Restore-Request": "true"}
    response = client.get(history_url(organization), headers=headers)
    assert b"<html" in response.content


# --- queries --------------------------------------------------------------------------------


def test_it_runs_a_fixed_number_of_queries(
    client, organization, owner, django_assert_max_num_queries
):
    actors = UserFactory.create_batch(5)
    for actor in actors:
        record(organization, n=100, actor=actor)
    client.force_login(owner)
    # session, user, membership, count of changes, the page of changes with their actors,
    # the organization switcher
    with django_assert_max_num_queries(6):
        response = client.get(history_url(organization, page=3))
    assert response.status_code == 200
    assert response.content.decode().count('class="history-entry') == 50


def test_hires_planned_at_once_read_as_one_entry_that_says_how_many(client, organization, owner):
    services.hires_plan(
        organization=organization,
        actor=owner,
        role=rules.CS_ENABLEMENT,
        target_quarter=FY2027_Q1,
        count=4,
        is_manager=True,
    )
    client.force_login(owner)
    html = client.get(history_url(organization)).content.decode()
    assert html.count('class="history-entry') == 1
    assert "Created planned hire 4 × CS enablement for FY2027 Q1" in html
    assert "<dt>Hires planned at once</dt>" in html
    assert "<dt>Manages others in the role</dt>" in html


def test_a_change_in_a_scenario_names_the_scenario(
    client, organization, owner, django_assert_max_num_queries
):
    now = current_quarter(organization)
    SnapshotFactory(organization=organization, quarter=now, sales=10)
    scenario = services.scenario_create(organization=organization, actor=owner, name="Freeze")
    ten_scenarios(organization)
    row = scenario.snapshots.get()
    services.snapshot_update(snapshot=row, actor=owner, sales=20)
    client.force_login(owner)
    # As many queries with scenarios as without: the name is kept on the change itself.
    with django_assert_max_num_queries(6):
        html = client.get(history_url(organization)).content.decode()
    assert html.count("in scenario “Freeze”") == 1
    html = client.get(history_url(organization, entity="scenario")).content.decode()
    assert html.count('class="history-entry') == 11
