"""Tenant isolation, proven on every URL the project has.

The URL list comes from the resolver, not from a hand-kept list: a new URL under
``o/<slug>/`` is checked automatically, and one that acts on an object (``<pk>``) or lives
outside organizations fails here until this file says how to make its object or why it is
not organization-scoped.
"""

import pytest
from django.urls import reverse

from planner.urls import VIEWERS_MAY_WRITE, org
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.url_catalogue import (
    ALL_URLS,
    NOT_ORGANIZATION_SCOPED,
    OBJECT_FOR,
    ORG_URLS,
    OWNER_ONLY,
    make_target,
)

WRITE_METHODS = ("post", "put", "patch", "delete")


def test_every_url_is_either_organization_scoped_or_known_to_be_outside():
    unknown = [
        (route, entry.name)
        for route, entry in ALL_URLS
        if not route.startswith(org)
        and not route.startswith("admin/")
        and entry.name not in NOT_ORGANIZATION_SCOPED
    ]
    assert unknown == [], "Say whether these URLs belong to an organization"


def test_every_object_url_knows_how_to_make_its_object():
    needs_object = {name for name, route in ORG_URLS if "<int:pk>" in route}
    assert needs_object - set(OBJECT_FOR) == set()


def test_every_organization_url_has_a_name():
    assert all(entry.name for route, entry in ALL_URLS if route.startswith(org))


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
    for method in ("get", *WRITE_METHODS):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("login")), (method, url)


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_a_user_of_another_organization_gets_404_on_every_method(client, world, name, route):
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users["outsider"])
    for method in ("get", "head", "options", *WRITE_METHODS):
        assert getattr(client, method)(url).status_code == 404, (method, url)


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_a_viewer_is_refused_every_change(client, world, name, route):
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users["viewer"])
    if name in VIEWERS_MAY_WRITE:
        pytest.skip(f"{name}: a viewer may do this (urls.VIEWERS_MAY_WRITE)")
    for method in WRITE_METHODS:
        assert getattr(client, method)(url).status_code == 403, (method, url)


@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_a_viewer_can_read_what_members_read(client, world, name, route):
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users["viewer"])
    # 403: a page that only serves a change (an edit form, a delete confirmation);
    # 405: an endpoint that only takes POST.
    assert client.get(url).status_code in (200, 403, 405)


@pytest.mark.parametrize("role", ["owner", "editor"])
@pytest.mark.parametrize(("name", "route"), ORG_URLS)
def test_editors_and_owners_get_through(client, world, name, route, role):
    a, _, users = world
    url = _url(name, a, make_target(name, a))
    client.force_login(users[role])
    if role == "editor" and name in OWNER_ONLY:
        assert client.post(url).status_code == 403, url
        assert client.get(url).status_code in (403, 405), url
        return
    for method in ("get", "post"):
        status = getattr(client, method)(url).status_code
        assert status not in (403, 404, 500), (method, url, status)


@pytest.mark.parametrize(
    ("name", "route"), [(name, route) for name, route in ORG_URLS if "<int:pk>" in route]
)
def test_an_object_of_another_organization_is_not_found_under_ones_own(client, world, name, route):
    a, b, users = world
    foreign = make_target(name, b)
    url = reverse(name, kwargs={"slug": a.slug, "pk": foreign.pk})
    client.force_login(users["owner"])
    assert client.post(url).status_code == 404, url
    # A POST-only endpoint answers GET with 405 before looking anything up, whatever the id.
    assert client.get(url).status_code in (404, 405), url


def test_the_isolation_checks_cover_the_export(world):
    assert "roadmap_csv" in {name for name, _ in ORG_URLS}


def test_a_user_with_no_membership_sees_no_organization(client, world):
    a, _, _ = world
    client.force_login(UserFactory())
    assert client.get(reverse("gap", args=[a.slug])).status_code == 404
