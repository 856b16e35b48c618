"""Two or three plans side by side: the plan and its scenarios, quarter by quarter.

Built from each plan's roadmap and costs (``planning.Plan``), so every number is the one
the roadmap of that plan shows; nothing here reads the database.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from planner import exports
from planner.costs import QuarterCost
from planner.models import Organization
from planner.planning import Plan
from planner.quarters import Quarter
from planner.rules import RoadmapQuarter

COMPARE_COLUMNS = ("scenario", *exports.ROADMAP_COLUMNS)
MIN_COMPARED, MAX_COMPARED = 2, 3


@dataclass(frozen=True)
class Compared:
    """One plan being compared: the baseline (``key`` "baseline") or a scenario."""

    key: str
    name: str
    plan: Plan
    roadmap: list[RoadmapQuarter]
    costs: list[QuarterCost]

    @classmethod
    def of(cls, key: str, name: str, plan: Plan) -> "Compared":
        roadmap = plan.roadmap()
        return cls(key, name, plan, roadmap, plan.roadmap_costs(roadmap))


@dataclass(frozen=True)
class Cell:
    """What one plan holds for one quarter."""

    headcount: int
    stage: int
    stage_name: str
    recommended: int
    in_seat: int
    planned: int
    gap: int
    requisitions_due: int
    cost: Decimal
    stage_changed: bool  # a new stage starts in this quarter in this plan
    # Per figure, whether it differs from the first plan compared (the reference).
    differs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Row:
    quarter: int
    cells: tuple[Cell | None, ...]  # None: that plan has no headcount yet in this quarter

    @property
    def differs(self) -> bool:
        return any(cell is None or cell.differs for cell in self.cells) and any(self.cells)


FIGURES = ("headcount", "stage", "recommended", "in_seat", "planned", "gap", "requisitions_due")


def requisitions_due(roadmap: Sequence[RoadmapQuarter]) -> dict[int, int]:
    """Seats whose requisition falls due in each quarter: seats still to plan (each run of
    short seats once) and open hires whose requisition is not open yet."""
    due: dict[int, int] = {}
    seen_to_plan = set()
    for quarter in roadmap:
        for seats in quarter.hires_to_plan:
            key = (seats.role, seats.needed_in)
            if key not in seen_to_plan:
                seen_to_plan.add(key)
                due[seats.open_requisition_by] = due.get(seats.open_requisition_by, 0) + seats.seats
        # Each open hire is listed in one quarter only.
        for hire in quarter.open_hires_listed:
            if not hire.requisition_open:
                due[hire.open_requisition_by] = due.get(hire.open_requisition_by, 0) + 1
    return due


def _cells(compared: Compared) -> dict[int, Cell]:
    due = requisitions_due(compared.roadmap)
    cells = {}
    for quarter, cost in zip(compared.roadmap, compared.costs, strict=True):
        gap = quarter.gap
        cells[quarter.quarter] = Cell(
            headcount=quarter.headcount.total,
            stage=gap.assessment.stage,
            stage_name=gap.assessment.stage_name,
            recommended=gap.recommended_total,
            in_seat=gap.in_seat_total,
            planned=gap.planned_total,
            gap=gap.gap_total,
            requisitions_due=due.get(quarter.quarter, 0),
            cost=cost.recommended,
            stage_changed=quarter.stage_changed,
        )
    return cells


def _marked(cell: Cell | None, reference: Cell | None) -> Cell | None:
    if cell is None or reference is None:
        return cell
    differs = frozenset(f for f in FIGURES if getattr(cell, f) != getattr(reference, f))
    if cell.cost != reference.cost:
        differs |= {"cost"}
    return Cell(**{**cell.__dict__, "differs": differs})


def rows(compared: Sequence[Compared]) -> list[Row]:
    """Every quarter any plan has, oldest first; each figure marked where it differs
    from the first plan's."""
    per_plan = [_cells(c) for c in compared]
    quarters = sorted({q for cells in per_plan for q in cells})
    result = []
    for quarter in quarters:
        reference = per_plan[0].get(quarter)
        cells = tuple(
            _marked(cells.get(quarter), reference) if index else cells.get(quarter)
            for index, cells in enumerate(per_plan)
        )
        result.append(Row(quarter, cells))
    return result


