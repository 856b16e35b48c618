"""Who is in an organization, and the invitations to join it.

Every member sees the members and the pending invitations; only owners invite, change
roles, remove members and revoke invitations. Anyone may leave, except the last owner.
The invitation link itself is the credential: whoever holds it may join, logged in as
whichever account they choose.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from planner import services
from planner.forms import InvitationForm, MemberRoleForm, add_service_errors
from planner.models import Invitation, Membership
from planner.views.access import get_membership, org_context, security_log

PAGE = "planner/members.html"
ROW = "planner/_member.html"
CONFIRM = "planner/member_confirm_remove.html"
ROLE_ORDER = {role: n for n, role in enumerate(Membership.Role.values)}  # owners first

mail_log = logging.getLogger("planner.mail")


# --- building blocks ------------------------------------------------------------------------


def _get_owner_membership(request: HttpRequest, slug: str) -> Membership:
    """404 for outsiders, 403 for editors and viewers: only owners manage members."""
    membership = get_membership(request, slug)
    if not membership.is_owner:
        security_log.warning(
            "Permission denied: %s (%s) tried %s %s",
            request.user,
            membership.role,
            request.method,
            request.path,
        )
        raise PermissionDenied("Only owners manage the members of this organization.")
    return membership


def _get_member(membership: Membership, pk: int) -> Membership:
    members = Membership.objects.select_related("user")
    member = get_object_or_404(members, pk=pk, organization=membership.organization)
    member.organization = membership.organization
    return member


def _role_form(member: Membership, data=None) -> MemberRoleForm:
    return MemberRoleForm(data, initial={"role": member.role}, auto_id=f"membership-{member.pk}-%s")


def _member_row(member: Membership, viewer: Membership, **extra) -> dict:
    row = {"member": member, "is_you": member.pk == viewer.pk, **extra}
    if viewer.is_owner and "form" not in row:
        row["form"] = _role_form(member)
    return row


def _page_context(membership: Membership, **overrides) -> dict:
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
        member_rows=[_member_row(m, membership, **replaced.get(m.pk, {})) for m in members],
        invitations=list(organization.invitations.pending().select_related("invited_by")),
        last_owner=membership.is_owner and sum(m.is_owner for m in members) == 1,
        invite_form=overrides.pop("invite_form", None) or InvitationForm(auto_id="invite-%s"),
        valid_days=Invitation.VALID_FOR.days,
    )
    context.update(overrides)
    return context


def _members_url(slug: str, anchor: str = "") -> str:
    return reverse("members", args=[slug]) + (f"#{anchor}" if anchor else "")


def _leave_for(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """After the requester lost access or ownership: a full page load, with or without htmx."""
    messages.success(request, message)
    if request.htmx:
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _send_invitation(request: HttpRequest, invitation: Invitation) -> bool:
    """Emails the signed link; False (and logged) when the mail server refused it."""
    token = services.invitation_token(invitation)
    context = {
        "invitation": invitation,
        "organization": invitation.organization,
        "inviter": request.user,
        "link": request.build_absolute_uri(reverse("invitation_accept", args=[token])),
        "valid_days": Invitation.VALID_FOR.days,
    }
    subject = render_to_string("planner/email/invitation_subject.txt", context)
    body = render_to_string("planner/email/invitation_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    except (smtplib.SMTPException, OSError):
        mail_log.exception("Could not send the invitation to %s", invitation.email)
        return False
    return True


# --- the page -------------------------------------------------------------------------------


@login_required
@require_GET
def members(request: HttpRequest, slug: str) -> HttpResponse:
    membership = get_membership(request, slug)
    return render(request, PAGE, _page_context(membership))


# --- invitations ----------------------------------------------------------------------------


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    membership = _get_owner_membership(request, slug)
    organization = membership.organization
    form = InvitationForm(request.POST, auto_id="invite-%s")
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                organization=organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            sent = _send_invitation(request, invitation)
            role = invitation.get_role_display().lower()
            if sent:
                notice = f"Invitation sent to {invitation.email} as {role}."
            else:
                notice = (
                    f"The invitation to {invitation.email} is saved, but the email could not "
                    "be sent. Check the mail settings, then use “Invite again”."
                )
            if not request.htmx:
                (messages.success if sent else messages.error)(request, notice)
                return redirect(_members_url(slug, "invitation-section"))
            context = _page_context(
                membership, invited=invitation.pk, notice=notice, mail_failed=not sent
            )
            return render(request, f"{PAGE}#invitation-section", context)
    context = _page_context(membership, invite_form=form)
    template = f"{PAGE}#invitation-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = _get_owner_membership(request, slug)
    organization = membership.organization
    invitation = get_object_or_404(Invitation.objects.pending(), pk=pk, organization=organization)
    invitation.organization = organization
    services.invitation_revoke(invitation=invitation, actor=request.user)
    notice = f"Revoked the invitation to {invitation.email}: its link no longer works."
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_members_url(slug, "invitation-section"))
    context = _page_context(membership, notice=notice)
    return render(request, f"{PAGE}#invitation-section", context)


def _unusable(request: HttpRequest, error: services.InvitationUnusable) -> HttpResponse:
    context = {"error": error, "valid_days": Invitation.VALID_FOR.days}
    return render(request, "planner/invitation_invalid.html", context, status=error.status)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation (and, logged out, offers log in or sign up); POST joins.

    Deliberately no ``organization`` in the context: the visitor is not a member yet.
    """
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationUnusable as error:
        return _unusable(request, error)
    organization = invitation.organization
    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect_to_login(request.path)
        return render(request, "planner/invitation_accept.html", {"invitation": invitation})
    existing = Membership.objects.filter(organization=organization, user=request.user).first()
    is_for_user = services.invitation_is_for(invitation, request.user)
    if request.method == "POST" and existing is None and not is_for_user:
        return _accept_page(request, invitation, existing, is_for_user, status=403)
    if request.method == "POST" and existing is None:
        try:
            joined = services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationUnusable as error:
            return _unusable(request, error)
        except ValidationError:  # joined a moment ago, from another tab
            existing = Membership.objects.get(organization=organization, user=request.user)
        else:
            role = joined.get_role_display().lower()
            messages.success(request, f"Welcome to {organization}: you joined as {role}.")
            return redirect("gap", organization.slug)
    if request.method == "POST":
        role = existing.get_role_display().lower()
        messages.info(request, f"You are already a member of {organization} ({role}).")
        return redirect("gap", organization.slug)
    return _accept_page(request, invitation, existing, is_for_user)


