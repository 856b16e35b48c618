"""The leadership summary, and the read-only links that show it to people who are not members.

Members read the summary at ``o/<slug>/summary/``. An owner makes a share link for it on
the Members page; whoever holds the link sees the summary and nothing else, until the link
expires or is revoked, after which it answers 404 like any unknown address.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from planner import services
from planner.forms import ShareLinkForm, add_service_errors
from planner.members_page import page_context
from planner.models import Membership, ShareLink
from planner.planning import load_plan
from planner.summary import summary_context
from planner.views.access import OWNER, READ, org_context, organization_view

PAGE = "planner/summary.html"
SHARED_PAGE = "planner/summary_shared.html"
# The members page shows a new link once, from the session, after the redirect.
NEW_LINK_KEY = "new_share_link"


@organization_view(get=READ)
def summary(request: HttpRequest, membership: Membership) -> HttpResponse:
    plan = load_plan(membership.organization)
    context = org_context(membership, "summary", **summary_context(plan), shared=False)
    return render(request, PAGE, context)


@require_GET
def shared_summary(request: HttpRequest, token: str) -> HttpResponse:
    """The summary for whoever holds the link: no navigation, no member names, no edit."""
    link = services.share_link_open(token)
    if link is None:
        raise Http404("No such page.")
    organization = link.organization
    context = {
        "organization": organization,
        "shared": True,
        "link": link,
        **summary_context(load_plan(organization)),
    }
    response = render(request, SHARED_PAGE, context)
    # A proxy must not keep it (the link may be revoked), and search engines must not list it.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: never send it on to another site.
    response["Referrer-Policy"] = "no-referrer"
    return response


def _members_url(slug: str) -> str:
    return reverse("members", args=[slug]) + "#share-links"


@organization_view(post=OWNER)
def share_link_create(request: HttpRequest, membership: Membership) -> HttpResponse:
    organization = membership.organization
    form = ShareLinkForm(request.POST, auto_id="share-%s")
    if form.is_valid():
        try:
            link, token = services.share_link_create(
                organization=organization, actor=request.user, days=form.cleaned_data["days"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = request.build_absolute_uri(reverse("shared_summary", args=[token]))
            request.session[NEW_LINK_KEY] = {"pk": link.pk, "url": url}
            messages.success(
                request,
                _(
                    "Share link made. Copy it now: it is shown only once. Anyone with it can "
                    "read the summary until %(date)s."
                )
                % {"date": date_format(link.expires_at, "j M Y")},
            )
            return redirect(_members_url(organization.slug))
    context = page_context(membership, share_form=form)
    return render(request, "planner/members.html", context, status=422)


@organization_view(post=OWNER)
def share_link_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organization = membership.organization
    link = get_object_or_404(ShareLink, pk=pk, organization=organization)
    link.organization = organization
    services.share_link_revoke(link=link, actor=request.user)
    messages.success(
        request, _("Revoked the share link %(hint)s…: it no longer opens.") % {"hint": link.hint}
    )
    return redirect(_members_url(organization.slug))
