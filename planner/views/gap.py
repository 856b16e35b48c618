"""The gap view: stage, recommended team, ratio and the role-by-role gap for one quarter."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planner.gap_panel import gap_context, parse_quarter
from planner.models import Membership
from planner.planning import load_plan
from planner.views.access import READ, org_context, organization_view


@organization_view(get=READ)
def gap(request: HttpRequest, membership: Membership) -> HttpResponse:
    quarter, error = parse_quarter(request.GET.get("quarter"))
    context = org_context(
        membership,
        "gap",
        compact=request.GET.get("compact") == "1",
        **gap_context(load_plan(membership.organization), quarter, error),
    )
    template = "planner/gap.html"
    if request.htmx and request.htmx.target == "gap-panel":
        template += "#gap-panel"
    return render(request, template, context)
