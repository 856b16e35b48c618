"""Accepting an invitation: the emailed link, for the account whose address it was sent to.

Not an organization view: the visitor is not a member yet, and the signed link is the
credential. Only an account that has confirmed the invited address may join with it.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from planner import services
from planner.models import Invitation, Membership

# A link that never was one is a bad request; one for another account is forbidden; one
# that was valid once (expired, withdrawn, used) is gone.
UNUSABLE_STATUS: dict[type[services.InvitationUnusable], int] = {
    services.InvitationInvalid: 400,
    services.InvitationForAnotherAddress: 403,
}


def _unusable(request: HttpRequest, error: services.InvitationUnusable) -> HttpResponse:
    status = UNUSABLE_STATUS.get(type(error), 410)
    context = {"error": error, "valid_days": Invitation.VALID_FOR.days}
    return render(request, "planner/invitation_invalid.html", context, status=status)


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
            messages.success(
                request,
                _("Welcome to %(organization)s: you joined as %(role)s.")
                % {"organization": organization, "role": role},
            )
            return redirect("gap", organization.slug)
    if request.method == "POST":
        role = existing.get_role_display().lower()
        messages.info(
            request,
            _("You are already a member of %(organization)s (%(role)s).")
            % {"organization": organization, "role": role},
        )
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