def _first_quarter_of_stage(compared: Compared) -> dict[int, int]:
    firsts: dict[int, int] = {}
    for quarter in compared.roadmap:
        firsts.setdefault(quarter.gap.assessment.stage, quarter.quarter)
    return firsts


def summary(compared: Sequence[Compared]) -> list[str]:
    """A few sentences: how each plan differs from the first one compared."""
    reference = compared[0]
    lines = []
    for other in compared[1:]:
        lines.extend(_differences(reference, other))
    return lines


def _differences(reference: Compared, other: Compared) -> list[str]:
    a, b = reference.plan, other.plan
    lines = []
    names = {"a": reference.name, "b": other.name}
    if a.profile.target_ratio != b.profile.target_ratio:
        lines.append(
            _("%(b)s staffs at 1:%(rb)s, %(a)s at 1:%(ra)s.")
            % {**names, "ra": a.profile.target_ratio, "rb": b.profile.target_ratio}
        )
    if a.lead_time != b.lead_time:
        lines.append(
            _("%(b)s opens requisitions %(lb)s quarter(s) ahead, %(a)s %(la)s.")
            % {**names, "la": a.lead_time, "lb": b.lead_time}
        )
    if a.profile.verticals != b.profile.verticals:
        lines.append(
            _("%(b)s has %(vb)s verticals, %(a)s %(va)s.")
            % {**names, "va": a.profile.verticals, "vb": b.profile.verticals}
        )
    if a.profile.leader_has_adult_learning != b.profile.leader_has_adult_learning:
        lines.append(
            _("%(b)s and %(a)s differ on whether the leader has adult-learning expertise.") % names
        )
    quarters = sorted(set(a.headcounts) | set(b.headcounts))
    changed = [q for q in quarters if a.headcounts.get(q) != b.headcounts.get(q)]
    if changed:
        lines.append(
            ngettext(
                "%(b)s forecasts a different headcount in %(n)d quarter, from %(first)s.",
                "%(b)s forecasts a different headcount in %(n)d quarters, from %(first)s.",
                len(changed),
            )
            % {**names, "n": len(changed), "first": Quarter.from_ordinal(changed[0]).label}
        )
    stages_a, stages_b = _first_quarter_of_stage(reference), _first_quarter_of_stage(other)
    for stage in sorted(set(stages_a) | set(stages_b)):
        qa, qb = stages_a.get(stage), stages_b.get(stage)
        if qa != qb:
            lines.append(
                _("Stage %(stage)s starts in %(qb)s in %(b)s, in %(qa)s in %(a)s.")
                % {
                    **names,
                    "stage": stage,
                    "qa": Quarter.from_ordinal(qa).label if qa is not None else _("no quarter"),
                    "qb": Quarter.from_ordinal(qb).label if qb is not None else _("no quarter"),
                }
            )
    peak_a = max((q.gap.recommended_total for q in reference.roadmap), default=0)
    peak_b = max((q.gap.recommended_total for q in other.roadmap), default=0)
    if peak_a != peak_b:
        lines.append(
            _("%(b)s recommends a team of up to %(pb)s, %(a)s up to %(pa)s.")
            % {**names, "pa": peak_a, "pb": peak_b}
        )
    if len(lines) == 0:
        lines.append(_("%(b)s and %(a)s recommend the same team every quarter.") % names)
    return lines


def export_values(compared: Sequence[Compared], organization: Organization) -> list[list]:
    """One row per plan × quarter × role: the plan's name, then the roadmap CSV's columns."""
    return [
        [c.name, *row]
        for c in compared
        for row in exports.roadmap_values(c.roadmap, organization, c.costs)
    ]


def export_rows(compared: Sequence[Compared], organization: Organization) -> list[list]:
    """``export_values`` for a CSV: dates in ISO form, text a spreadsheet cannot run."""
    return [
        exports.safe_row(
            value.isoformat() if hasattr(value, "isoformat") else value for value in row
        )
        for row in export_values(compared, organization)
    ]
