import re
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from planner import services
from planner.models import Change, Invitation, Membership
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

HTMX = {"HX-Request": "true"}
OWNER, EDITOR, VIEWER = Membership.Role.OWNER, Membership.Role.EDITOR, Membership.Role.VIEWER
NOT_OWNERS = ["editor", "viewer"]
LINK = re.compile(r"https?://testserver(/invitations/[^/\s]+/)")
CONFIRM_LINK = re.compile(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)")


@pytest.fixture
def editor_membership(organization, editor):
    return Membership.objects.get(organization=organization, user=editor)


@pytest.fixture
def owner_membership(organization, owner):
    return Membership.objects.get(organization=organization, user=owner)


def login(client, request, who: str):
    user = request.getfixturevalue(who)
    client.force_login(user)
    return user


def page_url(organization):
    return reverse("members", args=[organization.slug])


def url(name, obj):
    return reverse(name, args=[obj.organization.slug, obj.pk])


def invite_url(organization):
    return reverse("member_invite", args=[organization.slug])


def leave_url(organization):
    return reverse("member_leave", args=[organization.slug])


def accept_url(token):
    return reverse("invitation_accept", args=[token])


def role_of(user, organization):
    return Membership.objects.get(user=user, organization=organization).role


# --- the page -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_every_member_sees_who_is_in_the_organization(
    client, organization, owner, editor, viewer, invitation, who, request
):
    login(client, request, who)
    response = client.get(page_url(organization))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and "3 members" in html
    for user in (owner, editor, viewer):
        assert user.username in html and user.email in html
    assert html.count("Joined") == 1 and "Owner" in html and "Editor" in html
    # Pending invitations: email, role, who invited, when the link expires.
    row = re.search(rf'<tr id="invitation-{invitation.pk}".*?</tr>', html, re.S)[0]
    assert "newcomer@example.com" in row and "Editor" in row and owner.username in row
    assert invitation.expires_at.strftime("%-d %b %Y") in row
    assert '<a href="/o/' in html and 'aria-current="page">Members</a>' in html


def test_members_are_listed_owners_first(client, organization, owner, editor, viewer):
    client.force_login(viewer)
    rows = client.get(page_url(organization)).context["member_rows"]
    assert [row.member.role for row in rows] == [OWNER, EDITOR, VIEWER]
    assert [row.is_you for row in rows] == [False, False, True]


def test_only_owners_see_the_management_controls(
    client, organization, owner, editor, viewer, invitation
):
    editor_membership = Membership.objects.get(user=editor)
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert 'id="send-invitation"' in html
    assert url("member_update", editor_membership) in html
    assert url("member_remove", editor_membership) in html
    assert url("invitation_revoke", invitation) in html
    for who in (editor, viewer):
        client.force_login(who)
        html = client.get(page_url(organization)).content.decode()
        assert "newcomer@example.com" in html  # seen, not managed
        assert 'id="send-invitation"' not in html
        assert invite_url(organization) not in html
        assert url("member_update", editor_membership) not in html
        assert url("member_remove", editor_membership) not in html
        assert url("invitation_revoke", invitation) not in html
        assert leave_url(organization) in html


def test_every_input_has_a_visible_label(client, organization, owner, editor):
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert '<label for="invite-email">Email</label>' in html
    assert '<label for="invite-role">Role</label>' in html
    for membership in Membership.objects.all():
        assert f'<label for="membership-{membership.pk}-role">Role</label>' in html


def test_a_lone_owner_is_told_to_invite_and_cannot_leave(client, organization, owner):
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert "You are the only member so far." in html
    assert "Invite the people who plan with you below" in html
    assert "No pending invitations." in html
    assert "You are the only owner, so you cannot leave" in html
    assert leave_url(organization) not in html


