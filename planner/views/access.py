"""Resolving the organization of a request, through the requesting user's membership."""

import logging
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django_htmx.http import trigger_client_event

from planner.models import Membership

security_log = logging.getLogger("planner.security")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_membership(request: HttpRequest, slug: str, *, write: bool = False) -> Membership:
    """404 for anyone outside the organization, 403 for a viewer asking to write."""
    membership = getattr(request, "membership", None)
    if membership is None or membership.organization.slug != slug:
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


def organization_guard(view: Callable, *, viewers_may_write: bool = False) -> Callable:
    """Wraps every view under ``o/<slug>/`` (see urls.py), before anything else runs.

    Anonymous users go to login, outsiders get 404 whatever the method, and viewers get
    403 on every non-safe method, so no view can forget a check or answer an outsider
    with a 405 that tells them the URL exists. The view's own ``get_membership`` call
    reuses the membership found here.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, slug: str, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        writing = request.method not in SAFE_METHODS and not viewers_may_write
        request.membership = get_membership(request, slug, write=writing)
        return view(request, *args, slug=slug, **kwargs)

    return guarded


def plan_changed(response: HttpResponse) -> HttpResponse:
    """Tells gap panels on the page to refresh: the response changed what they show."""
    return trigger_client_event(response, "planChanged")
