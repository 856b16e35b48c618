"""The gap view: stage, recommended team, ratio and the role-by-role gap for one quarter."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from planner.gap_panel import actions_context, gap_context, parse_quarter
from planner.models import Membership
from planner.page_cache import render_page
from planner.planning import load_plan
from planner.views.access import READ, org_context, organization_view


@organization_view(get=READ)
@vary_on_headers("HX-Request")
def gap(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The organization's home page: what to do now, then the gap of one quarter.

    The quarter is in the URL (``?quarter=FY2027Q1``), so a quarter can be bookmarked; the
    quarter picker pushes it. With htmx targeting the panel, only the panel is drawn.
    """
    quarter, error = parse_quarter(request.GET.get("quarter"))
    compact = request.GET.get("compact") == "1"
    panel_only = request.htmx and not request.htmx.history_restore_request
    if panel_only and request.htmx.target == "gap-panel":
        plan = load_plan(membership.organization, scenario=membership.scenario)
        panel = gap_context(plan, quarter, error, compact=compact)
        context = org_context(membership, "gap", **panel)
        return render(request, "planner/gap.html#gap-panel", context)

    def content() -> dict:
        plan = load_plan(membership.organization, scenario=membership.scenario)
        context = gap_context(plan, quarter, error, compact=compact)
        if plan.headcounts:
            context.update(actions_context(plan))
        return org_context(membership, "gap", **context)

    return render_page(request, membership, "planner/gap.html", "gap", content)
