"""Accepting an invitation from its emailed link (planner/views/invitations.py)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner import services
from planner.models import Change, Invitation, Membership
from tests.factories import UserFactory

HTMX = {"HX-Request": "true"}
OWNER, EDITOR, VIEWER = Membership.Role.OWNER, Membership.Role.EDITOR, Membership.Role.VIEWER
LINK = re.compile(r"https?://testserver(/invitations/[^/\s]+/)")
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


def accept_url(token):
    return reverse("invitation_accept", args=[token])


def invite_url(organization):
    return reverse("member_invite", args=[organization.slug])


def assert_login_redirect(response):
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def role_of(user, organization):
    return Membership.objects.get(user=user, organization=organization).role


def test_an_invitation_is_accepted_end_to_end_by_a_new_user(
    client, organization, owner, mailoutbox
):
    client.force_login(owner)
    client.post(invite_url(organization), {"email": "grace@example.com", "role": EDITOR})
    client.logout()
    link = LINK.search(mailoutbox[0].body)[1]

    # Logged out: who invites whom to what, and a way to log in or sign up and come back.
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert f"<strong>{owner.username}</strong> invites you" in html
    assert f"<strong>{organization.name}</strong>" in html and "<strong>editor</strong>" in html
    next_query = "?next=" + link.replace(":", "%3A")
    assert f'href="{reverse("login")}{next_query}"' in html
    assert f'href="{reverse("signup")}{next_query}"' in html
    assert 'id="accept-invitation"' not in html

    response = client.post(
        reverse("signup"),
        {
            "username": "grace",
            "email": "grace@example.com",
            "password1": "an-unusual-passphrase-42",
            "password2": "an-unusual-passphrase-42",
        },
    )
    assert response.status_code == 302
    grace = get_user_model().objects.get(username="grace")

    # Signed up, but the address is not confirmed yet: the page says what to do.
    page = client.get(link)
    assert 'id="accept-invitation"' not in page.content.decode()
    assert "first confirm that <strong>grace@example.com</strong>" in page.content.decode()
    assert client.post(link).status_code == 403
    assert not Membership.objects.filter(user=grace).exists()

    confirm = CONFIRM_LINK.search(mailoutbox[-1].body)[1]
    assert mailoutbox[-1].to == ["grace@example.com"]
    assert client.post(confirm).status_code == 302

    page = client.get(link)
    assert 'id="accept-invitation"' in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302 and response.url == reverse("gap", args=[organization.slug])
    assert role_of(grace, organization) == EDITOR
    assert (
        f"Welcome to {organization.name}: you joined as editor."
        in client.get(response.url).content.decode()
    )
    assert Change.objects.filter(entity="member", action="created", actor=grace).exists()
    assert Change.objects.filter(entity="invitation", action="updated", actor=grace).exists()

    # The link works once.
    again = client.get(link)
    assert again.status_code == 410
    assert b"This invitation has already been used" in again.content
    assert client.post(link).status_code == 410
    assert Membership.objects.filter(user=grace).count() == 1


def test_logging_in_from_the_invitation_comes_back_to_it(client, token, user):
    target = f"{reverse('login')}?next={accept_url(token)}"
    response = client.post(target, {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == accept_url(token)


def test_an_account_with_another_address_cannot_accept_and_is_told_why(
    client, organization, invitation, token, user
):
    """Finding 3: the link worked for any signed-in account, whatever address it went to."""
    services.verified_email_confirm(user=user, email=user.email)
    client.force_login(user)
    html = client.get(accept_url(token)).content.decode()
    assert "This invitation was sent to <strong>newcomer@example.com</strong>" in html
    assert f"you are logged in as <strong>{user.username}</strong> ({user.email})" in html
    assert "Only an account whose confirmed address is newcomer@example.com" in html
    assert 'id="accept-invitation"' not in html
    refused = client.post(accept_url(token))
    assert refused.status_code == 403
    assert "Only an account whose confirmed address" in refused.content.decode()
    assert not Membership.objects.filter(user=user, organization=organization).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_unconfirmed_account_with_the_invited_address_is_offered_the_link_again(
    client, organization, invitation, token, mailoutbox
):
    unconfirmed = UserFactory(email="newcomer@example.com")
    client.force_login(unconfirmed)
    html = client.get(accept_url(token)).content.decode()
    assert "first confirm that <strong>newcomer@example.com</strong>" in html
    assert 'id="resend-confirmation"' in html
    assert client.post(accept_url(token)).status_code == 403
    resent = client.post(reverse("email_confirmation_send"), {"next": accept_url(token)})
    assert resent.status_code == 302 and resent.url == accept_url(token)
    assert mailoutbox[-1].to == ["newcomer@example.com"]
    assert CONFIRM_LINK.search(mailoutbox[-1].body)
    assert not Membership.objects.filter(user=unconfirmed).exists()


def test_the_invited_account_with_its_address_confirmed_joins(
    client, organization, invitation, token, invitee
):
    client.force_login(invitee)
    assert 'id="accept-invitation"' in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 302
    assert role_of(invitee, organization) == EDITOR


def test_anonymous_accepting_is_sent_to_log_in(client, invitation, token):
    response = client.post(accept_url(token))
    assert_login_redirect(response)
    assert accept_url(token).replace(":", "%3A") in response.url
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_member_following_an_invitation_is_told_and_nothing_changes(
    client, organization, invitation, token, viewer
):
    client.force_login(viewer)
    page = client.get(accept_url(token))
    assert page.status_code == 200
    assert b"You are already a member of" in page.content
    assert b'id="accept-invitation"' not in page.content
    response = client.post(accept_url(token), follow=True)
    assert b"You are already a member of" in response.content
    assert role_of(viewer, organization) == VIEWER
    assert Membership.objects.filter(user=viewer).count() == 1
    invitation.refresh_from_db()
    assert invitation.accepted_at is None  # still there for the person it was meant for


def test_the_invitation_page_does_not_show_the_organization_menu(client, token, user):
    client.force_login(user)
    html = client.get(accept_url(token)).content.decode()
    assert 'aria-label="Organization"' not in html


def test_an_expired_link_is_a_clear_page(client, invitation, token, user):
    Invitation.objects.update(created_at=invitation.created_at - timedelta(days=8))
    client.force_login(user)
    for response in (client.get(accept_url(token)), client.post(accept_url(token))):
        assert response.status_code == 410
        assert b"This invitation has expired" in response.content
        assert b"Invitations work for 7 days" in response.content
    assert not user.memberships.exists()


def test_a_link_signed_eight_days_ago_has_expired(client, invitation):
    eight_days_ago = invitation.created_at.timestamp() - timedelta(days=8).total_seconds()
    with mock.patch("time.time", return_value=eight_days_ago):
        token = services.invitation_token(invitation)
    response = client.get(accept_url(token))
    assert response.status_code == 410 and b"This invitation has expired" in response.content


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2] + ("xx" if not t.endswith("xx") else "yy"),
        lambda t: t.replace(t.split(":")[0], t.split(":")[0] + "1"),
        lambda t: "not-a-token",
    ],
)
def test_a_tampered_link_is_a_clear_page(client, token, user, mangle):
    client.force_login(user)
    for response in (client.get(accept_url(mangle(token))), client.post(accept_url(mangle(token)))):
        assert response.status_code == 400
        assert b"This invitation link is not valid" in response.content
    assert not user.memberships.exists()


def test_accepting_rejects_put(client, token, user):
    client.force_login(user)
    assert client.put(accept_url(token)).status_code == 405