def _accept_page(
    request: HttpRequest,
    invitation: Invitation,
    existing: Membership | None,
    is_for_user: bool,
    *,
    status: int = 200,
) -> HttpResponse:
    """The invitation, and why this account cannot accept it yet if it cannot."""
    email = (request.user.email or "").lower()
    context = {
        "invitation": invitation,
        "existing": existing,
        "is_for_user": is_for_user,
        "same_address": email == invitation.email,
    }
    return render(request, "planner/invitation_accept.html", context, status=status)


# --- members --------------------------------------------------------------------------------


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Changes a member's role; answers htmx with the row, else redirects."""
    membership = _get_owner_membership(request, slug)
    member = _get_member(membership, pk)
    form = _role_form(member, request.POST)
    if form.is_valid():
        role = form.cleaned_data["role"]
        try:
            services.membership_update(membership=member, actor=request.user, role=role)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = member.get_role_display().lower()
            if member.pk == membership.pk and role != Membership.Role.OWNER:
                return _leave_for(
                    request,
                    _members_url(slug),
                    f"You are now {label} of {membership.organization}.",
                )
            if not request.htmx:
                messages.success(request, f"{member.user} is now {label}.")
                return redirect(_members_url(slug, f"membership-{member.pk}"))
            context = org_context(
                membership, "members", row=_member_row(member, membership, saved=True)
            )
            return render(request, ROW, context)
    if not request.htmx:
        context = _page_context(membership, rows={member.pk: {"form": form}})
        return render(request, PAGE, context, status=422)
    context = org_context(membership, "members", row=_member_row(member, membership, form=form))
    return render(request, ROW, context, status=422)


def _confirm(
    request: HttpRequest, membership: Membership, member: Membership, *, error: str = ""
) -> HttpResponse:
    other_owners = Membership.objects.filter(
        organization=membership.organization, role=Membership.Role.OWNER
    ).exclude(pk=member.pk)
    context = org_context(
        membership,
        "members",
        member=member,
        leaving=member.pk == membership.pk,
        last_owner=member.is_owner and not other_owners.exists(),
        error=error,
    )
    return render(request, CONFIRM, context, status=422 if error else 200)


def _remove(request: HttpRequest, membership: Membership, member: Membership) -> HttpResponse:
    """Removes ``member`` (or the requester, leaving); the last owner stays, with a 422."""
    slug = membership.organization.slug
    try:
        services.membership_delete(membership=member, actor=request.user)
    except ValidationError as error:
        message = " ".join(error.messages)
        if not request.htmx:
            return _confirm(request, membership, member, error=message)
        context = _page_context(membership, rows={member.pk: {"error": message}})
        return render(request, f"{PAGE}#member-section", context, status=422)
    if member.pk == membership.pk:
        return _leave_for(request, reverse("home"), f"You left {membership.organization}.")
    if not request.htmx:
        messages.success(request, f"Removed {member.user} from {membership.organization}.")
        return redirect(_members_url(slug))
    return render(request, f"{PAGE}#member-section", _page_context(membership))


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST removes."""
    membership = _get_owner_membership(request, slug)
    member = _get_member(membership, pk)
    if request.method == "GET":
        return _confirm(request, membership, member)
    return _remove(request, membership, member)


@login_required
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, slug: str) -> HttpResponse:
    """Any member leaves by themselves: GET asks for confirmation, POST leaves."""
    membership = get_membership(request, slug)
    membership.user = request.user
    if request.method == "GET":
        return _confirm(request, membership, membership)
    return _remove(request, membership, membership)
