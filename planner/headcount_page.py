"""The headcount page: the grid's rows and the page's context, for every view that
redraws it (``views/headcount.py`` for cell edits, adds and deletes, ``views/headcount_paste.py``
for a paste from a spreadsheet).
"""

from dataclasses import dataclass

from planner import rules
from planner.forms import FirstQuarterForm, PasteForm, SnapshotForm
from planner.gap_panel import gap_context
from planner.models import HeadcountSnapshot, Membership, Organization, Scenario
from planner.planning import Plan, current_quarter, load_plan, plan_snapshots
from planner.views.access import org_context
from planner.views.refusals import Refusal


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
    # An actual quarter of the plan shown in a scenario: read-only there.
    locked: bool = False


@dataclass(frozen=True)
class Grid:
    """The quarters the grid shows, as rows to edit, and the plan they make."""

    snapshots: list[HeadcountSnapshot]
    plan: Plan


def load_grid(organization: Organization, scenario: Scenario | None = None) -> Grid:
    """Four queries: the snapshots as rows, then the team, hires and segments for the plan
    (or the scenario's forecast after the plan's actual quarters, its hires and inputs)."""
    snapshots = list(plan_snapshots(organization, scenario).order_by("quarter"))
    return Grid(snapshots, load_plan(organization, snapshots=snapshots, scenario=scenario))


def grid_rows(
    grid: Grid,
    now: int,
    bound: SnapshotForm | None = None,
    refused: dict[int, Refusal] | None = None,
) -> list[SnapshotRow]:
    rows, previous_stage = [], None
    refused = refused or {}
    for snapshot in grid.snapshots:
        row = snapshot_row(
            snapshot, now, bound, grid.plan.scenario, refused.get(snapshot.pk), previous_stage
        )
        rows.append(row)
        previous_stage = row.stage.number
    return rows


def snapshot_row(
    snapshot: HeadcountSnapshot,
    now: int,
    bound: SnapshotForm | None = None,
    scenario: Scenario | None = None,
    refusal: Refusal | None = None,
    previous_stage: int | None = None,
) -> SnapshotRow:
    """One quarter's row, with what was typed into it if ``bound`` is its form; a stage
    starts there when ``previous_stage``, the row above's, differs (``grid_rows``)."""
    form = bound if bound is not None and bound.snapshot.pk == snapshot.pk else None
    if form is None:
        cells = tuple(Cell(name, getattr(snapshot, name)) for name in CELL_FIELDS)
        errors: tuple[str, ...] = ()
    else:
        cells = tuple(Cell(n, form[n].value(), tuple(form[n].errors)) for n in CELL_FIELDS)
        errors = tuple(form.non_field_errors())
    stage = rules.stage_for(snapshot.total)
    return SnapshotRow(
        snapshot=snapshot,
        cells=cells,
        errors=errors,
        stage=stage,
        actual=snapshot.quarter < now,
        stage_changed=previous_stage is not None and stage.number != previous_stage,
        refusal=refusal,
        locked=scenario is not None and snapshot.scenario_id is None,
    )


def first_quarter_form(now: int, data=None, scenario: Scenario | None = None) -> FirstQuarterForm:
    """Two years back to a year ahead; a scenario's own quarters start at the current one."""
    first = now if scenario is not None else now - 8
    return FirstQuarterForm(data, ordinals=list(range(first, now + 5)), initial_quarter=now)


def next_quarter(grid: Grid, now: int) -> int | None:
    """The quarter "Add" adds (``services.snapshot_add_next``): the one after the last shown,
    in a scenario never before the current quarter, where its own headcount starts."""
    if not grid.snapshots:
        return None
    following = grid.snapshots[-1].quarter + 1
    return max(following, now) if grid.plan.scenario is not None else following


def paste_form(grid: Grid, now: int, data=None) -> PasteForm:
    """Pasting starts at any quarter shown, the one after the last, or around now."""
    stored = [snapshot.quarter for snapshot in grid.snapshots]
    first = min([*stored, now - 8])
    last = max([*(quarter + 1 for quarter in stored), now + 8])
    versions = ",".join(f"{s.quarter}:{s.version}" for s in grid.snapshots)
    return PasteForm(
        data,
        ordinals=list(range(first, last + 1)),
        initial_quarter=next_quarter(grid, now) or now,
        initial={"versions": versions},
        auto_id="paste-%s",
    )


def cells_context(membership: Membership, plan: Plan, row: SnapshotRow, saved: bool) -> dict:
    """What the answer to one saved cell draws: the row's cells, its quarter's gap panel
    and the stage alerts, all out of band; not the other rows, nor the page's forms."""
    return org_context(
        membership,
        "headcount",
        row=row,
        saved=saved,
        oob=True,
        stage_alerts=plan.stage_crossings(),
        **gap_context(plan, row.snapshot.quarter, compact=True),
    )


def page_context(membership: Membership, grid: Grid, **overrides) -> dict:
    now = current_quarter(membership.organization)
    context = org_context(
        membership,
        "headcount",
        paste_form=overrides.pop("paste_form", None) or paste_form(grid, now),
        rows=grid_rows(grid, now, overrides.pop("bound", None), overrides.pop("refused", None)),
        first_quarter_form=overrides.pop("first_quarter_form", None)
        or first_quarter_form(now, scenario=membership.scenario),
        next_quarter=next_quarter(grid, now),
        stage_alerts=grid.plan.stage_crossings(),
        **gap_context(grid.plan, overrides.pop("panel_quarter", None), compact=True),
    )
    context.update(overrides)
    return context
