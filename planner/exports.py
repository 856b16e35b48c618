"""Rows for spreadsheet exports, built from the rules' results and nothing else.

Pure: no database, no clock, no HTTP. The views only write these rows out, with the csv
module or as an Excel workbook, so what a spreadsheet shows is what the roadmap page shows.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planner.costs import QuarterCost, to_cent
from planner.models import Organization
from planner.quarters import Quarter
from planner.rules import RoadmapQuarter

# OWASP "CSV Injection": a spreadsheet reads a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | Decimal
Value = str | int | Decimal | datetime.date

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
    """The CSV's rows: ``roadmap_values`` with dates in ISO form and text made safe."""
    return [
        safe_row(value.isoformat() if isinstance(value, datetime.date) else value for value in row)
        for row in roadmap_values(roadmap, organization, costs)
    ]


def roadmap_values(
    roadmap: Iterable[RoadmapQuarter],
    organization: Organization,
    costs: Sequence[QuarterCost],
) -> list[list[Value]]:
    """One row per quarter and role the rules list, in fiscal then role-catalogue order.

    ``roadmap`` is ``Plan.roadmap()``; its quarters are in fiscal order and each quarter's
    gap rows in ``rules.ROLES`` order, holding every role recommended, in seat or planned.
    A row's requisition is the earliest of what is left to open for its role that quarter,
    seats still to plan or hires still planned or approved; its status is empty in history.
    ``costs`` is ``Plan.roadmap_costs(roadmap)``, one per quarter; amounts are plain numbers
    with two decimals, whatever the language of the person exporting.
    """
    month = organization.fiscal_year_start_month
    rows = []
    for quarter, cost in zip(roadmap, costs, strict=True):
        fiscal = Quarter.from_ordinal(quarter.quarter)
        for role in quarter.roles:
            row, deadline, status = role.gap, role.open_requisition_by, role.requisition_status
            money = cost.role(row.role)
            rows.append(
                [
                    fiscal.label,
                    fiscal.start_date(month),
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
                    str(quarter.gap.assessment.stage_name),
                    row.title,
                    row.managers,
                    str(status) if status is not None else "",
                    to_cent(money.recommended),
                    to_cent(money.in_seat),
                    to_cent(money.planned),
                ]
            )
    return rows


# --- Excel ---------------------------------------------------------------------------------

DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"  # an amount shows its cents, as the CSV writes it
# Wide enough for a short sentence; longer text (a rule's reason) runs on in its cell.
MAX_COLUMN_WIDTH = 80


def _width(value: Value) -> int:
    return len(value.isoformat() if isinstance(value, datetime.date) else str(value))


def workbook(title: str, columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    """An .xlsx file of one sheet: typed cells, the header row frozen, columns fitted.

    Numbers stay numbers and dates are real dates shown as 2026-02-01. No cell is ever a
    formula: openpyxl reads text that starts with "=" as one, so every text cell is marked
    as text after its value is set, and a spreadsheet shows "=1+1" as those four characters.
    """
    rows = [list(row) for row in rows]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    # Write-only sheets take their layout before the first row.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns):
        widest = max((_width(row[index]) for row in rows), default=0)
        width = min(max(widest, len(column)) + 2, MAX_COLUMN_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.append([_cell(sheet, column, bold=True) for column in columns])
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet, value: Value, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = AMOUNT_FORMAT
    return cell


def roadmap_workbook(
    roadmap: Iterable[RoadmapQuarter],
    organization: Organization,
    costs: Sequence[QuarterCost],
) -> bytes:
    """The CSV's columns and rows as an Excel workbook, each value of its own type."""
    return workbook("Roadmap", ROADMAP_COLUMNS, roadmap_values(roadmap, organization, costs))
