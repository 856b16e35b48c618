"""The leadership summary, and the read-only share links that show it to non-members."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from planner import rules, services
from planner.models import Change, Entity, HeadcountSnapshot, PlannedHire, ShareLink, TeamMember
from tests.factories import (
    MembershipFactory,
    OrganizationFactory,
    PlannedHireFactory,
    RoleCostFactory,
    SnapshotFactory,
    TeamMemberFactory,
    UserFactory,
    ten_scenarios,
)

LINK = re.compile(r'value="(https?://testserver(/s/[^/"]+/))"')


@pytest.fixture
def plan_data(organization, now):
    """Stage 2 from now on (80 customer-facing, growing by 10 a quarter); a leader in seat,
    a program manager planned for next quarter."""
    organization.currency = "EUR"
    organization.save()
    for offset in range(-2, 6):
        SnapshotFactory(organization=organization, quarter=now + offset, sales=80 + 10 * offset)
    TeamMemberFactory(
        organization=organization, role=rules.ENABLEMENT_LEADER, name="Maya", start_quarter=now - 2
    )
    PlannedHireFactory(
        organization=organization, role=rules.PROGRAM_MANAGER, target_quarter=now + 1
    )
    RoleCostFactory(organization=organization, role=rules.ENABLEMENT_LEADER, annual_cost=180000)
    RoleCostFactory(organization=organization, role=rules.PROGRAM_MANAGER, annual_cost=120000)
    return now


def summary_url(organization):
    return reverse("summary", args=[organization.slug])


def make_link(client, organization, days=30):
    """Makes a link as the logged-in owner; returns its path, read off the members page."""
    response = client.post(
        reverse("share_link_create", args=[organization.slug]), {"days": days}, follow=True
    )
    assert response.status_code == 200
    return LINK.search(response.content.decode())[2]


# --- the members' summary --------------------------------------------------------------------


def test_it_shows_stage_team_requisitions_cost_charts_and_reasons(
    client, organization, viewer, plan_data
):
    client.force_login(viewer)
    response = client.get(summary_url(organization))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stage 2 · Expansion" in html
    assert 'id="summary-recommended">2<' in html  # 80 now: leader, adult-learning specialist
    assert 'id="summary-in-seat">1<' in html
    # The leader in seat this year: 180,000 a year; the planned PM from next quarter.
    assert "This fiscal year" in html and "Next fiscal year" in html
    assert "180,000\N{NO-BREAK SPACE}EUR" in html
    for chart in ("headcount", "team", "ratio", "stages", "cost"):
        assert f'id="chart-{chart}"' in html
    assert html.count("<title id=") == 5 and html.count("<desc id=") == 5
    assert "Adult-learning specialist" in html and "Your enablement leader has no" in html
    # The summary names no member: the same page goes out through share links.
    assert "Maya" not in html.split('id="summary"')[1]


def test_it_says_so_when_there_is_no_headcount(client, organization, viewer):
    client.force_login(viewer)
    html = client.get(summary_url(organization)).content.decode()
    assert "No customer-facing headcount has been entered yet" in html


def test_the_summary_runs_a_fixed_number_of_queries(
    client, organization, owner, now, django_assert_max_num_queries
):
    HeadcountSnapshot.objects.bulk_create(
        HeadcountSnapshot(organization=organization, quarter=now - 10 + i, sales=40 + 60 * i)
        for i in range(40)
    )
    TeamMember.objects.bulk_create(
        TeamMember(
            organization=organization,
            role=rules.ROLES[i % 7],
            name=f"Person {i}",
            start_quarter=now - 10 + i % 30,
            annual_cost=Decimal(90000 + i) if i % 2 else None,
        )
        for i in range(50)
    )
    PlannedHire.objects.bulk_create(
        PlannedHire(organization=organization, role=rules.ROLES[i % 7], target_quarter=now + i)
        for i in range(50)
    )
    for role in rules.ROLES:
        RoleCostFactory(organization=organization, role=role)
    ten_scenarios(organization)
    client.force_login(owner)
    # session, user, membership with its organization, load_plan's five (snapshots, team,
    # hires, segments, role costs), the organization switcher.
    with django_assert_max_num_queries(9):
        response = client.get(summary_url(organization))
    assert response.status_code == 200
    assert response.content.decode().count("<svg") == 5


# --- share links --------------------------------------------------------------------------------


def test_an_owner_makes_a_link_that_is_shown_once_and_listed(client, organization, owner):
    client.force_login(owner)
    path = make_link(client, organization)
    link = ShareLink.objects.get()
    assert link.token_digest not in path  # only the digest is stored
    assert link.expires_at - timezone.now() > timedelta(days=29, hours=23)
    assert link.created_by == owner
    page = client.get(reverse("members", args=[organization.slug])).content.decode()
    assert path not in page  # shown once
    assert f'id="share-link-{link.pk}"' in page and owner.username in page and "never" in page


@pytest.mark.parametrize(
    ("days", "message"), [(91, "at most 90 days"), (0, "1 to 90"), ("", "1 to 90")]
)
def test_a_link_lasts_1_to_90_days(client, organization, owner, days, message):
    client.force_login(owner)
    response = client.post(reverse("share_link_create", args=[organization.slug]), {"days": days})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_link_shows_the_summary_alone_to_anyone_and_is_kept_by_no_cache(
    client, organization, owner, plan_data
):
    client.force_login(owner)
    path = make_link(client, organization)
    client.logout()
    response = client.get(path)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "Stage 2 · Expansion" in html and 'id="chart-cost"' in html
    # No navigation, no member names, no form, no link into the app.
    assert "<nav" not in html and "<form" not in html and "Maya" not in html
    assert owner.username not in html
    assert f"/o/{organization.slug}/" not in html
    # The link opens nothing else: the organization's pages still want a login.
    assert client.get(reverse("roadmap", args=[organization.slug])).status_code == 302


def test_opening_is_noted_and_recorded_at_most_once_an_hour(client, organization, owner):
    client.force_login(owner)
    path = make_link(client, organization)
    client.logout()
    client.get(path)
    client.get(path)
    link = ShareLink.objects.get()
    assert link.last_opened_at is not None
    opened = Change.objects.filter(entity=Entity.SHARE_LINK, action="updated")
    assert opened.count() == 1
    ShareLink.objects.update(last_recorded_at=timezone.now() - timedelta(minutes=61))
    client.get(path)
    assert opened.count() == 2


def test_a_revoked_link_answers_404_and_the_revocation_is_in_the_history(
    client, organization, owner
):
    client.force_login(owner)
    path = make_link(client, organization)
    link = ShareLink.objects.get()
    response = client.post(reverse("share_link_revoke", args=[organization.slug, link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == owner
    assert client.get(path).status_code == 404
    entries = Change.objects.filter(entity=Entity.SHARE_LINK).values_list("action", flat=True)
    assert sorted(entries) == ["created", "deleted"]
    # Revoking again changes nothing and records nothing.
    client.post(reverse("share_link_revoke", args=[organization.slug, link.pk]))
    assert Change.objects.filter(entity=Entity.SHARE_LINK).count() == 2


def test_an_expired_link_answers_404(client, organization, owner):
    client.force_login(owner)
    path = make_link(client, organization, days=1)
    ShareLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(path).status_code == 404
    assert not ShareLink.objects.filter(last_opened_at__isnull=False).exists()


@pytest.mark.parametrize("token", ["x", "a" * 43, "../../o/org/roadmap"])
def test_an_unknown_token_answers_404(client, db, token):
    assert client.get(f"/s/{token}/").status_code == 404


def test_a_link_of_another_organization_cannot_be_revoked_from_ones_own(
    client, organization, owner
):
    other_owner = UserFactory()

    other = OrganizationFactory()
    MembershipFactory(organization=other, user=other_owner)
    link, _token = services.share_link_create(organization=other, actor=other_owner, days=5)
    client.force_login(owner)
    url = reverse("share_link_revoke", args=[organization.slug, link.pk])
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_only_owners_see_the_share_links(client, organization, owner, editor):
    services.share_link_create(organization=organization, actor=owner, days=5)
    client.force_login(editor)
    html = client.get(reverse("members", args=[organization.slug])).content.decode()
    assert 'id="share-links"' not in html


def test_the_history_tells_who_made_opened_and_revoked_a_link(client, organization, owner):
    client.force_login(owner)
    path = make_link(client, organization)
    link = ShareLink.objects.get()
    client.logout()
    assert client.get(path).status_code == 200
    client.force_login(owner)
    client.post(reverse("share_link_revoke", args=[organization.slug, link.pk]))
    url = reverse("history", args=[organization.slug]) + "?entity=member"
    html = client.get(url).content.decode()
    assert f"Created share link {link.hint}…" in html
    assert f"Updated share link {link.hint}…" in html and "Someone with the link" in html
    assert f"Deleted share link {link.hint}…" in html


def test_the_summary_and_its_share_link_announce_the_stage_change_ahead(
    client, organization, owner, crossing
):
    client.force_login(owner)
    html = client.get(summary_url(organization)).content.decode()
    assert crossing in html and "<cite>B lead time</cite>" in html
    path = make_link(client, organization)
    client.logout()
    shared = client.get(path).content.decode()
    assert crossing in shared
    assert "<cite>" not in shared  # no link into the rest of the app from a share link
