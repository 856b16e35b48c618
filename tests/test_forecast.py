"""The growth forecast's arithmetic: compounding and interpolation, rounded to whole people.

Pure: these tests need no database.
"""

from decimal import Decimal

import pytest

from planner import forecast
from planner.rules import Headcount

S = 8108  # any start quarter


def quarters(n: int, after: int = S) -> list[int]:
    return list(range(after + 1, after + 1 + n))


def grown(start: Headcount, n: int, **rates) -> list[tuple[int, int, int]]:
    result = forecast.grow(start, S, {k: Decimal(v) for k, v in rates.items()}, quarters(n))
    return [(h.sales, h.customer_success, h.other) for h in result.values()]


def test_zero_growth_keeps_every_function_as_it_is():
    assert grown(Headcount(40, 12, 5), 3) == [(40, 12, 5)] * 3


def test_fifteen_percent_compounds_from_the_exact_value_each_quarter():
    # 100 × 1.15^k = 115, 132.25, 152.0875, 174.900625, 201.13571875, 231.3060765625
    assert [s for s, _, _ in grown(Headcount(100), 6, sales="15")] == [
        115,
        132,
        152,
        175,
        201,
        231,
    ]


def test_rounding_comes_from_the_exact_value_so_a_small_team_still_grows():
    # 3 × 1.1^k = 3.3, 3.63, 3.993, 4.3923: rounding each step would stay at 3 for ever.
    assert [s for s, _, _ in grown(Headcount(3), 4, sales="10")] == [3, 4, 4, 4]


def test_a_half_rounds_up():
    # 5 × 1.5 = 7.5 → 8; 5 × 0.5 = 2.5 → 3.
    assert grown(Headcount(5, 5), 1, sales="50", customer_success="-50") == [(8, 3, 0)]


def test_a_hiring_freeze_with_attrition_shrinks_by_five_percent_a_quarter():
    # 200 × 0.95^k = 190, 180.5, 171.475, 162.90125
    assert [s for s, _, _ in grown(Headcount(200), 4, sales="-5")] == [190, 181, 171, 163]


def test_minus_one_hundred_percent_empties_a_function_and_it_stays_empty():
    assert grown(Headcount(40, 12, 5), 2, customer_success="-100") == [(40, 0, 5)] * 2


def test_one_hundred_percent_doubles_every_quarter():
    assert [s for s, _, _ in grown(Headcount(7), 3, sales="100")] == [14, 28, 56]


def test_a_function_starting_at_zero_stays_at_zero_whatever_its_rate():
    assert grown(Headcount(10, 0, 0), 2, customer_success="100", other="15") == [(10, 0, 0)] * 2


def test_each_function_grows_at_its_own_rate():
    assert grown(Headcount(100, 100, 100), 1, sales="10", customer_success="-10") == [
        (110, 90, 100)
    ]


def test_growth_counts_quarters_from_the_start_even_across_a_gap():
    result = forecast.grow(Headcount(100), S, {"sales": Decimal(10)}, [S + 3])
    assert result[S + 3].sales == 133  # 100 × 1.1³ = 133.1


@pytest.mark.parametrize("rate", ["-100.01", "100.01", "-500"])
def test_a_rate_outside_minus_100_to_100_percent_is_refused(rate):
    with pytest.raises(ValueError, match="growth rate"):
        grown(Headcount(10), 1, sales=rate)


@pytest.mark.parametrize("rate", ["-100", "100"])
def test_the_rate_limits_themselves_are_accepted(rate):
    assert len(grown(Headcount(10), 1, sales=rate)) == 1


def test_the_range_limit_is_accepted_and_one_more_quarter_refused():
    limit = forecast.MAX_QUARTERS
    assert len(grown(Headcount(10), limit, sales="1")) == limit
    with pytest.raises(ValueError, match="at most"):
        grown(Headcount(10), limit + 1, sales="1")


def test_an_empty_range_or_one_reaching_back_to_the_start_is_refused():
    with pytest.raises(ValueError, match="at least one"):
        forecast.grow(Headcount(10), S, {}, [])
    with pytest.raises(ValueError, match="after its start"):
        forecast.grow(Headcount(10), S, {}, [S, S + 1])


def test_interpolation_is_linear_per_function_and_hits_the_target_exactly():
    start, target = Headcount(100, 10, 0), Headcount(200, 0, 7)
    result = forecast.interpolate(start, S, target, S + 4, quarters(4))
    assert [(h.sales, h.customer_success, h.other) for h in result.values()] == [
        (125, 8, 2),  # 10 - 2.5 = 7.5 → 8; 1.75 → 2
        (150, 5, 4),  # 3.5 → 4
        (175, 3, 5),  # 2.5 → 3; 5.25 → 5
        (200, 0, 7),
    ]


def test_interpolation_to_a_target_beyond_the_range_fills_only_the_range():
    result = forecast.interpolate(Headcount(0), S, Headcount(9), S + 3, [S + 1])
    assert result == {S + 1: Headcount(3)}


def test_interpolation_to_the_same_number_keeps_it():
    result = forecast.interpolate(Headcount(5, 6, 7), S, Headcount(5, 6, 7), S + 2, quarters(2))
    assert set(result.values()) == {Headcount(5, 6, 7)}


def test_interpolation_needs_a_target_after_the_start():
    with pytest.raises(ValueError, match="after the start"):
        forecast.interpolate(Headcount(5), S, Headcount(9), S, [S + 1])
