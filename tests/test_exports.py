"""The CSV rows of the roadmap, checked against the rules for a plan worked out by hand, and
the Excel workbook built from the same rows."""

import csv
import dataclasses
import datetime
import io
import shutil
import subprocess
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from planner import rules
from planner.exports import (
    DATE_FORMAT,
    FORMULA_TRIGGERS,
    MAX_COLUMN_WIDTH,
    ROADMAP_COLUMNS,
    roadmap_rows,
    roadmap_workbook,
    safe_cell,
    workbook,
)
from planner.planning import Plan
from planner.quarters import Quarter
from tests.factories import (
    OrganizationFactory,
    PlannedHireFactory,
    RoleCostFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
)

Q0 = Quarter(2027, 1).ordinal
# The day the exports are made: FY2027 Q2 with a January fiscal year, so Q1 is history.
TODAY = datetime.date(2027, 5, 15)
LEADER, ALS, PM = rules.ENABLEMENT_LEADER, rules.ADULT_LEARNING_SPECIALIST, rules.PROGRAM_MANAGER
CS, SALES, PRODUCT = rules.CS_ENABLEMENT, rules.SALES_ENABLEMENT, rules.PRODUCT_ENABLEMENT
HOSTILE = ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx", "\nx", '=HYPERLINK("http://x")')


def build_plan(*, start_month: int = 1, lead_time: int = 1, **extra) -> Plan:
    """Four quarters from FY2027 Q1, built in memory (no database):

    - Q1: 40 customer-facing → stage 1, one leader recommended.
    - Q2: no snapshot, so Q1 carries forward.
    - Q3: 120 → stage 2, 3 seats: leader, adult-learning specialist (the leader lacks the
      expertise), program manager — who is planned for Q3.
    - Q4: 160 → 4 seats: the same plus CS enablement (there is customer success headcount).

    A sales-enablement person is in seat throughout, more than recommended (gap -1). A hire
    marked hired (product enablement) and a cancelled one (CS) count nowhere.
    """
    organization = OrganizationFactory.build(
        slug="northwind",
        fiscal_year_start_month=start_month,
        hiring_lead_time=lead_time,
        leader_has_adult_learning=False,
    )
    return Plan.of(
        organization,
        snapshots=[
            SnapshotFactory.build(quarter=Q0, sales=30, customer_success=5, other=5),
            SnapshotFactory.build(quarter=Q0 + 2, sales=80, customer_success=30, other=10),
            SnapshotFactory.build(quarter=Q0 + 3, sales=100, customer_success=40, other=20),
        ],
        team=[
            TeamMemberFactory.build(role=LEADER, start_quarter=Q0),
            TeamMemberFactory.build(role=SALES, start_quarter=Q0),
            *extra.get("team", []),
        ],
        hires=[
            PlannedHireFactory.build(role=PM, target_quarter=Q0 + 2, status=rules.PLANNED),
            PlannedHireFactory.build(role=PRODUCT, target_quarter=Q0, status=rules.HIRED),
            PlannedHireFactory.build(role=CS, target_quarter=Q0 + 2, status=rules.CANCELLED),
            *extra.get("hires", []),
        ],
        verticals=len(extra.get("segments", [])),
    )


def _with_costs(plan: Plan, roadmap: list) -> tuple:
    """The arguments of ``roadmap_rows``: the roadmap, its organization and their costs."""
    return roadmap, plan.organization, plan.roadmap_costs(roadmap)


def rows_of(plan: Plan, today: datetime.date = TODAY) -> list[dict]:
    return [
        dict(zip(ROADMAP_COLUMNS, row, strict=True))
        for row in roadmap_rows(*_with_costs(plan, plan.roadmap(today)))
    ]


def as_csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ROADMAP_COLUMNS)
    writer.writerows(rows)
    return out.getvalue()


def test_it_has_exactly_the_agreed_columns():
    assert ROADMAP_COLUMNS == (
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
        "recommended_cost",
        "in_seat_cost",
        "planned_cost",
    )


