"""Customer-facing headcount per quarter: a grid edited cell by cell."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from planner import rules, services
from planner.forms import FirstQuarterForm, PasteForm, SnapshotForm, add_service_errors
from planner.gap_panel import gap_context
from planner.models import HeadcountSnapshot, Membership, Organization
from planner.planning import Plan, current_quarter, load_plan
from planner.quarters import Quarter
from planner.views.access import READ, WRITE, org_context, organization_view, plan_changed
from planner.views.refusals import NOT_SAVED_SHOWN_NOW, Refusal, answer_delete, attempt_delete


@dataclass(frozen=True)
class Cell:
    """One number of a grid row: its field, what the input shows, and what was wrong."""

    name: str
    value: object
    errors: tuple[str, ...] = ()


CELL_FIELDS = ("sales", "customer_success", "other")


@dataclass(frozen=True)
class SnapshotRow:
    """One quarter of the grid: its cells, its stage, and whether a new stage starts there.

    A row shows the stored numbers as plain cells; only the row someone just typed into
    carries a form's values and errors, so a grid of many quarters builds one form at most.
    """

    snapshot: HeadcountSnapshot
    cells: tuple[Cell, ...]
    errors: tuple[str, ...]
    stage: rules.Stage
    actual: bool
    stage_changed: bool
    refusal: Refusal | None = None


@dataclass(frozen=True)
class Grid:
    """The quarters the grid shows, as rows to edit, and the plan they make."""

    snapshots: list[HeadcountSnapshot]
    plan: Plan


def _load_grid(organization: Organization) -> Grid:
    """Four queries: the snapshots as rows, then the team, hires and segments for the plan."""
    snapshots = list(organization.snapshots.order_by("quarter"))
    return Grid(snapshots, load_plan(organization, snapshots=snapshots))


def _rows(
    grid: Grid,
    now: int,
    bound: SnapshotForm | None = None,
    refused: dict[int, Refusal] | None = None,
) -> list[SnapshotRow]:
    rows, previous_stage = [], None
    refused = refused or {}
    for snapshot in grid.snapshots:
        stage = rules.stage_for(snapshot.total)
        form = bound if bound is not None and bound.snapshot.pk == snapshot.pk else None
        if form is None:
            cells = tuple(Cell(name, getattr(snapshot, name)) for name in CELL_FIELDS)
            errors: tuple[str, ...] = ()
        else:
            cells = tuple(Cell(n, form[n].value(), tuple(form[n].errors)) for n in CELL_FIELDS)
            errors = tuple(form.non_field_errors())
        rows.append(
            SnapshotRow(
                snapshot=snapshot,
                cells=cells,
                errors=errors,
                stage=stage,
                actual=snapshot.quarter < now,
                stage_changed=previous_stage is not None and stage.number != previous_stage,
                refusal=refused.get(snapshot.pk),
            )
        )
        previous_stage = stage.number
    return rows


def _first_quarter_form(now: int, data=None) -> FirstQuarterForm:
    return FirstQuarterForm(data, ordinals=list(range(now - 8, now + 5)), initial_quarter=now)


def _paste_form(grid: Grid, now: int, data=None) -> PasteForm:
    """Pasting starts at any quarter shown, the one after the last, or around now."""
    stored = [snapshot.quarter for snapshot in grid.snapshots]
    first = min([*stored, now - 8])
    last = max([*(quarter + 1 for quarter in stored), now + 8])
    versions = ",".join(f"{s.quarter}:{s.version}" for s in grid.snapshots)
    return PasteForm(
        data,
        ordinals=list(range(first, last + 1)),
        initial_quarter=stored[-1] + 1 if stored else now,
        initial={"versions": versions},
        auto_id="paste-%s",
    )


def _page_context(membership: Membership, grid: Grid, **overrides) -> dict:
    now = current_quarter(membership.organization)
    context = org_context(
        membership,
        "headcount",
        paste_form=overrides.pop("paste_form", None) or _paste_form(grid, now),
        rows=_rows(grid, now, overrides.pop("bound", None), overrides.pop("refused", None)),
        first_quarter_form=overrides.pop("first_quarter_form", None) or _first_quarter_form(now),
        compact=True,
        next_quarter=grid.snapshots[-1].quarter + 1 if grid.snapshots else None,
        **gap_context(grid.plan, overrides.pop("panel_quarter", None)),
    )
    context.update(overrides)
    return context


@organization_view(get=READ)
def headcount(request: HttpRequest, membership: Membership) -> HttpResponse:
    grid = _load_grid(membership.organization)
    return render(request, "planner/headcount.html", _page_context(membership, grid))


@organization_view(post=WRITE)
def snapshot_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Adds the quarter after the latest, pre-filled from it; the first one is chosen."""
    organization = membership.organization
    now = current_quarter(organization)
    grid = _load_grid(organization)
    first_quarter = now
    if not grid.snapshots:
        form = _first_quarter_form(now, request.POST)
        if not form.is_valid():
            context = _page_context(membership, grid, first_quarter_form=form)
            return render(request, "planner/headcount.html", context, status=422)
        first_quarter = form.cleaned_data["quarter"]
    try:
        snapshot = services.snapshot_add_next(
            organization=organization, actor=request.user, default_quarter=first_quarter
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("headcount", membership.organization.slug)
    if not request.htmx:
        messages.success(request, f"Added {organization.quarter_label(snapshot.quarter)}.")
        return redirect("headcount", membership.organization.slug)
    grid = _load_grid(organization)
    # The new row's first cell takes the focus, so typing goes on where the quarter was added.
    context = _page_context(
        membership, grid, panel_quarter=snapshot.quarter, oob=True, focus=snapshot.pk
    )
    return render(request, "planner/headcount.html#headcount-grid", context)


@organization_view(post=WRITE)
def snapshot_update(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    organization = membership.organization
    snapshot = get_object_or_404(HeadcountSnapshot, pk=pk, organization=organization)
    snapshot.organization = organization
    form = SnapshotForm(request.POST, snapshot=snapshot)
    stage_before = rules.stage_for(snapshot.total).number
    status, refusal = 200, None
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.SNAPSHOT_FIELDS}
        try:
            services.snapshot_update(
                snapshot=snapshot,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **fields,
            )
        except services.StaleEdit as error:
            refusal = Refusal.stale(error, NOT_SAVED_SHOWN_NOW)
            status = refusal.status
        if not request.htmx and refusal is None:
            return redirect("headcount", membership.organization.slug)
    else:
        status = 422
    grid = _load_grid(organization)
    # After a refused stale edit the row shows the stored numbers, not what was typed:
    # leaving the typed ones beside the refreshed version would let the next change
    # overwrite the other person's edit without anyone noticing.
    bound = None if refusal else form
    refused = {snapshot.pk: refusal} if refusal else {}
    if not request.htmx:
        context = _page_context(membership, grid, bound=bound, refused=refused)
        return render(request, "planner/headcount.html", context, status=status)
    now = current_quarter(organization)
    row = next(r for r in _rows(grid, now, bound) if r.snapshot.pk == snapshot.pk)
    if refusal or (status == 200 and row.stage.number != stage_before):
        # Redraw the grid: where a stage starts may have moved, or the refused row needs
        # its current numbers and a note wide enough to read.
        context = _page_context(
            membership,
            grid,
            panel_quarter=snapshot.quarter,
            oob=True,
            grid_oob=True,
            refused=refused,
        )
        return render(request, "planner/headcount.html#grid-redraw", context, status=status)
    context = _page_context(
        membership,
        grid,
        panel_quarter=snapshot.quarter,
        oob=True,
        row=row,
        saved=status == 200,
    )
    return render(request, "planner/headcount.html#snapshot-cells", context, status=status)


@organization_view(get=WRITE, post=WRITE)
def snapshot_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """GET asks for confirmation (the page works without JavaScript); POST deletes.

    The POST names the version the person saw: a quarter changed since is not deleted.
    """
    organization = membership.organization
    snapshot = get_object_or_404(HeadcountSnapshot, pk=pk, organization=organization)

    def confirm(refusal: Refusal | None = None) -> HttpResponse:
        shown = refusal.current if refusal and refusal.current else snapshot
        context = org_context(membership, "headcount", snapshot=shown, refusal=refusal)
        status = refusal.status if refusal else 200
        return render(request, "planner/snapshot_confirm_delete.html", context, status=status)

    def grid(refusal: Refusal | None) -> HttpResponse:
        # The grid as it is now, the reason right under the row the person tried to delete.
        refused = {pk: refusal} if refusal else {}
        context = _page_context(membership, _load_grid(organization), oob=True, refused=refused)
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
        done=f"Deleted the headcount of {label}.",
        done_url=reverse("headcount", args=[organization.slug]),
        fragment=grid,
        confirm=confirm,
    )


