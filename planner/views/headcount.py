"""Customer-facing headcount per quarter: a grid edited cell by cell."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planner import rules, services
from planner.forms import SnapshotForm
from planner.headcount_page import (
    cells_context,
    first_quarter_form,
    load_grid,
    page_context,
    snapshot_row,
)
from planner.models import HeadcountSnapshot, Membership
from planner.page_cache import render_page
from planner.planning import current_quarter, load_plan
from planner.views.access import (
    READ,
    WRITE,
    org_context,
    organization_view,
    plan_redirect,
    plan_url,
)
from planner.views.refusals import NOT_SAVED_SHOWN_NOW, Refusal, answer_delete, attempt_delete


@organization_view(get=READ)
def headcount(request: HttpRequest, membership: Membership) -> HttpResponse:
    def content() -> dict:
        return page_context(membership, load_grid(membership.organization, membership.scenario))

    return render_page(request, membership, "planner/headcount.html", "headcount", content)


@organization_view(post=WRITE)
def snapshot_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Adds the quarter after the latest, pre-filled from it; the first one is chosen."""
    organization = membership.organization
    now = current_quarter(organization)
    grid = load_grid(organization, membership.scenario)
    first_quarter = now
    if not grid.snapshots:
        form = first_quarter_form(now, request.POST, membership.scenario)
        if not form.is_valid():
            context = page_context(membership, grid, first_quarter_form=form)
            return render(request, "planner/headcount.html", context, status=422)
        first_quarter = form.cleaned_data["quarter"]
    try:
        snapshot = services.snapshot_add_next(
            organization=organization,
            actor=request.user,
            default_quarter=first_quarter,
            scenario=membership.scenario,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return plan_redirect(membership, "headcount")
    if not request.htmx:
        messages.success(
            request,
            _("Added %(quarter)s.") % {"quarter": organization.quarter_label(snapshot.quarter)},
        )
        return plan_redirect(membership, "headcount")
    grid = load_grid(organization, membership.scenario)
    # The new row's first cell takes the focus, so typing goes on where the quarter was added.
    context = page_context(
        membership, grid, panel_quarter=snapshot.quarter, oob=True, focus=snapshot.pk
    )
    return render(request, "planner/headcount.html#headcount-grid", context)


@organization_view(post=WRITE)
def snapshot_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organization = membership.organization
    # Only a row of the plan (or scenario) the page shows: a scenario's page cannot
    # change the plan's actual quarters, nor the plan's page a scenario's rows.
    snapshot = get_object_or_404(
        HeadcountSnapshot, pk=pk, organization=organization, scenario=membership.scenario
    )
    snapshot.organization = organization
    snapshot.scenario = membership.scenario
    form = SnapshotForm(request.POST, snapshot=snapshot)
    stage_before = rules.stage_for(snapshot.total).number
    status, refusal = 200, None
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SNAPSHOT_FIELDS}
        try:
            snapshot = services.snapshot_update(
                snapshot=snapshot,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except services.StaleEdit as error:
            refusal = Refusal.stale(error, NOT_SAVED_SHOWN_NOW)
            status = refusal.status
        if not request.htmx and refusal is None:
            return plan_redirect(membership, "headcount")
    else:
        status = 422
    # After a refused stale edit the row shows the stored numbers, not what was typed:
    # leaving the typed ones beside the refreshed version would let the next change
    # overwrite the other person's edit without anyone noticing.
    bound = None if refusal else form
    refused = {snapshot.pk: refusal} if refusal else {}
    if not request.htmx:
        grid = load_grid(organization, membership.scenario)
        context = page_context(membership, grid, bound=bound, refused=refused)
        return render(request, "planner/headcount.html", context, status=status)
    row = snapshot_row(snapshot, current_quarter(organization), bound, membership.scenario)
    if refusal or (status == 200 and row.stage.number != stage_before):
        # Redraw the grid: where a stage starts may have moved, or the refused row needs
        # its current numbers and a note wide enough to read.
        context = page_context(
            membership,
            load_grid(organization, membership.scenario),
            panel_quarter=snapshot.quarter,
            oob=True,
            grid_oob=True,
            refused=refused,
        )
        return render(request, "planner/headcount.html#grid-redraw", context, status=status)
    # The row's own cells are drawn from the saved snapshot: the rest of the answer needs
    # the plan's values alone, not a row object per quarter.
    plan = load_plan(organization, scenario=membership.scenario)
    context = cells_context(membership, plan, row, saved=status == 200)
    return render(request, "planner/headcount.html#snapshot-cells", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def snapshot_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: a quarter changed since is not deleted.
    """
    organization = membership.organization
    snapshot = get_object_or_404(
        HeadcountSnapshot, pk=pk, organization=organization, scenario=membership.scenario
    )
    snapshot.scenario = membership.scenario

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else snapshot
        context = org_context(membership, "headcount", snapshot=shown, refusal=refusal)
        status = refusal.status if refusal else 200
        return render(request, "planner/snapshot_confirm_delete.html", context, status=status)

    def grid(refusal: Refusal | None) -> HttpResponse:
        # The grid as it is now, the reason right under the row the person tried to delete.
        refused = {pk: refusal} if refusal else {}
        grid = load_grid(organization, membership.scenario)
        context = page_context(membership, grid, oob=True, refused=refused)
        return render(request, "planner/headcount.html#headcount-grid", context)

    if request.method == "GET":
        return confirm()
    label = organization.quarter_label(snapshot.quarter)
    refusal = attempt_delete(
        request,
        lambda version: services.snapshot_delete(
            snapshot=snapshot, actor=request.user, expected_version=version
        ),
    )
    return answer_delete(
        request,
        refusal,
        done=gettext("Deleted the headcount of %(quarter)s.") % {"quarter": label},
        done_url=plan_url(membership, "headcount"),
        fragment=grid,
        confirm=confirm,
    )
