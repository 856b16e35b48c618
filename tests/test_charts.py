"""The charts' geometry: pure, so checked without a browser or a database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from planner import charts, costs, rules
from planner.money import currency_choices, format_amount, validate_currency
from planner.quarters import Quarter

Q1 = Quarter(2027, 1).ordinal
PROFILE = rules.Profile()


def roadmap(customer_facing: list[int], team=()) -> list[rules.RoadmapQuarter]:
    snapshots = {Q1 + i: rules.Headcount(sales=n) for i, n in enumerate(customer_facing)}
    return rules.roadmap(snapshots, PROFILE, team, [], 1, current=Q1)


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 1), (1, 1), (3, 3), (7, 8), (10, 10), (11, 20), (240, 300), (501, 600), (536250, 600000)],
)
def test_the_axis_tops_at_a_round_number_at_or_above_the_highest_value(value, top):
    assert charts.nice_ceiling(value) == top


def test_the_headcount_chart_draws_every_quarter_from_the_bottom_to_the_top():
    chart = charts.headcount_chart(roadmap([0, 250, 500]))
    (line,) = chart.lines
    ys = [y for _, y in line.dots]
    bottom, top = charts.TOP + charts.PLOT_H, charts.TOP
    assert ys == [bottom, (bottom + top) / 2, top]
    assert chart.table_rows == (("FY2027 Q1", "0"), ("FY2027 Q2", "250"), ("FY2027 Q3", "500"))
    assert "from 0 in FY2027 Q1 to 500 in FY2027 Q3" in chart.description


def test_the_team_chart_has_in_seat_in_seat_and_planned_and_recommended():
    chart = charts.team_chart(
        roadmap([40, 120], team=[rules.TeamSeat(rules.ENABLEMENT_LEADER, Q1)])
    )
    assert [line.key for line in chart.lines] == ["recommended", "held", "in-seat"]
    assert chart.table_rows == (("FY2027 Q1", "1", "1", "1"), ("FY2027 Q2", "1", "1", "3"))
    # Ticks land on whole people: a team of at most 3 tops at 3, in steps of 1.
    assert [tick.label for tick in chart.y_ticks] == ["0", "1", "2", "3"]


def test_the_ratio_chart_breaks_where_no_one_is_in_seat_and_draws_the_article_s_lines():
    team = [rules.TeamSeat(rules.ENABLEMENT_LEADER, Q1 + 1)]
    chart = charts.ratio_chart(roadmap([40, 100, 500], team=team))
    (line,) = chart.lines
    assert len(line.dots) == 2  # no ratio in the first quarter: no one in seat
    assert [guide.label for guide in chart.guides] == ["1:50 typical", "1:500 no buy-in"]
    typical, no_buy_in = (guide.y for guide in chart.guides)
    assert no_buy_in < typical  # higher on the page: more people per enablement person
    assert line.dots[1][1] == pytest.approx(no_buy_in)  # 500 : 1 sits on the 1:500 line
    assert chart.table_rows[0][3] == "no one in seat"
    assert chart.table_rows[2][3] == "1:500"


def test_the_stage_timeline_has_one_band_per_run_of_a_stage():
    chart = charts.stage_chart(roadmap([40, 45, 120, 600]))
    assert [(band.stage, band.label) for band in chart.bands] == [
        (1, "1 · Foundation"),
        (2, "2 · Expansion"),
        (3, "3 · Scale"),
    ]
    assert chart.bands[0].width == pytest.approx(2 * chart.bands[1].width, abs=0.2)
    assert chart.table_rows[0] == ("1 · Foundation", "FY2027 Q1", "FY2027 Q2")


def test_the_cost_chart_draws_three_bars_a_year_as_tall_as_their_amounts():
    seat = costs.CostedSeat(rules.TeamSeat(rules.ENABLEMENT_LEADER, Q1))
    table = costs.CostTable("EUR", {rules.ENABLEMENT_LEADER: Decimal("100000")})
    plan = roadmap([40] * 6, team=[seat.seat])
    years = costs.fiscal_years(costs.roadmap_costs(plan, [seat], [], table))
    chart = charts.cost_chart(years, "EUR", lambda amount: format_amount(amount, "EUR"))
    assert len(chart.bars) == 6
    in_seat = [bar for bar in chart.bars if bar.key == "in-seat"]
    assert in_seat[0].height == pytest.approx(2 * in_seat[1].height, abs=0.2)  # 4 vs 2 quarters
    assert [tick.label for tick in chart.x_ticks] == ["FY2027", "FY2028*"]
    assert chart.table_rows[1][0] == "FY2028 (2 of 4 quarters)"
    assert chart.table_rows[0][1] == "100,000\N{NO-BREAK SPACE}EUR"


def test_currencies_are_iso_4217_codes():
    validate_currency("PLN")
    validate_currency("EUR")
    for wrong in ("", "pln", "EURO", "XYZ"):
        with pytest.raises(ValidationError):
            validate_currency(wrong)
    offered = dict(currency_choices(datetime.date(2026, 11, 1)))
    assert offered["USD"] == "USD — US Dollar"
    assert "DEM" not in offered  # withdrawn in 2002: not offered to a new choice
    assert "DEM" in dict(currency_choices(datetime.date(2026, 11, 1), keep="DEM"))


def test_amounts_are_grouped_as_the_reader_s_language_writes_them(settings):
    settings.USE_THOUSAND_SEPARATOR = False  # grouping is forced for amounts anyway
    assert format_amount(Decimal("1270000.4"), "USD") == "1,270,000\N{NO-BREAK SPACE}USD"
    assert format_amount(Decimal("88000.5"), "USD", cents=True) == "88,000.50\N{NO-BREAK SPACE}USD"
    assert format_amount(Decimal("95000"), "USD", cents=True) == "95,000\N{NO-BREAK SPACE}USD"
    from django.utils import translation

    with translation.override("pl"):
        assert format_amount(Decimal("1270000"), "PLN").replace("\N{NO-BREAK SPACE}", " ") == (
            "1 270 000 PLN"
        )
