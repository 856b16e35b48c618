"""The CSV rows of the roadmap, checked against the rules for a plan worked out by hand."""

import csv
import dataclasses
import io

import pytest

from planner import rules
from planner.exports import FORMULA_TRIGGERS, ROADMAP_COLUMNS, roadmap_rows, safe_cell
from planner.planning import Plan
from planner.quarters import Quarter
from tests.factories import (
    OrganizationFactory,
    PlannedHireFactory,
    SegmentFactory,
    SnapshotFactory,
    TeamMemberFactory,
)

Q0 = Quarter(2027, 1).ordinal
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
    return Plan(
        organization=organization,
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
        segments=extra.get("segments", []),
    )


def rows_of(plan: Plan) -> list[dict]:
    return [
        dict(zip(ROADMAP_COLUMNS, row, strict=True))
        for row in roadmap_rows(plan.roadmap(), plan.organization)
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
        )
        for r in rows_of(plan)
    ]
    assert got == [
        ("FY2027 Q1", 40, 1, LEADER, 1, 1, 0, 0, ""),
        ("FY2027 Q1", 40, 1, SALES, 0, 1, 0, -1, ""),
        # Carried forward from Q1.
        ("FY2027 Q2", 40, 1, LEADER, 1, 1, 0, 0, ""),
        ("FY2027 Q2", 40, 1, SALES, 0, 1, 0, -1, ""),
        # Stage 2: the program manager is planned; the specialist is still to plan.
        ("FY2027 Q3", 120, 2, LEADER, 1, 1, 0, 0, ""),
        ("FY2027 Q3", 120, 2, ALS, 1, 0, 0, 1, "FY2027 Q2"),
        ("FY2027 Q3", 120, 2, PM, 1, 0, 1, 0, ""),
        ("FY2027 Q3", 120, 2, SALES, 0, 1, 0, -1, ""),
        # The specialist's shortfall started in Q3, so its deadline does not move; the
        # cancelled CS hire does not count against the new CS seat.
        ("FY2027 Q4", 160, 2, LEADER, 1, 1, 0, 0, ""),
        ("FY2027 Q4", 160, 2, ALS, 1, 0, 0, 1, "FY2027 Q2"),
        ("FY2027 Q4", 160, 2, PM, 1, 0, 1, 0, ""),
        ("FY2027 Q4", 160, 2, CS, 1, 0, 0, 1, "FY2027 Q3"),
        ("FY2027 Q4", 160, 2, SALES, 0, 1, 0, -1, ""),
    ]


def test_it_gives_each_row_the_rule_sentence_of_its_role():
    plan = build_plan()
    expected = [
        (Quarter.from_ordinal(q.quarter).label, row.role, row.reason)
        for q in plan.roadmap()
        for row in q.gap.rows
    ]
    assert [(r["quarter"], r["role"], r["reason"]) for r in rows_of(plan)] == expected
    reasons = {(r["quarter"], r["role"]): r["reason"] for r in rows_of(plan)}
    assert reasons["FY2027 Q1", LEADER].startswith("A.3, B stage 1")
    assert reasons["FY2027 Q3", ALS].startswith("B step 2, A.4")
    assert reasons["FY2027 Q4", SALES].startswith("Not in the recommended team of 4")


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


def test_it_leaves_the_requisition_empty_unless_hires_are_still_to_plan():
    for lead_time in (0, 2):
        for row in rows_of(build_plan(lead_time=lead_time)):
            assert (row["open_requisition_by"] != "") == (row["gap"] > 0)


def test_it_keeps_numbers_numeric_and_negative_gaps_unprefixed():
    rows = roadmap_rows(build_plan().roadmap(), build_plan().organization)
    gaps = [row[ROADMAP_COLUMNS.index("gap")] for row in rows]
    assert -1 in gaps
    for row in rows:
        for column in ("customer_facing_headcount", "stage", "recommended", "in_seat", "planned"):
            assert type(row[ROADMAP_COLUMNS.index(column)]) is int
        assert type(row[ROADMAP_COLUMNS.index("gap")]) is int
    text = as_csv(rows)
    assert ",-1," in text
    assert "'-1" not in text


def test_it_returns_no_rows_without_headcount():
    plan = dataclasses.replace(build_plan(), snapshots=[])
    assert roadmap_rows(plan.roadmap(), plan.organization) == []


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
    rows = roadmap_rows(plan.roadmap(), plan.organization)
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
    rows = roadmap_rows(roadmap, plan.organization)
    reason = ROADMAP_COLUMNS.index("reason")
    assert {row[reason] for row in rows} == {"'" + hostile}
    parsed = list(csv.DictReader(io.StringIO(as_csv(rows), newline="")))
    assert {row["reason"] for row in parsed} == {"'" + hostile}
    assert len(parsed) == len(rows)
