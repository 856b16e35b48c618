"""Fiscal quarters against RULES.md: a fiscal year is named by the calendar year in which
it ends (February start: FY2027 runs February 2026 – January 2027; January start: FY is
the calendar year), shown as ``FY2027 Q1`` and exported with its start date."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.quarters import Quarter, quarter_range

D = datetime.date


# --- Representation ------------------------------------------------------------------------


def test_it_labels_a_quarter_like_fy2027_q1():
    assert Quarter(2027, 1).label == "FY2027 Q1"
    assert str(Quarter(2031, 4)) == "FY2031 Q4"


@pytest.mark.parametrize(("fiscal_year", "number"), [(2027, 0), (2027, 5), (2027, -1)])
def test_it_rejects_a_quarter_number_outside_1_to_4(fiscal_year, number):
    with pytest.raises(ValueError):
        Quarter(fiscal_year, number)


def test_it_gives_consecutive_quarters_consecutive_ordinals_across_a_year_end():
    assert Quarter(2027, 2).ordinal == Quarter(2027, 1).ordinal + 1
    assert Quarter(2028, 1).ordinal == Quarter(2027, 4).ordinal + 1
    assert Quarter(2028, 1).ordinal == Quarter(2027, 1).ordinal + 4


@pytest.mark.parametrize("quarter", [Quarter(2000, 1), Quarter(2027, 3), Quarter(2100, 4)])
def test_it_round_trips_through_its_ordinal(quarter):
    assert Quarter.from_ordinal(quarter.ordinal) == quarter


def test_it_sorts_quarters_chronologically():
    quarters = [Quarter(2028, 1), Quarter(2027, 4), Quarter(2027, 1), Quarter(2027, 2)]
    assert sorted(quarters) == [
        Quarter(2027, 1),
        Quarter(2027, 2),
        Quarter(2027, 4),
        Quarter(2028, 1),
    ]
    assert sorted(q.ordinal for q in quarters) == [q.ordinal for q in sorted(quarters)]


# --- Parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("FY2027 Q1", Quarter(2027, 1)),
        ("fy2027 q2", Quarter(2027, 2)),
        ("fy2027q1", Quarter(2027, 1)),
        ("FY2027Q4", Quarter(2027, 4)),
        ("FY2027-Q1", Quarter(2027, 1)),
        ("FY2027/Q3", Quarter(2027, 3)),
        ("FY 2027 Q2", Quarter(2027, 2)),
        ("  FY2030 Q4  ", Quarter(2030, 4)),
    ],
)
def test_it_parses_the_accepted_spellings(text, expected):
    assert Quarter.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "2027 Q1",
        "FY27 Q1",
        "FY2027",
        "Q1 FY2027",
        "FY2027 Q0",
        "FY2027 Q5",
        "FY2027 Q1 extra",
        "FY20271",
        "FY2027 Q12",
        "FY2027 -- Q1",
    ],
)
def test_it_rejects_garbage_with_a_value_error(text):
    with pytest.raises(ValueError):
        Quarter.parse(text)


@pytest.mark.parametrize("quarter", [Quarter(2000, 1), Quarter(2027, 1), Quarter(2099, 4)])
def test_it_parses_its_own_label_back(quarter):
    assert Quarter.parse(quarter.label) == quarter


# --- Calendar: January and February starts -------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2027, 1, 1), Quarter(2027, 1)),
        (D(2027, 3, 31), Quarter(2027, 1)),
        (D(2027, 4, 1), Quarter(2027, 2)),
        (D(2027, 6, 30), Quarter(2027, 2)),
        (D(2027, 7, 1), Quarter(2027, 3)),
        (D(2027, 10, 1), Quarter(2027, 4)),
        (D(2027, 12, 31), Quarter(2027, 4)),
        (D(2028, 1, 1), Quarter(2028, 1)),
    ],
)
def test_it_finds_the_quarter_of_a_day_with_a_january_start(day, expected):
    assert Quarter.containing(day, 1) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2026, 1, 31), Quarter(2026, 4)),
        (D(2026, 2, 1), Quarter(2027, 1)),
        (D(2026, 4, 30), Quarter(2027, 1)),
        (D(2026, 5, 1), Quarter(2027, 2)),
        (D(2026, 8, 1), Quarter(2027, 3)),
        (D(2026, 10, 31), Quarter(2027, 3)),
        (D(2026, 11, 1), Quarter(2027, 4)),
        (D(2026, 12, 31), Quarter(2027, 4)),
        (D(2027, 1, 31), Quarter(2027, 4)),
        (D(2027, 2, 1), Quarter(2028, 1)),
    ],
)
def test_it_names_a_february_start_fiscal_year_by_the_year_it_ends(day, expected):
    assert Quarter.containing(day, 2) == expected


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (Quarter(2027, 1), D(2027, 1, 1), D(2027, 3, 31)),
        (Quarter(2027, 2), D(2027, 4, 1), D(2027, 6, 30)),
        (Quarter(2027, 3), D(2027, 7, 1), D(2027, 9, 30)),
        (Quarter(2027, 4), D(2027, 10, 1), D(2027, 12, 31)),
    ],
)
def test_it_dates_quarters_of_a_january_start_within_the_calendar_year(quarter, start, end):
    assert quarter.start_date(1) == start
    assert quarter.end_date(1) == end


@pytest.mark.parametrize(
    ("quarter", "start", "end"),
    [
        (Quarter(2027, 1), D(2026, 2, 1), D(2026, 4, 30)),
        (Quarter(2027, 2), D(2026, 5, 1), D(2026, 7, 31)),
        (Quarter(2027, 3), D(2026, 8, 1), D(2026, 10, 31)),
        (Quarter(2027, 4), D(2026, 11, 1), D(2027, 1, 31)),
    ],
)
def test_it_runs_fy2027_from_february_2026_to_january_2027(quarter, start, end):
    assert quarter.start_date(2) == start
    assert quarter.end_date(2) == end


@pytest.mark.parametrize(
    ("start_month", "q1_start", "q4_end"),
    [
        (7, D(2026, 7, 1), D(2027, 6, 30)),
        (10, D(2026, 10, 1), D(2027, 9, 30)),
        (12, D(2026, 12, 1), D(2027, 11, 30)),
    ],
)
def test_it_dates_fy2027_for_other_start_months(start_month, q1_start, q4_end):
    assert Quarter(2027, 1).start_date(start_month) == q1_start
    assert Quarter(2027, 4).end_date(start_month) == q4_end


def test_it_handles_a_leap_day_in_a_february_start_year():
    assert Quarter(2028, 4).end_date(2) == D(2028, 1, 31)
    assert Quarter(2029, 1).start_date(3) == D(2028, 3, 1)
    assert Quarter(2028, 4).end_date(3) == D(2028, 2, 29)
    assert Quarter.containing(D(2028, 2, 29), 3) == Quarter(2028, 4)


@pytest.mark.parametrize("month", [0, 13, -1])
def test_it_rejects_a_start_month_outside_1_to_12(month):
    with pytest.raises(ValueError):
        Quarter(2027, 1).start_date(month)
    with pytest.raises(ValueError):
        Quarter.containing(D(2027, 5, 5), month)


@pytest.mark.parametrize("start_month", range(1, 13))
@pytest.mark.parametrize("quarter", [Quarter(2000, 1), *(Quarter(2027, n) for n in (1, 2, 3, 4))])
def test_it_round_trips_start_and_end_dates_for_every_start_month(start_month, quarter):
    start = quarter.start_date(start_month)
    end = quarter.end_date(start_month)
    assert start.day == 1
    assert Quarter.containing(start, start_month) == quarter
    assert Quarter.containing(end, start_month) == quarter
    assert end + datetime.timedelta(days=1) == (quarter + 1).start_date(start_month)


@pytest.mark.parametrize("start_month", range(1, 13))
def test_it_names_every_fiscal_year_by_the_calendar_year_in_which_it_ends(start_month):
    q1_start = Quarter(2027, 1).start_date(start_month)
    q4_end = Quarter(2027, 4).end_date(start_month)
    assert q4_end.year == 2027
    assert q1_start == D(2027 if start_month == 1 else 2026, start_month, 1)
    assert (q4_end - q1_start).days + 1 in (365, 366)


def test_it_gives_an_end_date_for_the_last_supported_quarter():
    assert Quarter(2100, 4).end_date(1) == D(2100, 12, 31)


# --- Arithmetic ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "delta", "expected"),
    [
        (Quarter(2027, 1), 1, Quarter(2027, 2)),
        (Quarter(2027, 4), 1, Quarter(2028, 1)),
        (Quarter(2027, 3), 4, Quarter(2028, 3)),
        (Quarter(2027, 2), 0, Quarter(2027, 2)),
        (Quarter(2027, 2), 7, Quarter(2029, 1)),
        (Quarter(2027, 2), -1, Quarter(2027, 1)),
    ],
)
def test_it_adds_quarters(quarter, delta, expected):
    assert quarter + delta == expected


@pytest.mark.parametrize(
    ("quarter", "delta", "expected"),
    [
        (Quarter(2027, 2), 1, Quarter(2027, 1)),
        (Quarter(2027, 1), 1, Quarter(2026, 4)),
        (Quarter(2027, 1), 2, Quarter(2026, 3)),
        (Quarter(2027, 3), 4, Quarter(2026, 3)),
        (Quarter(2027, 3), 0, Quarter(2027, 3)),
    ],
)
def test_it_subtracts_quarters(quarter, delta, expected):
    assert quarter - delta == expected


def test_it_lists_a_quarter_range_with_both_ends_included():
    first, last = Quarter(2026, 3), Quarter(2027, 2)
    assert quarter_range(first.ordinal, last.ordinal) == [
        Quarter(2026, 3),
        Quarter(2026, 4),
        Quarter(2027, 1),
        Quarter(2027, 2),
    ]
    assert quarter_range(first.ordinal, first.ordinal) == [first]


# --- Properties ------------------------------------------------------------------------------

quarters = st.builds(
    Quarter, fiscal_year=st.integers(min_value=2001, max_value=2099), number=st.integers(1, 4)
)
months = st.integers(min_value=1, max_value=12)
days = st.dates(min_value=D(2000, 1, 1), max_value=D(2098, 12, 31))


@given(quarters)
def test_property_ordinal_and_label_round_trip(quarter):
    assert Quarter.from_ordinal(quarter.ordinal) == quarter
    assert Quarter.parse(quarter.label) == quarter


@given(quarters, st.integers(min_value=-4, max_value=4), st.integers(min_value=-4, max_value=4))
def test_property_arithmetic_follows_the_ordinal(quarter, a, b):
    assert (quarter + a).ordinal == quarter.ordinal + a
    assert (quarter - a).ordinal == quarter.ordinal - a
    assert quarter + a - a == quarter
    assert (quarter + a < quarter + b) == (a < b)


@given(quarters, months)
def test_property_a_quarter_is_three_whole_months_that_contain_themselves(quarter, month):
    start, end = quarter.start_date(month), quarter.end_date(month)
    assert start.day == 1
    assert (end + datetime.timedelta(days=1)).day == 1
    assert ((end.year - start.year) * 12 + end.month - start.month) == 2
    assert Quarter.containing(start, month) == quarter
    assert Quarter.containing(end, month) == quarter
    assert (quarter + 1).start_date(month) == end + datetime.timedelta(days=1)


@given(days, months)
def test_property_every_day_lies_within_its_own_quarter(day, month):
    quarter = Quarter.containing(day, month)
    assert quarter.start_date(month) <= day <= quarter.end_date(month)
    # The fiscal year is named by the calendar year in which it ends.
    assert Quarter(quarter.fiscal_year, 4).end_date(month).year == quarter.fiscal_year
