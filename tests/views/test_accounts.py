import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "quarterly-enablement-ratio-42"

User = get_user_model()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is slow on purpose; these tests are about the views, not the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signup_data(**overrides) -> dict:
    data = {
        "username": "avery",
        "email": "avery@example.com",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- login and logout ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_links_to_sign_up_and_password_reset(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b"<html" in response.content
    assert reverse("signup").encode() in response.content
    assert reverse("password_reset").encode() in response.content
    assert b'<label for="id_username">' in response.content


@pytest.mark.django_db
def test_the_login_page_hides_sign_up_when_it_is_turned_off(client, settings):
    settings.SIGNUP_ENABLED = False
    response = client.get(reverse("login"))
    assert reverse("signup").encode() not in response.content
    assert reverse("password_reset").encode() in response.content


def test_it_logs_a_user_in_and_sends_them_home(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_logged_in(client)


def test_someone_in_one_organization_lands_in_it_after_login(client, user):
    membership = MembershipFactory(user=user)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.url == reverse("gap", args=[membership.organization.slug])


def test_someone_in_several_organizations_or_none_lands_on_the_list(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.url == reverse("home")
    client.logout()
    MembershipFactory.create_batch(2, user=user)
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.url == reverse("home")


def test_a_next_wins_over_the_only_organization(client, user):
    MembershipFactory(user=user)
    target = reverse("account")
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.url == target


def test_it_refuses_a_wrong_password_with_a_message(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": "nope"})
    assert response.status_code == 200
    assert b"correct username and password" in response.content
    assert not is_logged_in(client)


def test_it_follows_next_after_login(client, user):
    target = reverse("organization_create")
    response = client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": target}
    )
    assert response.url == target


def test_a_logged_in_user_visiting_login_goes_home(client, user):
    client.force_login(user)
    response = client.get(reverse("login"))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logout_logs_out_and_returns_to_login(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not is_logged_in(client)


def test_logout_rejects_get(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert is_logged_in(client)


def test_pages_offer_logout_as_a_form(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert f'action="{reverse("logout")}"'.encode() in response.content


# --- sign-up -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_signup_shows_a_form_with_every_field_labelled(client):
    response = client.get(reverse("signup"))
    assert response.status_code == 200
    for field in ("username", "email", "password1", "password2"):
        assert f'<label for="id_{field}">'.encode() in response.content


@pytest.mark.django_db
def test_signup_creates_the_account_logs_in_and_goes_home(client):
    response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302
    assert response.url == reverse("home")
    user = User.objects.get(username="avery")
    assert user.email == "avery@example.com"
    assert user.check_password(NEW_PASSWORD)
    assert is_logged_in(client)


@pytest.mark.django_db
def test_signup_requires_an_email(client):
    response = client.post(reverse("signup"), signup_data(email=""))
    assert response.status_code == 422
    assert b"Enter your email address" in response.content
    assert not User.objects.exists()


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_signup_says_the_same_whether_or_not_the_email_is_registered(client, mailoutbox):
    """The answer on the page is identical; only the mail to the address differs."""
    UserFactory(username="first", email="avery@example.com")
    taken = client.post(reverse("signup"), signup_data(email="avery@example.com"), follow=True)
    client.logout()
    fresh = client.post(
        reverse("signup"), signup_data(username="blake", email="blake@example.com"), follow=True
    )
    assert taken.status_code == fresh.status_code == 200
    said = [message.replace("avery", "X") for message in _messages(taken)]
    assert said == [message.replace("blake", "X") for message in _messages(fresh)]
    assert User.objects.filter(email__iexact="avery@example.com").count() == 2

    in_use, confirmation = mailoutbox
    assert in_use.to == ["avery@example.com"]
    assert in_use.subject == "You already have an Enablement Planner account"
    assert "/accounts/confirm-email/" not in in_use.body
    assert reverse("password_reset") in in_use.body
    assert confirmation.to == ["blake@example.com"]
    assert "/accounts/confirm-email/" in confirmation.body


@pytest.mark.django_db
def test_signup_rejects_a_username_taken_in_another_case(client):
    UserFactory(username="Avery")
    response = client.post(reverse("signup"), signup_data(email="other@example.com"))
    assert response.status_code == 422
    assert b"already exists" in response.content
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_signup_applies_the_password_validators(client):
    response = client.post(
        reverse("signup"), signup_data(password1="password", password2="password")
    )
    assert response.status_code == 422
    assert b"too common" in response.content
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_refused_password_is_explained_under_it_and_the_rest_is_kept(client):
    response = client.post(
        reverse("signup"),
        signup_data(username="ada", email="ada@example.com", password1="1234", password2="1234"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    password, repeat = html.index('id="id_password1"'), html.index('for="id_password2"')
    assert password < html.index("too short") < repeat
    assert password < html.index("entirely numeric") < repeat
    assert 'value="ada"' in html and 'value="ada@example.com"' in html
    assert 'value="1234"' not in html  # passwords are never sent back
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_rejects_passwords_that_do_not_match(client):
    response = client.post(reverse("signup"), signup_data(password2=NEW_PASSWORD + "x"))
    assert response.status_code == 422
    assert b"didn" in response.content  # “The two password fields didn’t match.”
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_is_not_found_when_turned_off(client, settings):
    settings.SIGNUP_ENABLED = False
    assert client.get(reverse("signup")).status_code == 404
    assert client.post(reverse("signup"), signup_data()).status_code == 404
    assert not User.objects.exists()


def test_signup_sends_a_logged_in_user_home(client, user):
    client.force_login(user)
    response = client.get(reverse("signup"))
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.django_db
def test_signup_rejects_other_methods(client):
    assert client.put(reverse("signup")).status_code == 405


# --- password change -----------------------------------------------------------------------


@pytest.mark.django_db
def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change_sets_the_new_password_and_keeps_the_user_logged_in(client, user):
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.url == reverse("password_change_done")
    assert b"Password changed" in client.get(response.url).content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_refuses_a_wrong_old_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert b"old password was entered incorrectly" in response.content
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- password reset ------------------------------------------------------------------------


def test_password_reset_emails_a_link_that_sets_a_new_password(client, user, mailoutbox):
    assert client.get(reverse("password_reset")).status_code == 200
    response = client.post(reverse("password_reset"), {"email": user.email.upper()})
    assert response.url == reverse("password_reset_done")
    assert b"Check your email" in client.get(response.url).content

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [user.email]
    assert message.subject == "Reset your Enablement Planner password"
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)[1]

    # Django swaps the token in the link for a session-held one, then shows the form.
    form_url = client.get(link).url
    page = client.get(form_url)
    assert b"Choose a new password" in page.content
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.url == reverse("password_reset_complete")
    assert b"Your password is reset" in client.get(response.url).content
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert b"This link no longer works" in client.get(link, follow=True).content


@pytest.mark.django_db
def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_broken_reset_link_says_so(client):
    url = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "bad-token"})
    response = client.get(url)
    assert response.status_code == 200
    assert b"This link no longer works" in response.content


def test_signup_returns_to_the_page_that_sent_the_user_here(client, db):
    target = "/invitations/some-token/"
    response = client.post(
        reverse("signup") + f"?next={target}",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert response.url == target


def test_signup_ignores_a_next_address_on_another_site(client, db):
    response = client.post(
        reverse("signup"),
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-passphrase-77",
            "password2": "a-long-passphrase-77",
            "next": "https://evil.example.com/",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_signup_form_carries_next_along(client, db):
    response = client.get(reverse("signup") + "?next=/invitations/abc/")
    assert b'name="next" value="/invitations/abc/"' in response.content


@pytest.mark.parametrize(
    "next_url",
    ["x", "logout", "home", "gap", "//evil.example.com/", "/\\evil.example.com", "javascript:x"],
)
def test_a_signed_in_user_is_sent_home_for_a_next_that_is_not_a_path_here(client, user, next_url):
    client.force_login(user)
    response = client.get(reverse("signup"), {"next": next_url})
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("next_url", ["x", "logout", "password_change"])
def test_signup_never_reads_next_as_a_view_name(client, db, next_url):
    response = client.post(reverse("signup"), signup_data(next=next_url))
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_logged_in(client)
    assert User.objects.filter(username="avery").count() == 1