def test_the_page_runs_a_fixed_number_of_queries(
    client, organization, owner, django_assert_max_num_queries
):
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"person{n}", email=f"person{n}@example.com") for n in range(39)
    )
    Membership.objects.bulk_create(
        Membership(organization=organization, user=u, role=[OWNER, EDITOR, VIEWER][n % 3])
        for n, u in enumerate(users)
    )
    Invitation.objects.bulk_create(
        Invitation(
            organization=organization,
            email=f"invitee{n}@example.com",
            role=VIEWER,
            invited_by=users[n],
        )
        for n in range(20)
    )
    for n in range(15):
        services.share_link_create(organization=organization, actor=users[n], days=30)
    client.force_login(owner)
    # session, user, the requester's membership with its organization, the members with
    # their users, the pending invitations with who sent them, the share links with who
    # made and revoked them, the organization switcher
    with django_assert_max_num_queries(7):
        response = client.get(page_url(organization))
    assert response.status_code == 200
    assert len(response.context["member_rows"]) == 40
    assert len(response.context["invitations"]) == 20
    assert len(response.context["share_links"]) == 15


# --- inviting -------------------------------------------------------------------------------


def test_an_owner_invites_by_email_and_the_email_carries_a_signed_link(
    client, organization, owner, mailoutbox
):
    client.force_login(owner)
    response = client.post(
        invite_url(organization), {"email": "Ada@Example.com", "role": VIEWER}, headers=HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="invitation-section"')
    assert "Invitation sent to ada@example.com as viewer." in html
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "ada@example.com",
        VIEWER,
        owner,
    )
    assert f'<tr id="invitation-{invitation.pk}" class="just-saved">' in html
    (message,) = mailoutbox
    assert message.to == ["ada@example.com"]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert (
        message.subject
        == f"{owner.username} invited you to {organization.name} on Enablement Planner"
    )
    assert "as viewer" in message.body and "works once, for 7 days" in message.body
    link = LINK.search(message.body)[1]
    assert services.invitation_from_token(link.split("/")[2]) == invitation
    assert Change.objects.filter(entity="invitation", action="created", actor=owner).exists()


def test_an_invitation_without_javascript_redirects_with_a_message(
    client, organization, owner, mailoutbox
):
    client.force_login(owner)
    response = client.post(invite_url(organization), {"email": "ada@example.com", "role": EDITOR})
    assert response.status_code == 302
    assert response.url == page_url(organization) + "#invitation-section"
    page = client.get(response.url).content.decode()
    assert "Invitation sent to ada@example.com as editor." in page
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"email": "", "role": EDITOR},
            "email",
            "Enter the email address of the person to invite.",
        ),
        ({"email": "not-an-address", "role": EDITOR}, "email", "Enter an email address like"),
        ({"email": "ada@example.com", "role": "admin"}, "role", "Choose owner, editor or viewer."),
        ({"email": "ada@example.com"}, "role", "Choose a role."),
    ],
)
def test_bad_invitation_input_is_refused_next_to_the_field(
    client, organization, owner, mailoutbox, data, field, message
):
    client.force_login(owner)
    response = client.post(invite_url(organization), data, headers=HTMX)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert "<html" not in response.content.decode()
    assert response.context["invite_form"].errors[field]
    assert not Invitation.objects.exists() and mailoutbox == []


def test_bad_invitation_input_without_javascript_is_the_page(client, organization, owner):
    client.force_login(owner)
    response = client.post(invite_url(organization), {"email": "nope", "role": EDITOR})
    assert response.status_code == 422
    assert b"<html" in response.content and b"Enter an email address like" in response.content


