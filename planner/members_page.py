"""The Members page: its rows, and its context for every view that redraws it.

Shared by ``views/members.py`` (members and invitations) and ``views/summary.py`` (the
share links listed on the same page).
"""

from dataclasses import dataclass

from planner.forms import InvitationForm, MemberRoleForm, ShareLinkForm
from planner.models import Invitation, Membership, ShareLink
from planner.views.access import org_context

PAGE = "planner/members.html"
ROLE_ORDER = {role: n for n, role in enumerate(Membership.Role.values)}  # owners first


def role_form(member: Membership, data=None) -> MemberRoleForm:
    return MemberRoleForm(data, initial={"role": member.role}, auto_id=f"membership-{member.pk}-%s")


@dataclass(frozen=True)
class MemberRow:
    """One member as the page shows them; owners get a role form on every row."""

    member: Membership
    is_you: bool
    form: MemberRoleForm | None = None
    saved: bool = False
    error: str = ""


def member_row(
    member: Membership,
    viewer: Membership,
    *,
    form: MemberRoleForm | None = None,
    saved: bool = False,
    error: str = "",
) -> MemberRow:
    if form is None and viewer.is_owner:
        form = role_form(member)
    return MemberRow(member, member.pk == viewer.pk, form=form, saved=saved, error=error)


def page_context(membership: Membership, **overrides) -> dict:
    """The whole page; ``rows`` maps a membership pk to what replaces that row."""
    organization = membership.organization
    replaced = overrides.pop("rows", {})
    members = sorted(
        organization.memberships.select_related("user"),
        key=lambda m: (ROLE_ORDER[m.role], m.user.get_username().lower()),
    )
    context = org_context(
        membership,
        "members",
        member_rows=[member_row(m, membership, **replaced.get(m.pk, {})) for m in members],
        invitations=list(organization.invitations.pending().select_related("invited_by")),
        last_owner=membership.is_owner and sum(m.is_owner for m in members) == 1,
        invite_form=overrides.pop("invite_form", None) or InvitationForm(auto_id="invite-%s"),
        valid_days=Invitation.VALID_FOR.days,
        share_links=list(
            organization.share_links.select_related("created_by", "revoked_by")
            if membership.is_owner
            else ()
        ),
        share_form=overrides.pop("share_form", None) or ShareLinkForm(auto_id="share-%s"),
        share_max_days=ShareLink.MAX_DAYS,
    )
    context.update(overrides)
    return context
