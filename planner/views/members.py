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
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from planner import services
from planner.forms import InvitationForm, add_service_errors
from planner.members_page import PAGE, member_row, page_context, role_form
from planner.models import Invitation, Membership
from planner.views.access import OWNER, READ, org_context, organization_view

ROW = "planner/_member.html"
CONFIRM = "planner/member_confirm_remove.html"

mail_log = logging.getLogger("planner.mail")


# --- building blocks ------------------------------------------------------------------------


def _get_member(membership: Membership, pk: int) -> Membership:
    members = Membership.objects.select_related("user")
    member = get_object_or_404(members, pk=pk, organization=membership.organization)
    member.organization = membership.organization
    return member


def _members_url(slug: str, anchor: str = "") -> str:
    return reverse("members", args=[slug]) + (f"#{anchor}" if anchor else "")


def _leave_for(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """After the requester lost access or ownership: a full page load, with or without htmx."""
    messages.success(request, message)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


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


@organization_view(get=READ)
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    # A share link just made, shown this once: only its digest is stored.
    new_link = request.session.pop("new_share_link", None) if membership.is_owner else None
    return render(request, PAGE, page_context(membership, new_link=new_link))


# --- invitations ----------------------------------------------------------------------------


@organization_view(post=OWNER)
def member_invite(request: HttpRequest, membership: Membership) -> HttpResponse:
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
                notice = gettext("Invitation sent to %(email)s as %(role)s.") % {
                    "email": invitation.email,
                    "role": role,
                }
            else:
                notice = gettext(
                    "The invitation to %(email)s is saved, but the email could "
                    "not be sent. Check the mail settings, then use “Invite "
                    "again”."
                ) % {"email": invitation.email}
            if not request.htmx:
                (messages.success if sent else messages.error)(request, notice)
                return redirect(_members_url(membership.organization.slug, "invitation-section"))
            context = page_context(
                membership, invited=invitation.pk, notice=notice, mail_failed=not sent
            )
            return render(request, f"{PAGE}#invitation-section", context)
    context = page_context(membership, invite_form=form)
    template = f"{PAGE}#invitation-section" if request.htmx else PAGE
    return render(request, template, context, status=422)


@organization_view(post=OWNER)
def invitation_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organization = membership.organization
    invitation = get_object_or_404(Invitation.objects.pending(), pk=pk, organization=organization)
    invitation.organization = organization
    services.invitation_revoke(invitation=invitation, actor=request.user)
    notice = gettext("Revoked the invitation to %(email)s: its link no longer works.") % {
        "email": invitation.email
    }
    if not request.htmx:
        messages.success(request, notice)
        return redirect(_members_url(membership.organization.slug, "invitation-section"))
    context = page_context(membership, notice=notice)
    return render(request, f"{PAGE}#invitation-section", context)


# --- members --------------------------------------------------------------------------------


@organization_view(post=OWNER)
def member_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Changes a member's role; answers htmx with the row, else redirects."""
    member = _get_member(membership, pk)
    form = role_form(member, request.POST)
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
                    _members_url(membership.organization.slug),
                    gettext("You are now %(role)s of %(organization)s.")
                    % {"role": label, "organization": membership.organization},
                )
            if not request.htmx:
                messages.success(
                    request, _("%(user)s is now %(role)s.") % {"user": member.user, "role": label}
                )
                return redirect(
                    _members_url(membership.organization.slug, f"membership-{member.pk}")
                )
            context = org_context(
                membership, "members", row=member_row(member, membership, saved=True)
            )
            return render(request, ROW, context)
    if not request.htmx:
        context = page_context(membership, rows={member.pk: {"form": form}})
        return render(request, PAGE, context, status=422)
    context = org_context(membership, "members", row=member_row(member, membership, form=form))
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
    try:
        services.membership_delete(membership=member, actor=request.user)
    except ValidationError as error:
        message = " ".join(error.messages)
        if not request.htmx:
            return _confirm(request, membership, member, error=message)
        context = page_context(membership, rows={member.pk: {"error": message}})
        return render(request, f"{PAGE}#member-section", context, status=422)
    if member.pk == membership.pk:
        return _leave_for(
            request,
            reverse("home"),
            gettext("You left %(organization)s.") % {"organization": membership.organization},
        )
    if not request.htmx:
        messages.success(
            request,
            _("Removed %(user)s from %(organization)s.")
            % {"user": member.user, "organization": membership.organization},
        )
        return redirect(_members_url(membership.organization.slug))
    return render(request, f"{PAGE}#member-section", page_context(membership))


@organization_view(get=OWNER, post=OWNER)
def member_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST removes."""
    member = _get_member(membership, pk)
    if request.method == "GET":
        return _confirm(request, membership, member)
    return _remove(request, membership, member)


@organization_view(get=READ, post=READ)
def member_leave(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Any member leaves by themselves: GET asks for confirmation, POST leaves."""
    membership.user = request.user
    if request.method == "GET":
        return _confirm(request, membership, membership)
    return _remove(request, membership, membership)
