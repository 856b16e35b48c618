"""The language switcher, the language each reader gets, and the pages read in Polish."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from planner import rules
from planner.models import UserPreferences
from tests.factories import PlannedHireFactory, SnapshotFactory, TeamMemberFactory, UserFactory

SWITCH = reverse("language_set")
PAGES = ("gap", "headcount", "team", "roadmap", "summary", "organization_settings", "members")
# Sentences of the English pages that must not survive a switch to Polish.
ENGLISH = (
    "What to do now",
    "Recommended team",
    "customer-facing",
    "Planned hires",
    "Ratio in seat",
    "How the recommendations work",
    "Log out",
    "Team &amp; hires",
    "Settings",
    "still to plan",
    "requisition by",
)


def switch(client, language: str, next_url: str = "/"):
    return client.post(SWITCH, {"language": language, "next": next_url})


@pytest.fixture
def plan(organization, now):
    """Enough of a plan that every part of the pages has something to say."""
    SnapshotFactory(organization=organization, quarter=now - 1, sales=700, customer_success=300)
    SnapshotFactory(organization=organization, quarter=now, sales=1700, customer_success=500)
    TeamMemberFactory(
        organization=organization,
        role=rules.ENABLEMENT_LEADER,
        name="Ada",
        start_quarter=now - 2,
        annual_cost=Decimal("120000"),
    )
    PlannedHireFactory(
        organization=organization,
        role=rules.SALES_ENABLEMENT,
        target_quarter=now + 1,
        annual_cost=Decimal("95000.50"),
    )


def test_english_is_the_default(client, organization, owner, plan):
    client.force_login(owner)
    html = client.get(reverse("gap", args=[organization.slug])).content.decode()
    assert '<html lang="en"' in html
    assert "What to do now" in html


def test_a_visitor_s_choice_is_kept_in_a_cookie(client, db):
    response = switch(client, "pl", "/accounts/login/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="pl"' in html
    assert "Zaloguj się" in html


def test_a_signed_in_user_s_choice_is_remembered_for_them(client, owner):
    client.force_login(owner)
    switch(client, "pl")
    assert UserPreferences.objects.get(user=owner).language == "pl"
    switch(client, "en")
    assert UserPreferences.objects.get(user=owner).language == "en"


def test_the_choice_follows_the_user_to_another_browser(client, organization, owner, plan):
    owner.set_password("a-long-password-1")
    owner.save()
    UserPreferences.objects.create(user=owner, language="pl")
    # A fresh browser: no cookie, a browser asking for English.
    client.cookies.clear()
    client.post(
        reverse("login"),
        {"username": owner.username, "password": "a-long-password-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = client.get(reverse("gap", args=[organization.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Co zrobić teraz" in html.content.decode()


def test_a_user_who_never_chose_keeps_the_language_they_signed_in_with(client, db):
    user = UserFactory()
    user.set_password("a-long-password-1")
    user.save()
    switch(client, "pl")
    client.post(reverse("login"), {"username": user.username, "password": "a-long-password-1"})
    assert UserPreferences.objects.get(user=user).language == "pl"


def test_an_unknown_language_is_refused_with_a_reason(client, owner):
    client.force_login(owner)
    response = switch(client, "xx")
    assert response.status_code == 400
    assert "Choose a language" in response.content.decode()
    # Signing in made English theirs; the refused choice changed nothing.
    assert UserPreferences.objects.get(user=owner).language == "en"


def test_the_switcher_only_goes_back_within_the_site(client, db):
    response = switch(client, "pl", "https://evil.example.com/")
    assert response.url == "/"


def test_the_switcher_takes_only_posts(client, db):
    assert client.get(SWITCH).status_code == 405


def test_every_page_has_the_switcher(client, organization, owner, plan):
    client.force_login(owner)
    for name in PAGES:
        html = client.get(reverse(name, args=[organization.slug])).content.decode()
        assert f'action="{SWITCH}"' in html, name
        assert 'name="language" value="pl"' in html, name


def test_switching_costs_a_fixed_number_of_queries(client, owner, django_assert_max_num_queries):
    client.force_login(owner)
    # The session and the user; the preference read, full_clean's two uniqueness checks
    # (user, one-to-one) and its update; the session saved in a savepoint (3).
    with django_assert_max_num_queries(9):
        switch(client, "pl")


@pytest.mark.parametrize("name", PAGES)
def test_a_page_in_polish_has_no_english_left(client, organization, owner, plan, name):
    client.force_login(owner)
    switch(client, "pl")
    html = client.get(reverse(name, args=[organization.slug])).content.decode()
    assert '<html lang="pl"' in html
    left = [sentence for sentence in ENGLISH if sentence in html]
    assert left == []


def test_the_gap_in_polish_speaks_the_article_s_words(client, organization, owner, plan):
    client.force_login(owner)
    switch(client, "pl")
    html = client.get(reverse("gap", args=[organization.slug])).content.decode()
    assert "Co zrobić teraz" in html
    assert "Luka w zespole" in html
    assert "pracowników kontaktujących się z klientami" in html


def test_numbers_and_money_follow_the_language(client, organization, owner, plan):
    client.force_login(owner)
    url = reverse("team", args=[organization.slug])
    assert "95,000.50\N{NO-BREAK SPACE}USD" in client.get(url).content.decode()
    switch(client, "pl")
    # Polish groups thousands with a (no-break) space and writes a decimal comma.
    html = client.get(url).content.decode()
    assert "95\N{NO-BREAK SPACE}000,50\N{NO-BREAK SPACE}USD" in html


def test_numbers_in_attributes_stay_machine_readable_in_polish(client, organization, owner, plan):
    client.force_login(owner)
    switch(client, "pl")
    html = client.get(reverse("roadmap", args=[organization.slug])).content.decode()
    assert 'viewBox="' in html
    assert not any(
        "," in coordinate for coordinate in re.findall(r'\b(?:x|y|width|height)="([^"]*)"', html)
    )


def test_plural_forms_are_polish(db):
    with translation.override("pl"):
        assert rules.seats_in_words(rules.SALES_ENABLEMENT, 46, 6, 3) == (
            "46 — 6 menedżerów, 40 liderów"
        )
        assert rules.seats_in_words(rules.SALES_ENABLEMENT, 13, 2, 2) == (
            "13 — 2 menedżerów, 11 specjalistów"
        )


def test_amounts_typed_into_inputs_stay_machine_readable_in_polish(client, organization, owner):
    from planner.models import RoleCost

    RoleCost.objects.create(
        organization=organization, role=rules.ENABLEMENT_LEADER, annual_cost=Decimal("190000.50")
    )
    client.force_login(owner)
    switch(client, "pl")
    html = client.get(reverse("organization_settings", args=[organization.slug])).content.decode()
    assert 'value="190000.50"' in html  # a number input cannot read "190000,50"


def test_after_logging_out_the_browser_keeps_the_user_s_language(client, owner):
    owner.set_password("a-long-password-1")
    owner.save()
    UserPreferences.objects.create(user=owner, language="pl")
    client.post(reverse("login"), {"username": owner.username, "password": "a-long-password-1"})
    client.get(reverse("home"))
    client.post(reverse("logout"))
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="pl"' in html
