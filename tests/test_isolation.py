"""Tenant isolation and roles, proven on every URL the project has.

The URL list comes from the resolver, not from a hand-kept list, and each view's access
comes from its own ``organization_view`` declaration: a new URL under ``o/<slug>/`` is
checked automatically, and one that acts on an object (``<pk>``) or lives outside
organizations fails here until this file says how to make its object or why it is not
organization-scoped. After every refused change, the database is compared with what it
held before: a refusal that answers correctly but has written something still fails.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner import services
from planner.models import Membership
from planner.planning import current_quarter
from planner.urls import org
from planner.views.access import READ, SAFE_METHODS, WRITE
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    SnapshotFactory,
    UserFactory,
)
from tests.url_catalogue import (
    ACCESS,
    ALL_URLS,
    NOT_ORGANIZATION_SCOPED,
    OBJECT_FOR,
    ORG_URLS,
    make_target,
)

WRITE_METHODS = ("post", "put", "patch", "delete")
ROLES = ("owner", "editor", "viewer")


def test_every_url_is_either_organization_scoped_or_known_to_be_outside():
    unknown = [
        (route, entry.name)
        for route, entry in ALL_URLS
        if not route.startswith(org)
        and not route.startswith("admin/")
        and entry.name not in NOT_ORGANIZATION_SCOPED
    ]
    assert unknown == [], "Say whether these URLs belong to an organization"


def test_every_organization_view_declares_its_access():
    assert [name for name, access in ACCESS.items() if not access] == []


def test_no_view_outside_organizations_claims_organization_access():
    claims = [
        entry.name
        for route, entry in ALL_URLS
        if not route.startswith(org) and hasattr(entry.callback, "access")
    ]
    assert claims == []


def test_every_object_url_knows_how_to_make_its_object():
    needs_object = {name for name, route in ORG_URLS if "<int:pk>" in route}
    assert needs_object - set(OBJECT_FOR) == set()


def test_every_organization_url_has_a_name():
    assert all(entry.name for route, entry in ALL_URLS if route.startswith(org))


def database_state() -> dict[str, list[dict]]:
    """Every row of the planner's tables and of the user table, to compare before and after."""
    models = [*apps.get_app_config("planner").get_models(), get_user_model()]
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}


def expected_status(name: str, method: str, role: str) -> int | None:
    """403, 405, or None where the member gets through to the view itself."""
    access = ACCESS[name]
    verb = method.upper()
    needed = access.get(verb, READ if verb in SAFE_METHODS else WRITE)
    if not needed.allows(Membership(role=role)):
        return 403
    return None if verb in access else 405


@pytest.fixture
def world(db):
    """Organization A with one user per role; organization B with its own owner."""
    a, b = OrganizationFactory(slug="alpha"), OrganizationFactory(slug="beta")
    users = {
        role: MembershipFactory(organization=a, role=role).user
        for role in ("owner", "editor", "viewer")
    }
    users["outsider"] = MembershipFactory(organization=b, role="owner").user
    return a, b, users


def _url(name, organization, obj=None):
    kwargs = {"slug": organization.slug}
    if obj is not None:
        kwargs["pk"] = obj.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_anonymous_users_are_sent_to_login(client, world, name, route):
    a, _, _ = world
    url = _url(name, a, make_target(name, a))
    before = database_state()
    for method in ("get", *WRITE_METHODS):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)
    assert database_state() == before


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_a_user_of_another_organization_gets_404_on_every_method(client, world, name, route):
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users["outsider"])
    before = database_state()
    for method in ("get", "head", "options", *WRITE_METHODS):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert database_state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_each_role_gets_exactly_what_the_view_declares(client, world, name, route, role):
    """Refused methods change nothing; allowed reads answer 200; allowed writes get through."""
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users[role])
    # POST last: an allowed one may end the membership (leaving) or the object (deleting).
    for method in ("get", "head", "put", "patch", "delete", "post"):
        expected = expected_status(name, method, role)
        before = database_state()
        status = getattr(client, method)(url).status_code
        if expected is not None:
            assert status == expected, (role, method, url)
            assert database_state() == before, (role, method, url)
        elif method == "get":
            assert status == 200, (role, method, url)
        else:
            assert status not in (403, 404, 405) and status < 500, (role, method, url, status)


def test_the_matrix_refuses_viewers_every_change_but_leaving():
    viewer_writes = {
        name for name, access in ACCESS.items() if "POST" in access and access["POST"] == READ
    }
    assert viewer_writes == {"member_leave"}


