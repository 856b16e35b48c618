"""Resolving the organization of a request, through the requesting user's membership."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from planner.models import Membership

security_log = logging.getLogger("planner.security")


def get_membership(request: HttpRequest, slug: str, *, write: bool = False) -> Membership:
    """404 for anyone outside the organization, 403 for a viewer asking to write."""
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=request.user, organization__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organization.")
    if write and not membership.can_edit:
        security_log.warning(
            "Permission denied: %s (viewer) tried %s %s",
            request.user,
            request.method,
            request.path,
        )
        raise PermissionDenied("You have view-only access to this organization.")
    return membership


def org_context(membership: Membership, section: str, **extra) -> dict:
    return {
        "membership": membership,
        "organization": membership.organization,
        "section": section,
        **extra,
    }
