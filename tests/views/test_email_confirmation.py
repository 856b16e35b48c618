"""Confirming an e-mail address, and the "Your account" page that changes it."""

import re
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.signing import TimestampSigner
from django.urls import reverse

from planner import services
from planner.models import has_verified_email
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def confirm_url(user) -> str:
    return reverse("email_confirm", args=[services.email_confirmation_token(user)])


# --- the link -------------------------------------------------------------------------------


def test_signing_up_mails_a_link_that_confirms_the_address(client, db, mailoutbox):
    password = "a-long-passphrase-77"
    data = {"username": "avery", "email": "Avery@Example.com", "password1": password}
    client.post(reverse("signup"), {**data, "password2": password})
    (message,) = mailoutbox
    assert message.to == ["Avery@example.com"]
    assert message.subject == "Confirm your email address for Enablement Planner"
    link = CONFIRM_LINK.search(message.body)[1]
    user = get_user_model().objects.get(username="avery")
    assert not has_verified_email(user)

    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm that <strong>avery@example.com</strong>" in page.content.decode()
    assert not has_verified_email(user)  # opening the link alone confirms nothing

    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("account")
    assert has_verified_email(user)
    assert "confirmed" in client.get(response.url).content.decode()


def test_the_link_works_without_being_logged_in(client, user):
    response = client.post(confirm_url(user))
    assert response.status_code == 302 and response.url == reverse("login")
    assert has_verified_email(user)


def test_the_link_expires_after_three_days(client, user):
    url = confirm_url(user)
    later = time.time() + 3 * 24 * 3600 + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url)
    assert response.status_code == 410
    assert b"This confirmation link has expired" in response.content
    assert not has_verified_email(user)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "nope"])
def test_a_changed_link_is_refused(client, user, mangle):
    token = mangle(services.email_confirmation_token(user))
    for response in (
        client.get(reverse("email_confirm", args=[token])),
        client.post(reverse("email_confirm", args=[token])),
    ):
        assert response.status_code == 400
        assert b"This confirmation link is not valid" in response.content
    assert not has_verified_email(user)


def test_a_link_for_a_previous_address_confirms_nothing(client, user):
    url = confirm_url(user)
    services.user_email_change(user=user, email="new@example.com")
    response = client.post(url)
    assert response.status_code == 410
    assert b"no longer uses" in response.content
    assert not has_verified_email(user)


def test_a_link_from_another_purpose_is_refused(client, user):
    """Signed with another salt (an invitation's), a token is no confirmation."""
    forged = TimestampSigner(salt=services.INVITATION_SALT).sign_object(
        {"user": user.pk, "email": user.email}
    )
    assert client.post(reverse("email_confirm", args=[forged])).status_code == 400
    assert not has_verified_email(user)


def test_an_address_another_account_uses_cannot_be_confirmed(client, user):
    url = confirm_url(user)
    UserFactory(email=user.email.upper())
    response = client.post(url)
    assert response.status_code == 409
    assert b"Another account uses this address" in response.content
    assert not has_verified_email(user)


# --- sending it again -----------------------------------------------------------------------


def test_sending_again_mails_a_new_link(client, user, mailoutbox):
    client.force_login(user)
    response = client.post(reverse("email_confirmation_send"))
    assert response.status_code == 302 and response.url == reverse("account")
    assert mailoutbox[0].to == [user.email]
    link = CONFIRM_LINK.search(mailoutbox[0].body)[1]
    client.post(link)
    assert has_verified_email(user)


def test_sending_again_for_a_confirmed_address_sends_nothing(client, user, mailoutbox):
    services.verified_email_confirm(user=user, email=user.email)
    client.force_login(user)
    response = client.post(reverse("email_confirmation_send"), follow=True)
    assert "is already confirmed" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("next_url", ["https://evil.example.com/", "logout", "x"])
def test_sending_again_returns_only_to_a_path_here(client, user, next_url):
    client.force_login(user)
    response = client.post(reverse("email_confirmation_send"), {"next": next_url})
    assert response.status_code == 302 and response.url == reverse("account")


def test_sending_again_needs_a_login_and_a_post(client, user):
    assert client.post(reverse("email_confirmation_send")).url.startswith(reverse("login"))
    client.force_login(user)
    assert client.get(reverse("email_confirmation_send")).status_code == 405


# --- your account ---------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_account_page_says_whether_the_address_is_confirmed(client, user):
    client.force_login(user)
    html = client.get(reverse("account")).content.decode()
    assert "not confirmed yet" in html and 'id="resend-confirmation"' in html
    services.verified_email_confirm(user=user, email=user.email)
    html = client.get(reverse("account")).content.decode()
    assert "<strong>confirmed</strong>" in html and 'id="resend-confirmation"' not in html


def test_changing_the_address_unconfirms_it_and_mails_the_new_one(client, user, mailoutbox):
    services.verified_email_confirm(user=user, email=user.email)
    client.force_login(user)
    response = client.post(
        reverse("account"), {"email": "ada@new.example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ada@new.example.com"
    assert not has_verified_email(user)
    (message,) = mailoutbox
    assert message.to == ["ada@new.example.com"]
    client.post(CONFIRM_LINK.search(message.body)[1])
    assert has_verified_email(user)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"email": "ada@new.example.com", "password": "wrong"}, "password", "not your current"),
        ({"email": "not-an-address", "password": PASSWORD}, "email", "like name@example.com"),
        ({"email": "", "password": PASSWORD}, "email", "Enter the new email address"),
        ({"email": "ada@new.example.com", "password": ""}, "password", "current password"),
    ],
)
def test_a_refused_change_says_why_beside_the_field_and_saves_nothing(
    client, user, mailoutbox, data, field, message
):
    old = user.email
    client.force_login(user)
    response = client.post(reverse("account"), data)
    assert response.status_code == 422
    assert any(message in error for error in response.context["form"].errors[field])
    user.refresh_from_db()
    assert user.email == old
    assert mailoutbox == []


def test_wrong_passwords_on_the_account_page_count_towards_the_login_pause(client, user, settings):
    client.force_login(user)
    data = {"email": "ada@new.example.com", "password": "guess"}
    statuses = [
        client.post(reverse("account"), data, REMOTE_ADDR="10.0.0.8").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [422] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    right = {"email": "ada@new.example.com", "password": PASSWORD}
    assert client.post(reverse("account"), right, REMOTE_ADDR="10.0.0.9").status_code == 429
    user.refresh_from_db()
    assert user.email != "ada@new.example.com"


def test_the_same_address_again_is_refused(client, user):
    client.force_login(user)
    response = client.post(reverse("account"), {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 422
    assert b"That is already your address" in response.content


def test_changing_to_an_address_another_account_uses_mails_it_a_notice(client, user, mailoutbox):
    UserFactory(email="taken@example.com")
    client.force_login(user)
    response = client.post(reverse("account"), {"email": "taken@example.com", "password": PASSWORD})
    assert response.status_code == 302  # the page says the same as for a free address
    (notice,) = mailoutbox
    assert notice.subject == "You already have an Enablement Planner account"
    assert "/accounts/confirm-email/" not in notice.body