@organization_view(post=WRITE)
def snapshots_paste(request: HttpRequest, membership: Membership) -> HttpResponse:
    """Rows pasted from a spreadsheet fill consecutive quarters, all or nothing.

    From the grid (a paste into a cell, sent by ``static/planner/paste.js``) or from the
    "Paste from a spreadsheet" form. Every refused value is listed with its row and column,
    and nothing is saved; a quarter changed by someone else since the page was loaded
    refuses the whole paste (409), the grid showing their numbers.
    """
    organization = membership.organization
    now = current_quarter(organization)
    form = _paste_form(_load_grid(organization), now, request.POST)
    status = 422
    if form.is_valid():
        first = form.cleaned_data["first_quarter"]
        try:
            saved = services.snapshots_paste(
                organization=organization,
                actor=request.user,
                first_quarter=first,
                rows=form.cleaned_data["text"],
                expected_versions=form.cleaned_data["versions"],
            )
        except services.StaleEdit as error:
            status = 409
            form = _paste_form(_load_grid(organization), now, request.POST)
            form.is_valid()
            form.add_error(
                None,
                f"Nothing was pasted: {Quarter.from_ordinal(error.current.quarter)} was "
                "changed by someone else since you opened the page, and the grid now shows "
                "their numbers. Paste again to replace them.",
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            span = Quarter.from_ordinal(saved[0].quarter).label
            if len(saved) > 1:
                span += f" to {Quarter.from_ordinal(saved[-1].quarter)}"
            done = f"Pasted {len(saved)} quarter{'s' if len(saved) > 1 else ''}: {span}."
            if not request.htmx:
                messages.success(request, done)
                return redirect("headcount", organization.slug)
            grid = _load_grid(organization)
            context = _page_context(membership, grid, panel_quarter=first, oob=True, pasted=done)
            return plan_changed(render(request, "planner/headcount.html#headcount-grid", context))
    grid = _load_grid(organization)
    # A fresh form's versions: pasting again must be checked against the grid shown now.
    form.data = form.data.copy()
    form.data["versions"] = _paste_form(grid, now).initial["versions"]
    context = _page_context(membership, grid, paste_form=form, oob=True, paste_open=True)
    template = "planner/headcount.html#headcount-grid" if request.htmx else "planner/headcount.html"
    return render(request, template, context, status=status)
