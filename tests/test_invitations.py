"""Membership and invitation services: signed links, the last owner, and the history."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.signing import TimestampSigner
from django.db import connection, transaction
from django.db.models import QuerySet

from planner import services
from planner.models import Change, Invitation, Membership
from tests.factories import MembershipFactory, UserFactory

OWNER, EDITOR, VIEWER = Membership.Role.OWNER, Membership.Role.EDITOR, Membership.Role.VIEWER


@pytest.fixture
def owner_membership(organization, owner):
    return Membership.objects.get(organization=organization, user=owner)


@pytest.fixture
def invitation(organization, owner):
    return services.invitation_create(
        organization=organization, actor=owner, email="Newcomer@Example.com ", role=EDITOR
    )


@pytest.fixture
def invitee(db):
    """The person invited: an account whose confirmed address is the invited one."""
    return UserFactory(email="newcomer@example.com", verified=True)


def changes(entity: str, action: str):
    return Change.objects.filter(entity=entity, action=action)


# --- tokens ---------------------------------------------------------------------------------


def test_a_token_names_its_invitation(invitation):
    token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation


def test_the_token_is_signed_with_a_timestamp_and_a_salt(invitation):
    token = services.invitation_token(invitation)
    value = TimestampSigner(salt=services.INVITATION_SALT).unsign(token)
    assert value == f"{invitation.pk}.{invitation.key}"
    with pytest.raises(services.InvitationInvalid):
        # The same value signed for another purpose is no invitation.
        services.invitation_from_token(TimestampSigner(salt="other").sign(value))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
        lambda t: "9" + t,
        lambda t: "nonsense",
        lambda t: "",
    ],
)
def test_a_tampered_token_is_invalid(invitation, mangle):
    with pytest.raises(services.InvitationInvalid):
        services.invitation_from_token(mangle(services.invitation_token(invitation)))


def test_a_token_signed_more_than_seven_days_ago_has_expired(invitation):
    assert timedelta(days=7) == Invitation.VALID_FOR
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with mock.patch("time.time", return_value=eight_days_ago):
        token = services.invitation_token(invitation)
    with pytest.raises(services.InvitationExpired):
        services.invitation_from_token(token)


def test_a_token_signed_six_days_ago_still_works(invitation):
    six_days_ago = time.time() - timedelta(days=6).total_seconds()
    with mock.patch("time.time", return_value=six_days_ago):
        token = services.invitation_token(invitation)
    assert services.invitation_from_token(token) == invitation


def test_an_invitation_created_more_than_seven_days_ago_has_expired(invitation):
    token = services.invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=7, seconds=1)
    )
    with pytest.raises(services.InvitationExpired):
        services.invitation_from_token(token)


def test_a_token_with_the_wrong_key_names_no_invitation(invitation):
    forged = TimestampSigner(salt=services.INVITATION_SALT).sign(f"{invitation.pk}.guess")
    with pytest.raises(services.InvitationWithdrawn):
        services.invitation_from_token(forged)


def test_a_revoked_invitation_is_withdrawn(invitation, owner):
    token = services.invitation_token(invitation)
    services.invitation_revoke(invitation=invitation, actor=owner)
    with pytest.raises(services.InvitationWithdrawn):
        services.invitation_from_token(token)


# --- inviting -------------------------------------------------------------------------------


def test_inviting_stores_the_address_in_lower_case_and_records_it(invitation, owner):
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "newcomer@example.com",
        EDITOR,
        owner,
    )
    assert invitation.accepted_at is None and len(invitation.key) >= 20
    change = changes("invitation", "created").get()
    assert change.actor == owner and change.label == "newcomer@example.com"
    assert change.diff == {"email": [None, "newcomer@example.com"], "role": [None, "editor"]}


def test_inviting_an_existing_member_is_refused(organization, owner, editor):
    with pytest.raises(services.AlreadyMember) as caught:
        services.invitation_create(
            organization=organization, actor=owner, email=editor.email.upper(), role=VIEWER
        )
    assert caught.value.message_dict == {
        "email": [f"{editor.email} is already a member of {organization}."]
    }
    assert not Invitation.objects.exists()


def test_a_member_elsewhere_can_be_invited(organization, owner, outsider):
    invitation = services.invitation_create(
        organization=organization, actor=owner, email=outsider.email, role=VIEWER
    )
    assert invitation.pk


def test_inviting_again_replaces_the_pending_invitation(organization, owner, invitation):
    old_token = services.invitation_token(invitation)
    again = services.invitation_create(
        organization=organization, actor=owner, email="newcomer@example.com", role=VIEWER
    )
    assert list(Invitation.objects.values_list("pk", "role")) == [(again.pk, VIEWER)]
    with pytest.raises(services.InvitationWithdrawn):
        services.invitation_from_token(old_token)
    assert services.invitation_from_token(services.invitation_token(again)) == again


def test_the_same_address_may_be_invited_to_two_organizations(invitation, outsider):
    other = outsider.memberships.get().organization
    services.invitation_create(
        organization=other, actor=outsider, email=invitation.email, role=VIEWER
    )
    assert Invitation.objects.count() == 2


def test_an_unknown_role_is_refused(organization, owner):
    with pytest.raises(ValidationError):
        services.invitation_create(
            organization=organization, actor=owner, email="a@example.com", role="admin"
        )
    assert not Invitation.objects.exists()


def test_revoking_records_it(invitation, owner):
    services.invitation_revoke(invitation=invitation, actor=owner)
    assert not Invitation.objects.exists()
    change = changes("invitation", "deleted").get()
    assert change.diff == {"email": ["newcomer@example.com", None], "role": ["editor", None]}


# --- accepting ------------------------------------------------------------------------------


def test_accepting_joins_with_the_invited_role_and_uses_the_invitation(invitation, invitee):
    membership = services.invitation_accept(invitation=invitation, user=invitee)
    assert (membership.user, membership.organization, membership.role) == (
        invitee,
        invitation.organization,
        EDITOR,
    )
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == invitee
    joined = changes("member", "created").get()
    assert joined.actor == invitee and joined.diff == {"role": [None, "editor"]}
    accepted = changes("invitation", "updated").get()
    assert accepted.actor == invitee and accepted.diff == {"accepted_by": [None, invitee.username]}


def test_an_invitation_works_once(invitation, invitee):
    token = services.invitation_token(invitation)
    services.invitation_accept(invitation=invitation, user=invitee)
    with pytest.raises(services.InvitationUsed) as caught:
        services.invitation_from_token(token)
    assert str(caught.value) == "This invitation has already been used"
    with pytest.raises(services.InvitationUsed):
        services.invitation_accept(invitation=invitation, user=UserFactory())
    assert Membership.objects.filter(organization=invitation.organization).count() == 2


def test_a_member_accepting_changes_nothing(invitation, viewer):
    with pytest.raises(services.AlreadyMember):
        services.invitation_accept(invitation=invitation, user=viewer)
    assert Membership.objects.get(user=viewer, organization=invitation.organization).role == VIEWER
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_an_expired_invitation_cannot_be_accepted(invitation, invitee):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - timedelta(days=8)
    )
    with pytest.raises(services.InvitationExpired):
        services.invitation_accept(invitation=invitation, user=invitee)
    assert not invitee.memberships.exists()


def test_a_pending_invitation_blocks_nothing_once_accepted(
    organization, owner, invitation, invitee
):
    """An accepted invitation is history: the address may be invited again after leaving."""
    membership = services.invitation_accept(invitation=invitation, user=invitee)
    services.membership_delete(membership=membership, actor=invitee)
    services.invitation_create(
        organization=organization, actor=owner, email=invitation.email, role=VIEWER
    )
    assert Invitation.objects.count() == 2


def test_an_account_that_has_not_confirmed_the_invited_address_cannot_accept(invitation):
    unconfirmed = UserFactory(email="newcomer@example.com")
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(invitation=invitation, user=unconfirmed)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not unconfirmed.memberships.exists()


def test_an_account_confirmed_for_another_address_cannot_accept(invitation):
    """Finding 3: the link worked for any signed-in account, whatever address it went to."""
    other = UserFactory(email="someone.else@example.com", verified=True)
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(invitation=invitation, user=other)
    assert not other.memberships.exists()


def test_changing_the_address_needs_a_new_confirmation(invitation, invitee):
    services.user_email_change(user=invitee, email="new.address@example.com")
    services.user_email_change(user=invitee, email="Newcomer@example.com")
    assert not services.invitation_is_for(invitation, invitee)
    with pytest.raises(services.InvitationForAnotherAddress):
        services.invitation_accept(invitation=invitation, user=invitee)
    services.verified_email_confirm(user=invitee, email=invitee.email)
    assert services.invitation_accept(invitation=invitation, user=invitee).role == EDITOR


# --- roles and the last owner ---------------------------------------------------------------


def test_changing_a_role_records_before_and_after(organization, owner, editor):
    membership = Membership.objects.get(user=editor)
    services.membership_update(membership=membership, actor=owner, role=VIEWER)
    assert Membership.objects.get(user=editor).role == VIEWER
    change = changes("member", "updated").get()
    assert change.actor == owner and change.label == editor.username
    assert change.diff == {"role": ["editor", "viewer"]}


def test_the_last_owner_cannot_be_demoted(owner_membership, editor):
    with pytest.raises(services.LastOwner) as caught:
        services.membership_update(membership=owner_membership, actor=editor, role=EDITOR)
    assert caught.value.messages == [
        f"{owner_membership.user} is the last owner of {owner_membership.organization}. "
        "Make someone else an owner first: an organization always keeps at least one."
    ]
    assert Membership.objects.get(pk=owner_membership.pk).role == OWNER
    assert not Change.objects.exists()


def test_an_owner_can_be_demoted_while_another_remains(organization, owner_membership):
    MembershipFactory(organization=organization, role=OWNER)
    services.membership_update(
        membership=owner_membership, actor=owner_membership.user, role=VIEWER
    )
    assert Membership.objects.get(pk=owner_membership.pk).role == VIEWER


def test_the_last_owner_keeping_the_owner_role_is_fine(owner_membership):
    services.membership_update(membership=owner_membership, actor=owner_membership.user, role=OWNER)
    assert not Change.objects.exists()  # nothing changed, nothing recorded


def test_the_last_owner_cannot_be_removed_nor_leave(owner_membership):
    with pytest.raises(services.LastOwner) as caught:
        services.membership_delete(membership=owner_membership, actor=owner_membership.user)
    assert caught.value.messages[0].startswith("You are the last owner of")
    assert Membership.objects.filter(pk=owner_membership.pk).exists()


def test_removing_a_member_records_it(owner, viewer):
    membership = Membership.objects.get(user=viewer)
    services.membership_delete(membership=membership, actor=owner)
    assert not Membership.objects.filter(user=viewer).exists()
    change = changes("member", "deleted").get()
    assert change.actor == owner and change.diff == {"role": ["viewer", None]}


def test_role_changes_and_removals_lock_the_owner_memberships(owner_membership, editor):
    locked = []
    original = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        locked.append(str(queryset.query))
        return original(queryset, *args, **kwargs)

    membership = Membership.objects.get(user=editor)
    with mock.patch.object(QuerySet, "select_for_update", autospec=True, side_effect=spy):
        services.membership_update(membership=membership, actor=owner_membership.user, role=OWNER)
        services.membership_delete(membership=membership, actor=owner_membership.user)
    owner_locks = [sql for sql in locked if "role" in sql and "owner" in sql]
    assert len(owner_locks) == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_demotions_cannot_both_pass(organization):
    """Two owners demote each other at the same moment: one of them must stay owner."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the suite runs on PostgreSQL in CI too.")
    first, second = (MembershipFactory(organization=organization, role=OWNER) for _ in range(2))
    first_done, release = threading.Event(), threading.Event()
    outcomes = {}

    def demote(membership, actor, hold: bool):
        try:
            with transaction.atomic():
                services.membership_update(membership=membership, actor=actor, role=EDITOR)
                if hold:  # keep the first demotion uncommitted while the second one runs
                    first_done.set()
                    release.wait(5)
            outcomes[membership.pk] = "demoted"
        except services.LastOwner:
            outcomes[membership.pk] = "refused"
        finally:
            connection.close()

    a = threading.Thread(target=demote, args=(first, second.user, True))
    a.start()
    assert first_done.wait(5)
    b = threading.Thread(target=demote, args=(second, first.user, False))
    b.start()
    time.sleep(0.5)  # without the lock, the second demotion would pass in this time
    release.set()
    a.join(10)
    b.join(10)
    assert outcomes == {first.pk: "demoted", second.pk: "refused"}
    assert Membership.objects.filter(organization=organization, role=OWNER).count() == 1