def test_it_writes_one_row_per_quarter_and_role_as_the_rules_work_it_out():
    plan = build_plan()
    got = [
        (
            r["quarter"],
            r["customer_facing_headcount"],
            r["stage"],
            r["role"],
            r["recommended"],
            r["in_seat"],
            r["planned"],
            r["gap"],
            r["open_requisition_by"],
            r["requisition_status"],
        )
        for r in rows_of(plan)
    ]
    assert got == [
        ("FY2027 Q1", 40, 1, LEADER, 1, 1, 0, 0, "", ""),
        ("FY2027 Q1", 40, 1, SALES, 0, 1, 0, -1, "", ""),
        # Carried forward from Q1.
        ("FY2027 Q2", 40, 1, LEADER, 1, 1, 0, 0, "", ""),
        ("FY2027 Q2", 40, 1, SALES, 0, 1, 0, -1, "", ""),
        # Stage 2: the specialist is still to plan, and the program manager is planned but
        # its requisition is still to open: both are due by Q2, the current quarter.
        ("FY2027 Q3", 120, 2, LEADER, 1, 1, 0, 0, "", ""),
        ("FY2027 Q3", 120, 2, ALS, 1, 0, 0, 1, "FY2027 Q2", "due_now"),
        ("FY2027 Q3", 120, 2, PM, 1, 0, 1, 0, "FY2027 Q2", "due_now"),
        ("FY2027 Q3", 120, 2, SALES, 0, 1, 0, -1, "", ""),
        # The specialist's shortfall started in Q3, so its deadline does not move; the
        # cancelled CS hire does not count against the new CS seat.
        ("FY2027 Q4", 160, 2, LEADER, 1, 1, 0, 0, "", ""),
        ("FY2027 Q4", 160, 2, ALS, 1, 0, 0, 1, "FY2027 Q2", "due_now"),
        ("FY2027 Q4", 160, 2, PM, 1, 0, 1, 0, "FY2027 Q2", "due_now"),
        ("FY2027 Q4", 160, 2, CS, 1, 0, 0, 1, "FY2027 Q3", "upcoming"),
        ("FY2027 Q4", 160, 2, SALES, 0, 1, 0, -1, "", ""),
    ]


def test_it_appends_the_stage_name_role_title_and_managers():
    rows = rows_of(build_plan())
    got = {(r["quarter"], r["role"]): (r["stage_name"], r["role_title"]) for r in rows}
    assert got["FY2027 Q1", LEADER] == ("Foundation", "Enablement Manager")
    assert got["FY2027 Q3", LEADER] == ("Expansion", "Head of Enablement")
    assert got["FY2027 Q4", CS] == ("Expansion", "CS enablement specialist")
    assert {r["managers"] for r in rows} == {0}


def test_it_counts_managers_of_a_large_role():
    # 2,600 sales-only customer-facing: 46 sales enablement seats, 6 of them managers.
    plan = dataclasses.replace(build_plan(), headcounts={Q0: rules.Headcount(sales=2600)})
    rows = {r["role"]: r for r in rows_of(plan)}
    assert (rows[SALES]["recommended"], rows[SALES]["managers"]) == (46, 6)
    assert rows[SALES]["role_title"] == "Sales enablement lead"
    assert rows[SALES]["stage_name"] == "Enterprise"
    assert type(rows[SALES]["managers"]) is int
    assert rows[PRODUCT]["managers"] == 0


def test_it_gives_each_row_the_rule_sentence_of_its_role():
    plan = build_plan()
    expected = [
        (Quarter.from_ordinal(q.quarter).label, row.role, str(row.reason))
        for q in plan.roadmap(TODAY)
        for row in q.gap.rows
    ]
    assert [(r["quarter"], r["role"], r["reason"]) for r in rows_of(plan)] == expected
    reasons = {(r["quarter"], r["role"]): r["reason"] for r in rows_of(plan)}
    assert reasons["FY2027 Q1", LEADER] == (
        "With 40 customer-facing people, one person is the whole team: an Enablement Manager "
        "who spends about 75% of the time on hands-on work and up to 25% on strategy. "
        "(A.3, B stage 1)"
    )
    assert reasons["FY2027 Q3", ALS] == (
        "Your enablement leader has no adult-learning expertise, so a specialist designs how "
        "people learn. (A.4, B step 2)"
    )
    assert reasons["FY2027 Q4", SALES] == (
        "Ahead of plan: the recommended team of 4 has no seat for this role yet. You have 100 "
        "in sales and 20 in other customer-facing teams, who need their own sales enablement "
        "specialist. (B gap, A.4, B step 5)"
    )


def test_it_orders_rows_by_quarter_then_role_catalogue():
    rows = rows_of(build_plan())
    keys = [(Quarter.parse(r["quarter"]).ordinal, rules.ROLES.index(r["role"])) for r in rows]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_it_leaves_out_roles_only_hired_or_cancelled_hires_touch():
    rows = rows_of(build_plan())
    assert PRODUCT not in {r["role"] for r in rows}
    assert [r["quarter"] for r in rows if r["role"] == CS] == ["FY2027 Q4"]


