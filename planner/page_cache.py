"""A page's content drawn once per state of the plan, and served again until it changes.

The gap view, roadmap, headcount grid, Team & hires and history of a large plan take far
longer to draw than to send. What they draw depends only on the organization's recorded
state, the scenario, the member's role, the language, the current quarter and the query
string, so it is drawn once per combination of those and kept in the ``pages`` cache.

**The revision.** Every write to an organization goes through ``planner.services`` (or a
restore, which builds a new organization) and records a ``Change`` in its transaction: the
history is complete by design, and the admin is read-only. Where it records, it also adds
one to ``Organization.revision``, so the revision, read with the membership that every
page reads anyway, names the state of everything the organization holds. A write makes a
new revision, hence a new key: nothing is invalidated by hand, and a key never comes back.
``tests/test_plan_revision.py`` holds every kind of write to that promise.

**What stays per request.** The layout around the content (who is signed in, the menus,
messages) is drawn for each request. Forms inside the content carry a CSRF token, which is
per browser, and a script's nonce is per answer: the content is kept with placeholders
that each answer replaces with its own request's token and nonce.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.csp import CONTEXT_KEY as CSP_CONTEXT_KEY
from django.utils.safestring import mark_safe

from planner.models import Membership, Organization
from planner.planning import current_quarter

CACHE = "pages"
# The name of the partial, in each cached page's template, that holds its content block.
CONTENT = "page-content"
# What a kept page holds where the request's CSRF token or script nonce goes; no text of
# the planner can contain them, as they are not made of characters a template writes.
CSRF_PLACEHOLDER = "\x00csrf-token\x00"
NONCE_PLACEHOLDER = "\x00csp-nonce\x00"


def plan_revision(organization: Organization) -> int:
    """The organization's revision as the database holds it now."""
    return Organization.objects.values_list("revision", flat=True).get(pk=organization.pk)


def page_key(request: HttpRequest, membership: Membership, page: str) -> str:
    """Everything a kept page's content depends on, as one cache key."""
    organization = membership.organization
    parts = (
        page,
        organization.pk,
        # Read with the membership at the start of the request. A write committed since
        # makes this request draw newer data under the older key: never older data under
        # a newer one, which is what could make a kept page stale.
        organization.revision,
        # SQLite may give a deleted organization's id to a new one.
        organization.created_at.isoformat(),
        membership.scenario.pk if membership.scenario else "",
        membership.role,
        translation.get_language(),
        current_quarter(organization),
        # Sorted, so the same filters in another order are the same page.
        sorted(request.GET.lists()),
    )
    return "page:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def kept[T](request: HttpRequest, membership: Membership, page: str, compute: Callable[[], T]) -> T:
    """What ``compute`` makes of this state of the plan for this request's page, made once."""
    cache = caches[CACHE]
    key = page_key(request, membership, page)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def render_page(
    request: HttpRequest,
    membership: Membership,
    template: str,
    page: str,
    context: Callable[[], dict],
) -> HttpResponse:
    """``render`` of a page whose content block is the partial ``page-content``: the content
    from the cache when this state of the plan has been drawn, else drawn from
    ``context()`` (the view's work, skipped on a hit) and kept. The layout around it gets
    the organization's context alone (``org_context``)."""
    from planner.views.access import org_context  # the views import this module

    def draw() -> str:
        values = {**context(), "csrf_token": CSRF_PLACEHOLDER, CSP_CONTEXT_KEY: NONCE_PLACEHOLDER}
        return render_to_string(f"{template}#{CONTENT}", values, request)

    content = kept(request, membership, page, draw)
    if CSRF_PLACEHOLDER in content:
        content = content.replace(CSRF_PLACEHOLDER, get_token(request))
    if NONCE_PLACEHOLDER in content:
        content = content.replace(NONCE_PLACEHOLDER, str(get_nonce(request)))
    return render(request, template, org_context(membership, page, page_content=mark_safe(content)))