@pytest.mark.parametrize("htmx", [True, False])
def test_inviting_someone_already_a_member_is_refused(
    client, organization, owner, editor, mailoutbox, htmx
):
    client.force_login(owner)
    response = client.post(
        invite_url(organization),
        {"email": editor.email.upper(), "role": VIEWER},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 422
    assert (
        f"{editor.email} is already a member of {organization.name}." in response.content.decode()
    )
    assert not Invitation.objects.exists() and mailoutbox == []
    assert role_of(editor, organization) == EDITOR


def test_inviting_a_pending_address_again_replaces_the_invitation(
    client, organization, owner, invitation, token, mailoutbox
):
    client.force_login(owner)
    client.post(invite_url(organization), {"email": invitation.email, "role": OWNER}, headers=HTMX)
    (again,) = Invitation.objects.all()
    assert again.pk != invitation.pk and again.role == OWNER
    assert client.get(accept_url(token)).status_code == 410  # the first link stopped working
    new_link = LINK.search(mailoutbox[0].body)[1]
    assert client.get(new_link).status_code == 200


def test_an_expired_invitation_can_be_sent_again(client, organization, owner, invitation):
    Invitation.objects.update(created_at=invitation.created_at - timedelta(days=8))
    client.force_login(owner)
    html = client.get(page_url(organization)).content.decode()
    assert "Expired" in html and "Invite again" in html


def test_a_mail_failure_keeps_the_invitation_and_says_so(client, organization, owner):
    client.force_login(owner)
    with mock.patch("planner.views.members.send_mail", side_effect=smtplib.SMTPException):
        response = client.post(
            invite_url(organization), {"email": "ada@example.com", "role": EDITOR}, headers=HTMX
        )
    assert response.status_code == 200
    assert "the email could not be sent" in response.content.decode()
    assert Invitation.objects.filter(email="ada@example.com").exists()


@pytest.mark.parametrize("who", NOT_OWNERS)
def test_only_owners_invite(client, organization, who, request, mailoutbox):
    login(client, request, who)
    response = client.post(invite_url(organization), {"email": "a@example.com", "role": VIEWER})
    assert response.status_code == 403
    assert not Invitation.objects.exists() and mailoutbox == []


# --- revoking an invitation -----------------------------------------------------------------


def test_an_owner_revokes_an_invitation_and_its_link_stops_working(
    client, organization, owner, invitation, token
):
    client.force_login(owner)
    response = client.post(url("invitation_revoke", invitation), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "No pending invitations." in html
    assert "Revoked the invitation to newcomer@example.com" in html
    assert not Invitation.objects.exists()
    assert Change.objects.filter(entity="invitation", action="deleted", actor=owner).exists()
    response = client.get(accept_url(token))
    assert response.status_code == 410
    assert b"This invitation is no longer valid" in response.content


def test_revoking_without_javascript_redirects(client, organization, owner, invitation):
    client.force_login(owner)
    response = client.post(url("invitation_revoke", invitation))
    assert response.url == page_url(organization) + "#invitation-section"
    assert not Invitation.objects.exists()


def test_an_accepted_invitation_cannot_be_revoked(client, invitation, owner, invitee):
    services.invitation_accept(invitation=invitation, user=invitee)
    client.force_login(owner)
    assert client.post(url("invitation_revoke", invitation)).status_code == 404


# --- changing a role ------------------------------------------------------------------------


def test_an_owner_changes_a_role_in_place(client, organization, owner, editor_membership):
    client.force_login(owner)
    response = client.post(url("member_update", editor_membership), {"role": VIEWER}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<tr id="membership-{editor_membership.pk}"')
    assert "Viewer" in html and "Saved" in html
    assert role_of(editor_membership.user, organization) == VIEWER
    change = Change.objects.get(entity="member", action="updated")
    assert change.actor == owner and change.diff == {"role": ["editor", "viewer"]}


def test_a_role_change_without_javascript_redirects(client, organization, owner, editor_membership):
    client.force_login(owner)
    response = client.post(url("member_update", editor_membership), {"role": OWNER})
    assert response.url == page_url(organization) + f"#membership-{editor_membership.pk}"
    assert role_of(editor_membership.user, organization) == OWNER


@pytest.mark.parametrize("htmx", [True, False])
def test_a_bad_role_is_refused(client, organization, owner, editor_membership, htmx):
    client.force_login(owner)
    response = client.post(
        url("member_update", editor_membership), {"role": "admin"}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert b"Choose owner, editor or viewer." in response.content
    assert (b"<html" in response.content) is not htmx
    assert role_of(editor_membership.user, organization) == EDITOR


@pytest.mark.parametrize("htmx", [True, False])
def test_the_last_owner_cannot_be_demoted(client, organization, owner, owner_membership, htmx):
    client.force_login(owner)
    response = client.post(
        url("member_update", owner_membership), {"role": EDITOR}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 422
    assert f"You are the last owner of {organization.name}" in response.content.decode()
    assert role_of(owner, organization) == OWNER
    assert not Change.objects.exists()


def test_an_owner_demoting_themselves_reloads_the_page(client, organization, owner_membership):
    MembershipFactory(organization=organization, role=OWNER)
    client.force_login(owner_membership.user)
    response = client.post(url("member_update", owner_membership), {"role": VIEWER}, headers=HTMX)
    assert response["HX-Redirect"] == page_url(organization)
    assert role_of(owner_membership.user, organization) == VIEWER
    html = client.get(page_url(organization)).content.decode()
    assert "You are now viewer" in html and 'id="send-invitation"' not in html


# --- removing a member ----------------------------------------------------------------------


def test_removing_asks_for_confirmation_first(client, organization, owner, editor_membership):
    client.force_login(owner)
    response = client.get(url("member_remove", editor_membership))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert f"Remove {editor_membership.user.username} from {organization.name}?" in html
    assert Membership.objects.filter(pk=editor_membership.pk).exists()


def test_an_owner_removes_a_member_in_place(client, organization, owner, editor_membership):
    client.force_login(owner)
    response = client.post(url("member_remove", editor_membership), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<section id="member-section"')
    assert f'id="membership-{editor_membership.pk}"' not in html
    assert not Membership.objects.filter(pk=editor_membership.pk).exists()
    change = Change.objects.get(entity="member", action="deleted")
    assert change.actor == owner and change.label == editor_membership.user.username


def test_removing_without_javascript_redirects(client, organization, owner, editor_membership):
    client.force_login(owner)
    response = client.post(url("member_remove", editor_membership))
    assert response.url == page_url(organization)
    assert not Membership.objects.filter(pk=editor_membership.pk).exists()


def test_the_last_owner_cannot_be_removed(client, organization, owner, owner_membership):
    client.force_login(owner)
    page = client.get(url("member_remove", owner_membership)).content.decode()
    assert "You are the last owner" in page and 'class="contrast"' not in page
    for headers in ({}, HTMX):
        response = client.post(url("member_remove", owner_membership), headers=headers)
        assert response.status_code == 422
        assert f"You are the last owner of {organization.name}" in response.content.decode()
    assert Membership.objects.filter(pk=owner_membership.pk).exists()
    assert not Change.objects.exists()


# --- leaving --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["editor", "viewer"])
def test_a_member_leaves_by_themselves(client, organization, owner, who, request):
    user = login(client, request, who)
    page = client.get(leave_url(organization))
    assert page.status_code == 200 and f"Leave {organization.name}?" in page.content.decode()
    response = client.post(leave_url(organization))
    assert response.url == reverse("home")
    assert not Membership.objects.filter(user=user, organization=organization).exists()
    change = Change.objects.get(entity="member", action="deleted")
    assert change.actor == user
    assert client.get(page_url(organization)).status_code == 404


def test_an_owner_may_leave_while_another_owner_remains(client, organization, owner):
    MembershipFactory(organization=organization, role=OWNER)
    client.force_login(owner)
    response = client.post(leave_url(organization), headers=HTMX)
    assert response["HX-Redirect"] == reverse("home")
    assert not Membership.objects.filter(user=owner, organization=organization).exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_the_last_owner_cannot_leave(client, organization, owner, editor, htmx):
    client.force_login(owner)
    response = client.post(leave_url(organization), headers=HTMX if htmx else {})
    assert response.status_code == 422
    html = response.content.decode()
    assert f"You are the last owner of {organization.name}" in html
    assert ("<html" in html) is not htmx
    assert role_of(owner, organization) == OWNER


@pytest.mark.django_db
def test_an_organization_never_ends_up_without_an_owner(client):
    """Two owners: one removes the other, then cannot leave, demote or remove themselves."""
    organization = OrganizationFactory()
    first, second = (
        MembershipFactory(organization=organization, role=OWNER, user=UserFactory())
        for _ in range(2)
    )
    client.force_login(first.user)
    assert client.post(url("member_remove", second)).status_code == 302
    assert client.post(url("member_update", first), {"role": VIEWER}).status_code == 422
    assert client.post(url("member_remove", first)).status_code == 422
    assert client.post(leave_url(organization)).status_code == 422
    assert Membership.objects.filter(organization=organization, role=OWNER).count() == 1