def test_it_writes_iso_start_dates_in_a_february_fiscal_year():
    # With a February start, FY2027 runs February 2026 – January 2027.
    rows = rows_of(build_plan(start_month=2))
    starts = {r["quarter"]: r["quarter_start"] for r in rows}
    assert starts == {
        "FY2027 Q1": "2026-02-01",
        "FY2027 Q2": "2026-05-01",
        "FY2027 Q3": "2026-08-01",
        "FY2027 Q4": "2026-11-01",
    }


def test_it_writes_calendar_start_dates_in_a_january_fiscal_year():
    starts = {r["quarter"]: r["quarter_start"] for r in rows_of(build_plan(start_month=1))}
    assert starts["FY2027 Q1"] == "2027-01-01"
    assert starts["FY2027 Q4"] == "2027-10-01"


@pytest.mark.parametrize(
    ("lead_time", "als_deadline", "cs_deadline"),
    [
        (0, "FY2027 Q3", "FY2027 Q4"),  # opened in the quarter the seat is needed
        (1, "FY2027 Q2", "FY2027 Q3"),
        (2, "FY2027 Q1", "FY2027 Q2"),
        (4, "FY2026 Q3", "FY2026 Q4"),  # reaches back into the previous fiscal year
    ],
)
def test_it_dates_requisitions_one_lead_time_before_the_need(lead_time, als_deadline, cs_deadline):
    rows = rows_of(build_plan(lead_time=lead_time))
    deadlines = {(r["quarter"], r["role"]): r["open_requisition_by"] for r in rows}
    assert deadlines["FY2027 Q3", ALS] == als_deadline
    assert deadlines["FY2027 Q4", ALS] == als_deadline
    assert deadlines["FY2027 Q4", CS] == cs_deadline
    # The planned program manager targets Q3, so its requisition is due when the specialist's is.
    assert deadlines["FY2027 Q3", PM] == als_deadline


@pytest.mark.parametrize(
    ("status", "deadline", "requisition_status"),
    [
        (rules.PLANNED, "FY2027 Q2", "due_now"),
        (rules.APPROVED, "FY2027 Q2", "due_now"),
        # Recruiting: the requisition is open, nothing is left to open.
        (rules.RECRUITING, "", ""),
    ],
)
def test_it_fills_the_requisition_for_hires_whose_requisition_is_still_to_open(
    status, deadline, requisition_status
):
    plan = build_plan()
    first = dataclasses.replace(plan.hires[0], status=status)
    people = dataclasses.replace(plan.people, hires=(first, *plan.hires[1:]))
    plan = dataclasses.replace(plan, people=people)
    rows = {(r["quarter"], r["role"]): r for r in rows_of(plan)}
    for quarter in ("FY2027 Q3", "FY2027 Q4"):
        assert rows[quarter, PM]["gap"] == 0
        assert rows[quarter, PM]["open_requisition_by"] == deadline
        assert rows[quarter, PM]["requisition_status"] == requisition_status


def test_it_leaves_the_requisition_empty_when_nothing_is_left_to_open():
    for lead_time in (0, 2):
        for row in rows_of(build_plan(lead_time=lead_time)):
            left_to_open = row["gap"] > 0 or (row["role"] == PM and row["planned"])
            assert (row["open_requisition_by"] != "") == left_to_open, row


@pytest.mark.parametrize(
    ("today", "statuses"),
    [
        # Q1 current: every deadline is Q2 or Q3, still ahead.
        (datetime.date(2027, 2, 1), ["upcoming", "upcoming", "upcoming", "upcoming", "upcoming"]),
        # Q3 current: the Q2 deadlines are overdue, CS's Q3 one is due now.
        (datetime.date(2027, 8, 1), ["overdue", "overdue", "overdue", "overdue", "due_now"]),
        # Q4 current: Q3 is history and shows no status; in Q4 all three are overdue.
        (datetime.date(2027, 11, 1), ["", "", "overdue", "overdue", "overdue"]),
        # After the roadmap: all history, deadlines kept, no status.
        (datetime.date(2028, 3, 1), ["", "", "", "", ""]),
    ],
)
def test_it_words_each_deadline_against_the_current_quarter(today, statuses):
    rows = rows_of(build_plan(), today)
    due = [r for r in rows if r["open_requisition_by"]]
    assert [(r["quarter"], r["role"]) for r in due] == [
        ("FY2027 Q3", ALS),
        ("FY2027 Q3", PM),
        ("FY2027 Q4", ALS),
        ("FY2027 Q4", PM),
        ("FY2027 Q4", CS),
    ]
    assert [r["requisition_status"] for r in due] == statuses


