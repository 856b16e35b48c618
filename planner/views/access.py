"""Who may do what in an organization: one decorator per view states it.

    @organization_view(get=READ, post=WRITE)
    def organization_settings(request, membership): ...

The decorator resolves the organization of ``o/<slug>/`` through the requesting user's
membership and hands the view that membership instead of the slug. In this order:

1. anonymous users go to the login page, whatever the method;
2. users outside the organization get 404, whatever the method, so that no answer
   (not even a 405) tells them the organization or the URL exists;
3. a member whose role is below what the method needs gets 403 — a method the view does
   not take needs ``read`` when it is safe and ``write`` when it is not, so a viewer hears
   "not allowed" for every change rather than learning which methods exist;
4. a method the view does not take gets 405 (HEAD included: the views branch on GET,
   and must never treat a HEAD as the POST they also take).

The levels a view declares are kept on it as ``view.access``, which the isolation test
reads from the URL resolver to prove the whole matrix.
"""

import logging
from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Concatenate
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_htmx.http import trigger_client_event

from planner.models import Membership, Scenario
from planner.services import RowGone

security_log = logging.getLogger("planner.security")

SCENARIO_PARAMETER = "scenario"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Access(StrEnum):
    """What a method of a view asks of the member, lowest first."""

    READ = "read"  # any member: owner, editor, viewer
    WRITE = "write"  # owners and editors
    OWNER = "owner"  # owners alone

    def allows(self, membership: Membership) -> bool:
        if self is Access.OWNER:
            return membership.is_owner
        if self is Access.WRITE:
            return membership.can_edit
        return True


READ, WRITE, OWNER = Access.READ, Access.WRITE, Access.OWNER

REFUSALS = {
    Access.WRITE: _("You have view-only access to this organization."),
    Access.OWNER: _("Only owners manage the members of this organization."),
}

type OrganizationView[**P] = Callable[Concatenate[HttpRequest, Membership, P], HttpResponse]


def organization_view[**P](
    *, get: Access | None = None, post: Access | None = None
) -> Callable[[OrganizationView[P]], Callable[..., HttpResponse]]:
    """Declares the access each method needs; see the module's docstring for the order."""
    access = {method: level for method, level in (("GET", get), ("POST", post)) if level}

    def decorate(view: OrganizationView[P]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, slug: str, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            membership = _membership(request, slug)
            membership.scenario = _scenario(request, membership)
            method = request.method or "GET"
            needed = access.get(method, READ if method in SAFE_METHODS else WRITE)
            if not needed.allows(membership):
                security_log.warning(
                    "Permission denied: %s (%s) tried %s %s",
                    request.user,
                    membership.role,
                    method,
                    request.path,
                )
                raise PermissionDenied(REFUSALS[needed])
            if method not in access:
                return HttpResponseNotAllowed(sorted(access))
            try:
                return view(request, membership, *args, **kwargs)
            except RowGone as gone:
                # Deleted by someone else between the page load and this request.
                raise Http404(str(gone)) from gone

        guarded.access = access  # type: ignore[attr-defined]
        return guarded

    return decorate


def _membership(request: HttpRequest, slug: str) -> Membership:
    membership = (
        Membership.objects.select_related("organization")
        .filter(user=request.user, organization__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organization.")
    membership.user = request.user
    return membership


def _scenario(request: HttpRequest, membership: Membership) -> Scenario | None:
    """The scenario ``?scenario=<id>`` names, of this organization alone, or 404.

    The one place a request's scenario is read: in the query string of every link, form
    action and htmx request of a page, never in the session, so that two tabs on two
    scenarios each write into the one they show.
    """
    raw = request.GET.get(SCENARIO_PARAMETER)
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("No such scenario.")
    scenario = Scenario.objects.filter(organization=membership.organization, pk=int(raw)).first()
    if scenario is None:
        raise Http404("No such scenario.")
    scenario.organization = membership.organization
    return scenario


def org_context(membership: Membership, section: str, **extra) -> dict:
    return {
        "membership": membership,
        "organization": membership.organization,
        "section": section,
        "scenario": membership.scenario,
        # Lazy: read (one query) only by the pages that show the scenario switcher.
        "scenario_choices": Scenario.objects.filter(organization=membership.organization),
        **extra,
    }


def plan_redirect(membership: Membership, name: str, **query) -> HttpResponseRedirect:
    """A redirect to the organization's page ``name``, in the scenario the request named."""
    return HttpResponseRedirect(plan_url(membership, name, **query))


def plan_url(membership: Membership, name: str, **query) -> str:
    url = reverse(name, args=[membership.organization.slug])
    if membership.scenario is not None:
        query[SCENARIO_PARAMETER] = membership.scenario.pk
    return f"{url}?{urlencode(query)}" if query else url


def plan_changed(response: HttpResponse) -> HttpResponse:
    """Tells gap panels on the page to refresh: the response changed what they show."""
    return trigger_client_event(response, "planChanged")
