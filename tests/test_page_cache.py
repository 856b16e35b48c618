"""Kept pages (planner/page_cache.py): the same page as drawn afresh, never a stale one.

Every page kept is compared with the page drawn with no cache at all; every input of the
key (the state of the plan, the organization, the scenario, the role, the language and the
query string) is shown to give another page; the token of a form is the request's own.
"""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from planner import page_cache, rules, services
from planner.models import Membership, Organization
from planner.planning import current_quarter
from tests.factories import MembershipFactory, OrganizationFactory

KEPT_PAGES = ["gap", "roadmap", "headcount", "team", "history"]
# The CSRF token is masked anew for every answer, and a script's nonce is new every time.
TOKEN = re.compile(rb'(name="csrfmiddlewaretoken" value="|"x-csrftoken": "|nonce=")[^"]+"')


def without_tokens(content: bytes) -> bytes:
    return TOKEN.sub(rb'\1-"', content)


@pytest.fixture
def plan(organization, owner):
    now = current_quarter(organization)
    services.snapshot_create(
        organization=organization,
        actor=owner,
        quarter=now,
        sales=300,
        customer_success=100,
        other=20,
    )
    services.hire_create(
        organization=organization, actor=owner, role=rules.SALES_ENABLEMENT, target_quarter=now + 1
    )
    return organization


def set_sales(snapshot, owner, sales: int) -> None:
    """A write through the service, as the grid makes it: the plan's one quarter gets
    ``sales`` (with 100 in customer success and 20 other)."""
    services.snapshot_update(
        snapshot=snapshot,
        actor=owner,
        expected_version=snapshot.version,
        sales=sales,
        customer_success=100,
        other=20,
    )


def get(client: Client, name: str, organization: Organization, query: str = "") -> bytes:
    response = client.get(reverse(name, args=[organization.slug]) + query)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_a_kept_page_is_the_page_drawn_afresh(client, plan, owner, name, settings):
    client.force_login(owner)
    kept_first = get(client, name, plan)
    kept_again = get(client, name, plan)
    no_kept_pages(settings)
    afresh = get(client, name, plan)
    assert without_tokens(kept_first) == without_tokens(afresh)
    assert without_tokens(kept_again) == without_tokens(afresh)


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_a_page_drawn_again_reads_nothing_of_the_plan(
    client, plan, owner, name, django_assert_max_num_queries
):
    """Session, user, membership and the header's organizations: the reads of every
    signed-in page."""
    client.force_login(owner)
    get(client, name, plan)
    with django_assert_max_num_queries(4):
        get(client, name, plan)


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_every_form_carries_the_token_of_its_own_request(plan, owner, editor, name):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(editor)
    get(first, name, plan)
    content = get(second, name, plan)  # kept, drawn for the first
    token = second.cookies["csrftoken"].value
    found = re.findall(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    assert page_cache.CSRF_PLACEHOLDER.encode() not in content
    if name in ("headcount", "team"):
        assert found  # these pages have forms with a token
    for masked in {*found}:
        assert _unmask_cipher_token(masked.decode()) == token


def test_a_post_with_the_token_of_a_kept_page_is_accepted(plan, owner, editor):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(owner)
    second.force_login(editor)
    get(first, "headcount", plan)
    content = get(second, "headcount", plan)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1)
    snapshot = plan.snapshots.get()
    response = second.post(
        reverse("snapshot_update", args=[plan.slug, snapshot.pk]),
        {
            "sales": 301,
            "customer_success": 100,
            "other": 20,
            "version": snapshot.version,
            "csrfmiddlewaretoken": token.decode(),
        },
    )
    assert response.status_code in (200, 302)
    snapshot.refresh_from_db()
    assert snapshot.sales == 301


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_a_write_shows_at_once(client, plan, owner, name):
    client.force_login(owner)
    snapshot = plan.snapshots.get()
    before = get(client, name, plan)
    set_sales(snapshot, owner, 1300)
    after = get(client, name, plan)
    assert after != before
    assert b"1420" in after or b"1,420" in after or b"1300" in after or b"1,300" in after


