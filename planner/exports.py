"""Rows for spreadsheet exports, built from the rules' results and nothing else.

Pure: no database, no clock, no HTTP. The views only write these rows out with the csv
module, so what a spreadsheet shows is exactly what the roadmap page shows.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal

from planner.costs import QuarterCost, to_cent
from planner.models import Organization
from planner.quarters import Quarter
from planner.rules import RoadmapQuarter

# OWASP "CSV Injection": a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | Decimal

ROADMAP_COLUMNS = (
    "quarter",
    "quarter_start",
    "customer_facing_headcount",
    "stage",
    "role",
    "recommended",
    "in_seat",
    "planned",
    "gap",
    "open_requisition_by",
    "reason",
    "stage_name",
    "role_title",
    "managers",
    "requisition_status",
    # Per role per quarter, in the organization's currency: a quarter of the annual costs.
    "recommended_cost",
    "in_seat_cost",
    "planned_cost",
)


def safe_cell(value: Cell) -> Cell:
    """A text cell a spreadsheet cannot run as a formula; numbers pass through untouched.

    Decided by type, not content: a negative gap is the number -3, not the text "-3".
    The csv module's quoting takes care of quotes and line breaks inside a cell.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: Iterable[Cell]) -> list[Cell]:
    return [safe_cell(value) for value in values]


def roadmap_rows(
    roadmap: Iterable[RoadmapQuarter],
    organization: Organization,
    costs: Sequence[QuarterCost],
) -> list[list[Cell]]:
    """One row per quarter and role the rules list, in fiscal then role-catalogue order.

    ``roadmap`` is ``Plan.roadmap()``; its quarters are in fiscal order and each quarter's
    gap rows in ``rules.ROLES`` order, holding every role recommended, in seat or planned.
    A row's requisition is the earliest of what is left to open for its role that quarter,
    seats still to plan or hires still planned or approved; its status is empty in history.
    ``costs`` is ``Plan.roadmap_costs(roadmap)``, one per quarter; amounts are written as
    plain numbers with two decimals, whatever the language of the person exporting.
    """
    month = organization.fiscal_year_start_month
    rows = []
    for quarter, cost in zip(roadmap, costs, strict=True):
        fiscal = Quarter.from_ordinal(quarter.quarter)
        for role in quarter.roles:
            row, deadline, status = role.gap, role.open_requisition_by, role.requisition_status
            money = cost.role(row.role)
            rows.append(
                safe_row(
                    (
                        fiscal.label,
                        fiscal.start_date(month).isoformat(),
                        quarter.headcount.total,
                        quarter.gap.assessment.stage,
                        row.role,
                        row.recommended,
                        row.in_seat,
                        row.planned,
                        row.gap,
                        Quarter.from_ordinal(deadline).label if deadline is not None else "",
                        # The sentence, then its rules in brackets: "… (A.4, B step 4)".
                        str(row.reason),
                        quarter.gap.assessment.stage_name,
                        row.title,
                        row.managers,
                        str(status) if status is not None else "",
                        to_cent(money.recommended),
                        to_cent(money.in_seat),
                        to_cent(money.planned),
                    )
                )
            )
    return rows
