"""Writes to many hires at once: plan N alike hires from a line of seats still to plan (on
the roadmap and in "What to do now"), and change the status of the hires ticked on Team &
hires. How each one treats a row changed meanwhile is in docs/architecture.md.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from planner import rules, services
from planner.forms import BULK_STATUS_LABELS, HireStatusForm, PlanHiresForm, add_service_errors
from planner.models import Membership
from planner.quarters import Quarter
from planner.team_page import PAGE, Redraw, StatusOutcome, hire_row, page_context, team_url
from planner.views.access import WRITE, org_context, organization_view, plan_changed, plan_url

PLAN_LINE = "planner/_plan_hires.html#line"


def _back_url(membership: Membership, back: str, line_id: str) -> str:
    return plan_url(membership, "roadmap" if back == "roadmap" else "gap") + f"#{line_id}"


@organization_view(post=WRITE)
def hires_plan(request: HttpRequest, membership: Membership) -> HttpResponse:
    """ "Plan N hires" from a line of seats still to plan: N planned hires, all or none.

    htmx swaps the line for what was planned; without it the page the line was on comes
    back with a message. A refused count comes back beside the number, nothing planned.
    """
    organization = membership.organization
    form = PlanHiresForm(request.POST)
    planned = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            planned = services.hires_plan(
                organization=organization,
                actor=request.user,
                role=data["role"],
                target_quarter=data["target_quarter"],
                count=data["count"],
                scenario=membership.scenario,
            )
        except ValidationError as error:
            add_service_errors(form, error)
    role, target = request.POST.get("role", ""), form.cleaned_data.get("target_quarter")
    back = form.cleaned_data.get("back") or "gap"
    line_id = _line_id(back, role, request.POST.get("needed_in", ""))
    if planned and not request.htmx:
        noun = planned[0].get_role_display().lower()
        messages.success(
            request,
            ngettext(
                "Planned %(count)s %(role)s hire for %(quarter)s. It is on Team & hires.",
                "Planned %(count)s %(role)s hires for %(quarter)s. They are on Team & hires.",
                len(planned),
            )
            % {"count": len(planned), "role": noun, "quarter": Quarter.from_ordinal(target)},
        )
        return redirect(_back_url(membership, back, line_id))
    context = org_context(
        membership,
        "team",
        form=form,
        planned=planned,
        role=role,
        target=target,
        back=back,
        back_url=_back_url(membership, back, line_id),
        line_id=line_id,
        count=request.POST.get("count", ""),
        # Beside the number: its own errors first, then any about the line itself.
        count_error=" ".join(
            message
            for field in ("count", "role", "target_quarter", "__all__")
            for message in form.errors.get(field, [])
        ),
    )
    if planned:
        return plan_changed(render(request, PLAN_LINE, context))
    if request.htmx:
        return render(request, PLAN_LINE, context, status=422)
    return render(request, "planner/hires_plan.html", context, status=422)


def _line_id(back: str, role: str, needed_in: str) -> str:
    """The id of a line of seats to plan, as the roadmap and the action list give it."""
    prefix = "plan" if back == "roadmap" else "action"
    key = ""
    if needed_in.isdigit():
        try:
            quarter = Quarter.from_ordinal(int(needed_in))
        except ValueError:
            quarter = None
        if quarter is not None:
            key = f"FY{quarter.fiscal_year}Q{quarter.number}"
    safe_role = role if role in rules.ROLES else "role"
    return f"{prefix}-{safe_role}-{key or 'line'}"


@organization_view(post=WRITE)
def hires_set_status(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The status of the hires ticked in the list, changed together, row by row.

    Each hire still as the person saw it is changed; each one changed or deleted by someone
    else meanwhile, or hired already, is left as it is and listed with the reason (409),
    still ticked with its current version so that applying again changes it as it is now.
    """
    organization = membership.organization
    form = HireStatusForm(request.POST, auto_id="bulk-%s")
    if not form.is_valid():
        context = page_context(request, membership, Redraw(bulk_form=form))
        template = f"{PAGE}#hire-section" if request.htmx else PAGE
        return render(request, template, context, status=422)
    status = form.cleaned_data["status"]
    result = services.hires_set_status(
        organization=organization,
        actor=request.user,
        changes=form.cleaned_data["changes"],
        status=status,
        scenario=membership.scenario,
    )
    outcome = StatusOutcome.of(result, BULK_STATUS_LABELS[status])
    if not request.htmx and not result.refused:
        messages.success(request, outcome.done)
        return redirect(team_url(organization.slug, "hire-section", membership.scenario))
    rows = {
        refused.pk: hire_row(
            refused.current,
            refused.current.team_member,
            organization,
            selected=refused.current.status != rules.HIRED,
        )
        for refused in result.refused
        if refused.current is not None
    }
    context = page_context(request, membership, Redraw(hire_rows=rows, bulk=outcome))
    template = f"{PAGE}#hire-section" if request.htmx else PAGE
    response = render(request, template, context, status=409 if result.refused else 200)
    return plan_changed(response) if result.changed else response