@pytest.mark.parametrize(
    ("name", "route"), [(name, route) for name, route in ORG_URLS if "<int:pk>" in route]
)
def test_an_object_of_another_organization_is_not_found_under_ones_own(client, world, name, route):
    a, b, users = world
    foreign = make_target(name, b)
    url = reverse(name, kwargs={"slug": a.slug, "pk": foreign.pk})
    client.force_login(users["owner"])
    before = database_state()
    assert client.post(url).status_code == 404, url
    assert database_state() == before
    # A POST-only endpoint answers GET with 405 before looking anything up, whatever the id.
    assert client.get(url).status_code == (404 if "GET" in ACCESS[name] else 405), url


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_a_scenario_of_another_organization_is_not_found_in_the_query_string(
    client, world, name, route
):
    """``?scenario=<id of B's scenario>`` on any of A's URLs: 404 on every method, and
    nothing written, whatever the page does with a scenario."""
    a, b, users = world
    foreign = services.scenario_create(organization=b, actor=None, name="Theirs")
    target = make_target(name, a)
    url = _url(name, a, target) + f"?scenario={foreign.pk}"
    client.force_login(users["owner"])
    before = database_state()
    assert client.get(url).status_code == 404, url
    assert client.post(url).status_code == 404, url
    assert database_state() == before


@pytest.mark.parametrize("name", ["gap", "headcount", "compare", "compare_csv"])
@pytest.mark.parametrize("raw", ["nonsense", "-1", "999999"])
def test_a_scenario_that_is_not_there_is_not_found(client, world, name, raw):
    a, _, users = world
    client.force_login(users["owner"])
    parameter = "s" if name.startswith("compare") else "scenario"
    assert client.get(_url(name, a) + f"?{parameter}={raw}").status_code == 404


def test_a_scenario_of_another_organization_cannot_be_compared(client, world):
    a, b, users = world
    ours = services.scenario_create(organization=a, actor=None, name="Ours")
    theirs = services.scenario_create(organization=b, actor=None, name="Theirs")
    client.force_login(users["owner"])
    for name in ("compare", "compare_csv", "compare_xlsx"):
        url = _url(name, a) + f"?s={ours.pk}&s={theirs.pk}"
        assert client.get(url).status_code == 404, url


def test_a_scenario_row_is_not_reached_through_the_plan_nor_another_scenario(client, world):
    """A scenario's forecast quarter has its own id: the plan's URL (no ``?scenario``) and
    another scenario's do not find it, and nothing changes."""
    a, _, users = world
    now = current_quarter(a)
    SnapshotFactory(organization=a, quarter=now)
    first = services.scenario_create(organization=a, actor=None, name="First")
    second = services.scenario_create(organization=a, actor=None, name="Second")
    row = first.snapshots.get()
    client.force_login(users["owner"])
    before = database_state()
    data = {"sales": 1, "customer_success": 1, "other": 1, "version": row.version}
    for query in ("", f"?scenario={second.pk}"):
        url = _url("snapshot_update", a, row) + query
        assert client.post(url, data).status_code == 404, url
        url = _url("snapshot_delete", a, row) + query
        assert client.post(url, {"version": row.version}).status_code == 404, url
    assert database_state() == before


def test_the_isolation_checks_cover_the_export(world):
    assert "roadmap_csv" in {name for name, _ in ORG_URLS}


def test_a_user_with_no_membership_sees_no_organization(client, world):
    a, _, _ = world
    client.force_login(UserFactory())
    assert client.get(reverse("gap", args=[a.slug])).status_code == 404


def test_a_share_link_shows_its_own_organization_s_summary_and_changes_nothing(client, world):
    """The link's token is its only credential: it reads one summary, and writes nothing but
    when it was last opened."""
    a, b, users = world
    a.name, b.name = "Alpha Analytics", "Beta Bikes"
    for organization, sales in ((a, 120), (b, 777)):
        organization.save()
        SnapshotFactory(
            organization=organization,
            quarter=current_quarter(organization),
            sales=sales,
            customer_success=0,
            other=0,
        )
    _, token = services.share_link_create(organization=a, actor=users["owner"], days=30)
    url = reverse("shared_summary", args=[token])
    html = client.get(url).content.decode()
    assert a.name in html and "<strong>120</strong> customer-facing" in html
    assert b.name not in html and "777" not in html
    for user in users.values():
        assert user.username not in html
    before = database_state()
    for method in WRITE_METHODS:
        assert getattr(client, method)(url).status_code == 405, method
    assert database_state() == before
    # Someone logged in to another organization sees the same summary and nothing more.
    client.force_login(users["outsider"])
    assert client.get(url).status_code == 200
    assert client.get(reverse("roadmap", args=[a.slug])).status_code == 404