def test_a_write_through_the_grid_moves_the_gap_page_on(client, plan, owner):
    client.force_login(owner)
    assert b"Stage 1" not in get(client, "gap", plan)  # 420 customer-facing: stage 2
    snapshot = plan.snapshots.get()
    client.post(
        reverse("snapshot_update", args=[plan.slug, snapshot.pk]),
        {"sales": 40, "customer_success": 0, "other": 0, "version": snapshot.version},
        headers={"HX-Request": "true"},
    )
    assert b'id="gap-stage">Stage 1' in get(client, "gap", plan)


def no_kept_pages(settings) -> None:
    settings.CACHES = {
        **settings.CACHES,
        page_cache.CACHE: {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_a_viewer_never_gets_the_page_kept_for_an_owner(
    client, plan, owner, viewer, name, settings
):
    client.force_login(owner)
    for_owner = get(client, name, plan)
    client.force_login(viewer)
    for_viewer = get(client, name, plan)
    no_kept_pages(settings)
    assert without_tokens(for_viewer) == without_tokens(get(client, name, plan))
    assert without_tokens(for_viewer) != without_tokens(for_owner)


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_each_language_has_its_own_page(client, plan, owner, name):
    client.force_login(owner)
    english = get(client, name, plan)
    client.post(reverse("language_set"), {"language": "pl", "next": "/"})
    polish = get(client, name, plan)
    assert polish != english
    assert b'lang="pl"' in polish


@pytest.mark.parametrize("name", KEPT_PAGES)
def test_a_scenario_has_its_own_page(client, plan, owner, name):
    scenario = services.scenario_create(organization=plan, actor=owner, name="Bold")
    client.force_login(owner)
    baseline = get(client, name, plan)
    in_scenario = get(client, name, plan, f"?scenario={scenario.pk}")
    assert b"Bold" in in_scenario
    assert in_scenario != baseline


def test_the_key_names_everything_a_page_depends_on(rf, plan, owner):
    membership = Membership.objects.select_related("organization").get(
        organization=plan, user=owner
    )
    request = rf.get("/", {"quarter": "FY2027Q1", "hire_role": "sales_enablement"})
    key = page_cache.page_key(request, membership, "gap")
    reordered = rf.get("/", {"hire_role": "sales_enablement", "quarter": "FY2027Q1"})
    assert page_cache.page_key(reordered, membership, "gap") == key
    assert page_cache.page_key(rf.get("/", {"quarter": "FY2027Q2"}), membership, "gap") != key
    assert page_cache.page_key(request, membership, "roadmap") != key
    other = Membership.objects.select_related("organization").get(
        pk=MembershipFactory(organization=plan, role=Membership.Role.VIEWER).pk
    )
    assert page_cache.page_key(request, other, "gap") != key
    elsewhere = MembershipFactory(organization=OrganizationFactory(), role=membership.role)
    assert page_cache.page_key(request, elsewhere, "gap") != key


def test_every_write_moves_the_revision_and_an_old_copy_of_the_organization_cannot_undo_it(
    plan, owner
):
    stale = Organization.objects.get(pk=plan.pk)
    before = page_cache.plan_revision(plan)
    snapshot = plan.snapshots.get()
    set_sales(snapshot, owner, 301)
    assert page_cache.plan_revision(plan) == before + 1
    stale.name = "Renamed with an old copy"
    stale.save()
    assert page_cache.plan_revision(plan) == before + 1
    assert Organization.objects.get(pk=plan.pk).name == "Renamed with an old copy"


def csv_of(client: Client, organization: Organization) -> bytes:
    response = client.get(reverse("roadmap_csv", args=[organization.slug]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_the_roadmap_csv_is_kept_until_the_plan_changes(client, plan, owner, settings):
    client.force_login(owner)
    kept_first, kept_again = csv_of(client, plan), csv_of(client, plan)
    snapshot = plan.snapshots.get()
    set_sales(snapshot, owner, 1300)
    after_the_write = csv_of(client, plan)
    assert b"1420" in after_the_write and b"1420" not in kept_first
    no_kept_pages(settings)
    assert kept_first == kept_again
    assert after_the_write == csv_of(client, plan)