def test_it_keeps_numbers_numeric_and_negative_gaps_unprefixed():
    rows = roadmap_rows(*_with_costs(build_plan(), build_plan().roadmap(TODAY)))
    gaps = [row[ROADMAP_COLUMNS.index("gap")] for row in rows]
    assert -1 in gaps
    numbers = (
        "customer_facing_headcount",
        "stage",
        "recommended",
        "in_seat",
        "planned",
        "managers",
    )
    for row in rows:
        for column in numbers:
            assert type(row[ROADMAP_COLUMNS.index(column)]) is int
        assert type(row[ROADMAP_COLUMNS.index("gap")]) is int
    text = as_csv(rows)
    assert ",-1," in text
    assert "'-1" not in text


def test_it_returns_no_rows_without_headcount():
    plan = dataclasses.replace(build_plan(), headcounts={})
    assert roadmap_rows(*_with_costs(plan, plan.roadmap())) == []


# --- CSV injection (OWASP) -----------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE)
def test_safe_cell_neutralises_text_a_spreadsheet_would_run(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["FY2027 Q1", "2026-02-01", "a=b", "B step 9: 3 - 1", ""])
def test_safe_cell_leaves_ordinary_text_alone(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", [-3, 0, 7])
def test_safe_cell_leaves_numbers_alone_even_negative_ones(value):
    assert safe_cell(value) == value
    assert type(safe_cell(value)) is int


def test_user_text_in_names_notes_and_segments_never_reaches_a_cell_unescaped():
    plan = build_plan(
        team=[TeamMemberFactory.build(role=PM, name=name, start_quarter=Q0) for name in HOSTILE],
        hires=[
            PlannedHireFactory.build(role=PRODUCT, target_quarter=Q0 + 3, notes=note)
            for note in HOSTILE
        ],
        segments=[SegmentFactory.build(name=name) for name in HOSTILE],
    )
    rows = roadmap_rows(*_with_costs(plan, plan.roadmap()))
    assert rows
    for row in rows:
        for cell in row:
            if isinstance(cell, str):
                assert not cell.startswith(FORMULA_TRIGGERS), cell
                assert not any(value in cell for value in HOSTILE), cell


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_reason_quoting_hostile_text_is_neutralised_and_survives_the_csv(hostile):
    # Should a rule ever quote user text (a segment name, say) at the start of a reason.
    plan = build_plan()
    roadmap = [
        dataclasses.replace(
            q,
            gap=dataclasses.replace(
                q.gap,
                rows=tuple(dataclasses.replace(row, reason=hostile) for row in q.gap.rows),
            ),
        )
        for q in plan.roadmap()
    ]
    rows = roadmap_rows(*_with_costs(plan, roadmap))
    reason = ROADMAP_COLUMNS.index("reason")
    assert {row[reason] for row in rows} == {"'" + hostile}
    parsed = list(csv.DictReader(io.StringIO(as_csv(rows), newline="")))
    assert {row["reason"] for row in parsed} == {"'" + hostile}
    assert len(parsed) == len(rows)


def test_it_appends_each_role_s_quarterly_costs_as_plain_numbers():
    """The leader (own cost 200,000) and a sales-enablement person in seat (role default
    100,000), the program manager planned for Q3 (default 120,000.50); the leader recommended
    throughout at the default 180,000."""
    plan = build_plan(team=[])
    people = dataclasses.replace(
        plan.people,
        seat_costs=(Decimal("200000"), *(None for _ in plan.seats[1:])),
        role_costs=(
            RoleCostFactory.build(role=LEADER, annual_cost=Decimal("180000")),
            RoleCostFactory.build(role=SALES, annual_cost=Decimal("100000")),
            RoleCostFactory.build(role=PM, annual_cost=Decimal("120000.50")),
        ),
    )
    plan = dataclasses.replace(plan, people=people)
    got = {
        (r["quarter"], r["role"]): (r["recommended_cost"], r["in_seat_cost"], r["planned_cost"])
        for r in rows_of(plan)
    }
    assert got[("FY2027 Q1", LEADER)] == (Decimal("45000.00"), Decimal("50000.00"), Decimal("0.00"))
    assert got[("FY2027 Q1", SALES)] == (Decimal("0.00"), Decimal("25000.00"), Decimal("0.00"))
    assert got[("FY2027 Q3", PM)] == (
        Decimal("30000.13"),  # 120,000.50 / 4 = 30,000.125, to the cent
        Decimal("0.00"),
        Decimal("30000.13"),
    )
    text = as_csv(roadmap_rows(*_with_costs(plan, plan.roadmap(TODAY))))
    assert ",45000.00,50000.00,0.00\r\n" in text


# --- Excel ---------------------------------------------------------------------------------

NUMBERS = ("customer_facing_headcount", "stage", "recommended", "in_seat", "planned", "gap")


def open_workbook(content: bytes):
    """The produced file as openpyxl reads it back, formulas left as written."""
    return load_workbook(io.BytesIO(content), data_only=False).worksheets[0]


def test_the_workbook_holds_the_csv_columns_and_rows_with_their_types():
    plan = build_plan(start_month=2)
    sheet = open_workbook(roadmap_workbook(*_with_costs(plan, plan.roadmap(TODAY))))
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == ROADMAP_COLUMNS
    expected = roadmap_rows(*_with_costs(plan, plan.roadmap(TODAY)))
    assert len(rows) == len(expected) == 13
    for row, csv_row in zip(rows, expected, strict=True):
        got = dict(zip(ROADMAP_COLUMNS, row, strict=True))
        want = dict(zip(ROADMAP_COLUMNS, csv_row, strict=True))
        # A start date is a real date; empty text comes back as an empty cell.
        assert got.pop("quarter_start").date().isoformat() == want.pop("quarter_start")
        assert {k: "" if v is None else v for k, v in got.items()} == want
        for column in (*NUMBERS, "managers"):
            assert type(got[column]) is int, column
    starts = {row[0]: row[1].date() for row in rows}
    assert starts["FY2027 Q1"] == datetime.date(2026, 2, 1)


def test_the_workbook_types_each_cell_and_shows_dates_as_dates():
    plan = build_plan()
    sheet = open_workbook(roadmap_workbook(*_with_costs(plan, plan.roadmap(TODAY))))
    cells = list(sheet.iter_rows(min_row=2))
    assert cells
    for row in cells:
        kinds = {column: cell for column, cell in zip(ROADMAP_COLUMNS, row, strict=True)}
        assert kinds["quarter_start"].data_type == "d"
        assert kinds["quarter_start"].number_format == DATE_FORMAT == "yyyy-mm-dd"
        assert kinds["quarter_start"].is_date
        for column in NUMBERS:
            assert kinds[column].data_type == "n", column
        for column in ("quarter", "role", "reason", "stage_name", "role_title"):
            assert kinds[column].data_type == "s", column
    gaps = [row[ROADMAP_COLUMNS.index("gap")].value for row in cells]
    assert -1 in gaps


def test_the_workbook_freezes_its_header_row_and_makes_it_bold():
    plan = build_plan()
    sheet = open_workbook(roadmap_workbook(*_with_costs(plan, plan.roadmap(TODAY))))
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not any(cell.font.bold for cell in sheet[2])


def test_the_workbook_columns_fit_their_content():
    plan = build_plan()
    sheet = open_workbook(roadmap_workbook(*_with_costs(plan, plan.roadmap(TODAY))))
    rows = list(sheet.iter_rows(values_only=True))
    for index, column in enumerate(ROADMAP_COLUMNS, start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        longest = max(
            len(value.date().isoformat() if isinstance(value, datetime.datetime) else str(value))
            for value in (row[index - 1] for row in rows)
            if value is not None
        )
        assert width == min(longest + 2, MAX_COLUMN_WIDTH), column
    # The header sets the width of a column of short values; a reason is capped.
    assert sheet.column_dimensions["C"].width == len("customer_facing_headcount") + 2
    assert sheet.column_dimensions["K"].width == MAX_COLUMN_WIDTH


@pytest.mark.parametrize("hostile", HOSTILE)
def test_text_that_looks_like_a_formula_stays_text_in_the_workbook(hostile):
    plan = build_plan()
    roadmap = [
        dataclasses.replace(
            q,
            gap=dataclasses.replace(
                q.gap,
                rows=tuple(dataclasses.replace(row, reason=hostile) for row in q.gap.rows),
            ),
        )
        for q in plan.roadmap()
    ]
    content = roadmap_workbook(*_with_costs(plan, roadmap))
    sheet = open_workbook(content)
    reasons = [row[ROADMAP_COLUMNS.index("reason")] for row in sheet.iter_rows(min_row=2)]
    # XML reads a lone carriage return as a line break; nothing else changes.
    expected = hostile.replace("\r", "\n")
    assert {(cell.value, cell.data_type) for cell in reasons} == {(expected, "s")}
    assert formulas_in(content) == []


def test_the_workbook_has_no_formula_anywhere():
    content = workbook("Check", ("a", "b"), [["=1+1", 2], ["@SUM(A1:A2)", -3]])
    sheet = open_workbook(content)
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["a", "b"],
        ["=1+1", 2],
        ["@SUM(A1:A2)", -3],
    ]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s", "n"}
    assert formulas_in(content) == []


def formulas_in(content: bytes) -> list[str]:
    """Every <f> element of every sheet: what a spreadsheet would calculate."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in archive.read(name)
        ]


def test_the_workbook_of_an_empty_roadmap_has_only_the_header():
    plan = dataclasses.replace(build_plan(), headcounts={})
    sheet = open_workbook(roadmap_workbook(*_with_costs(plan, plan.roadmap())))
    assert list(sheet.iter_rows(values_only=True)) == [ROADMAP_COLUMNS]


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui); "
    "openpyxl's reading of the workbook is checked above",
)
def test_libreoffice_opens_the_workbook_and_reads_the_same_values(tmp_path):
    plan = build_plan(start_month=2)
    roadmap = plan.roadmap(TODAY)
    first = roadmap[0]
    hostile_row = dataclasses.replace(first.gap.rows[0], reason="=1+1")
    roadmap[0] = dataclasses.replace(
        first, gap=dataclasses.replace(first.gap, rows=(hostile_row, *first.gap.rows[1:]))
    )
    source = tmp_path / "roadmap.xlsx"
    source.write_bytes(roadmap_workbook(*_with_costs(plan, roadmap)))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            *(SOFFICE, f"-env:UserInstallation={profile}", "--headless"),
            *("--convert-to", "csv", "--outdir", str(tmp_path), str(source)),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    converted = list(csv.reader(io.StringIO((tmp_path / "roadmap.csv").read_text())))
    expected = roadmap_rows(*_with_costs(plan, roadmap))
    assert converted[0] == list(ROADMAP_COLUMNS)
    # The CSV neutralises "=1+1" as "'=1+1"; the workbook keeps it as text LibreOffice
    # shows as written, not as 2.
    assert converted[1][ROADMAP_COLUMNS.index("reason")] == "=1+1"
    assert expected[0][ROADMAP_COLUMNS.index("reason")] == "'=1+1"
    expected[0][ROADMAP_COLUMNS.index("reason")] = "=1+1"
    # Amounts are numbers, so LibreOffice writes 0.00 as 0: compare them as amounts.
    money = {ROADMAP_COLUMNS.index(name) for name in ROADMAP_COLUMNS[-3:]}

    def read(row):
        return [Decimal(v) if i in money else str(v) for i, v in enumerate(row)]

    assert [read(row) for row in converted[1:]] == [read(row) for row in expected]


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui); "
    ".ci/run installs it",
)
def test_libreoffice_opens_the_csv_with_numbers_as_numbers_and_the_text_intact(tmp_path):
    plan = build_plan(start_month=2)
    roadmap = plan.roadmap(TODAY)
    rows = roadmap_rows(*_with_costs(plan, roadmap))
    source = tmp_path / "roadmap.csv"
    source.write_text("\ufeff" + as_csv(rows), encoding="utf-8")
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        [
            *(SOFFICE, f"-env:UserInstallation={profile}", "--headless"),
            *("--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(tmp_path)),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    sheet = load_workbook(tmp_path / "roadmap.xlsx").worksheets[0]
    header, *opened = list(sheet.iter_rows(values_only=True))
    assert header == ROADMAP_COLUMNS
    assert len(opened) == len(rows)
    for got, sent in zip(opened, rows, strict=True):
        cells = dict(zip(ROADMAP_COLUMNS, got, strict=True))
        want = dict(zip(ROADMAP_COLUMNS, sent, strict=True))
        for name in (*NUMBERS, "managers"):
            assert isinstance(cells[name], int | float) and cells[name] == want[name], name
        for name in ROADMAP_COLUMNS[-3:]:
            assert isinstance(cells[name], int | float), name
            assert Decimal(str(cells[name])) == want[name], name
        # The sentences come through whole: punctuation, brackets and non-ASCII alike.
        assert cells["reason"] == want["reason"]
        assert cells["role_title"] == want["role_title"]
