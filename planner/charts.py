"""The roadmap's charts as plain geometry that templates draw as SVG.

Pure: numbers in, coordinates and labels out. No JavaScript and no chart library, so the
charts render under the Content-Security-Policy, print, and read without scripts. Every
chart carries a title, a sentence describing it and the table of its numbers, which is
what a screen reader (and a reader who wants the exact figures) gets.

Coordinates are in the SVG's own units (``WIDTH`` × ``HEIGHT``); CSS scales the drawing
to the width of the page. Amounts stay ``Decimal`` until they become a pixel position.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planner import rules
from planner.costs import FiscalYearCost
from planner.quarters import Quarter

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 76, 16, 16, 44  # margins for the axes' labels
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

# The article's two landmarks on the ratio chart (A.1): typical, and no buy-in.
TYPICAL_RATIO, NO_BUY_IN_RATIO = 50, 500


@dataclass(frozen=True)
class Tick:
    at: float  # x for the horizontal axis, y for the vertical one
    label: str


@dataclass(frozen=True)
class Line:
    """A series drawn as a polyline; ``None`` values break it (nothing to draw there)."""

    key: str  # names the CSS class that colours it
    label: str
    segments: tuple[str, ...]  # SVG "points" strings, one per unbroken run
    dots: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Guide:
    """A horizontal reference line with its label."""

    key: str
    label: str
    y: float


@dataclass(frozen=True)
class Bar:
    key: str
    x: float
    y: float
    width: float
    height: float
    label: str  # what a tooltip says: "FY2027 in seat: 250,000"


@dataclass(frozen=True)
class Band:
    """A run of quarters in one stage, on the stage timeline."""

    stage: int
    label: str
    x: float
    width: float


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    x_ticks: tuple[Tick, ...] = ()
    y_ticks: tuple[Tick, ...] = ()
    lines: tuple[Line, ...] = ()
    guides: tuple[Guide, ...] = ()
    bars: tuple[Bar, ...] = ()
    bands: tuple[Band, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()  # (key, label)
    table_head: tuple[str, ...] = ()
    table_rows: tuple[tuple[str, ...], ...] = ()
    y_label: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    plot: tuple[int, int, int, int] = field(default=(LEFT, TOP, PLOT_W, PLOT_H))

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_bottom(self) -> int:
        return self.plot[1] + self.plot[3]

    @property
    def plot_right(self) -> int:
        return self.plot[0] + self.plot[2]


# The axis's top is one of these × 10^k: round, and close enough above the highest value
# that the drawing uses most of its height.
NICE_STEPS = (1, 2, 3, 4, 5, 6, 8, 10)


def nice_ceiling(value: float | Decimal) -> Decimal:
    """The smallest round number (``NICE_STEPS`` × 10^k) at or above ``value``, at least 1."""
    value = Decimal(value)
    if value <= 1:
        return Decimal(1)
    exponent = Decimal(10) ** (len(str(int(value))) - 1)
    for step in NICE_STEPS:
        if step * exponent >= value:
            return step * exponent
    raise AssertionError("unreachable")  # pragma: no cover


def _x_positions(count: int) -> list[float]:
    """The centre of each of ``count`` equal slots across the plot."""
    slot = PLOT_W / max(count, 1)
    return [round(LEFT + slot * (i + 0.5), 1) for i in range(count)]


def _quarter_ticks(quarters: Sequence[int], xs: Sequence[float]) -> tuple[Tick, ...]:
    """Every quarter's label when few fit; else each fiscal year's first quarter shown."""
    labels = [Quarter.from_ordinal(q) for q in quarters]
    if len(quarters) <= 8:
        return tuple(
            Tick(x, f"FY{q.fiscal_year % 100:02d} Q{q.number}")
            for q, x in zip(labels, xs, strict=True)
        )
    # The first quarter is labelled too, unless a fiscal year starts right after it.
    return tuple(
        Tick(x, f"FY{q.fiscal_year}")
        for i, (q, x) in enumerate(zip(labels, xs, strict=True))
        if q.number == 1 or (i == 0 and q.number < 3)
    )


def _y(value: float | Decimal, top: Decimal) -> float:
    return round(float(TOP + PLOT_H - Decimal(PLOT_H) * Decimal(value) / top), 1)


def _linear_ticks(top: Decimal, fmt=lambda v: f"{v:,}") -> tuple[Tick, ...]:
    """Four steps up to ``top``, or five or two when four would not land on whole numbers."""
    steps = next((n for n in (4, 5, 3, 2) if top % n == 0), 1)
    return tuple(Tick(_y(top * i / steps, top), fmt(top * i / steps)) for i in range(steps + 1))


def _polyline(xs: Sequence[float], ys: Sequence[float | None]) -> tuple[str, ...]:
    runs, run = [], []
    for x, y in zip(xs, ys, strict=True):
        if y is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{x},{y}")
    if run:
        runs.append(run)
    return tuple(" ".join(points) for points in runs)


def _line(key: str, label: str, xs: Sequence[float], ys: Sequence[float | None]) -> Line:
    return Line(
        key,
        label,
        _polyline(xs, ys),
        tuple((x, y) for x, y in zip(xs, ys, strict=True) if y is not None),
    )


def _whole(number: Decimal | int) -> str:
    """A whole number grouped as the reader's language writes it: "1,200", "1 200"."""
    return number_format(int(number), force_grouping=True)


def headcount_chart(roadmap: Sequence[rules.RoadmapQuarter]) -> Chart:
    quarters = [q.quarter for q in roadmap]
    values = [q.headcount.total for q in roadmap]
    xs = _x_positions(len(quarters))
    top = nice_ceiling(max(values, default=1))
    first, last = values[0], values[-1]
    return Chart(
        slug="headcount",
        title=gettext("Customer-facing headcount"),
        description=gettext(
            "Customer-facing headcount by quarter, from %(first)s in %(first_quarter)s to "
            "%(last)s in %(last_quarter)s."
        )
        % {
            "first": _whole(first),
            "first_quarter": Quarter.from_ordinal(quarters[0]),
            "last": _whole(last),
            "last_quarter": Quarter.from_ordinal(quarters[-1]),
        },
        x_ticks=_quarter_ticks(quarters, xs),
        y_ticks=_linear_ticks(top, _whole),
        lines=(_line("headcount", gettext("Customer-facing"), xs, [_y(v, top) for v in values]),),
        legend=(("headcount", gettext("Customer-facing")),),
        table_head=(gettext("Quarter"), gettext("Customer-facing")),
        table_rows=tuple(
            (Quarter.from_ordinal(q).label, _whole(v))
            for q, v in zip(quarters, values, strict=True)
        ),
    )


def team_chart(roadmap: Sequence[rules.RoadmapQuarter]) -> Chart:
    quarters = [q.quarter for q in roadmap]
    in_seat = [q.gap.in_seat_total for q in roadmap]
    held = [q.gap.in_seat_total + q.gap.planned_total for q in roadmap]
    recommended = [q.gap.recommended_total for q in roadmap]
    xs = _x_positions(len(quarters))
    top = nice_ceiling(max([*in_seat, *held, *recommended], default=1))
    last = Quarter.from_ordinal(quarters[-1]).label
    return Chart(
        slug="team",
        title=gettext("Enablement team"),
        description=gettext(
            "Enablement team by quarter: in seat, in seat plus planned hires, and the team the "
            "rules recommend. In %(quarter)s: %(in_seat)s in seat, %(held)s with planned hires, "
            "%(recommended)s recommended."
        )
        % {
            "quarter": last,
            "in_seat": in_seat[-1],
            "held": held[-1],
            "recommended": recommended[-1],
        },
        x_ticks=_quarter_ticks(quarters, xs),
        y_ticks=_linear_ticks(top, _whole),
        lines=(
            _line("recommended", gettext("Recommended"), xs, [_y(v, top) for v in recommended]),
            _line("held", gettext("In seat + planned"), xs, [_y(v, top) for v in held]),
            _line("in-seat", gettext("In seat"), xs, [_y(v, top) for v in in_seat]),
        ),
        legend=(
            ("in-seat", gettext("In seat")),
            ("held", gettext("In seat + planned")),
            ("recommended", gettext("Recommended")),
        ),
        table_head=(
            gettext("Quarter"),
            gettext("In seat"),
            gettext("In seat + planned"),
            gettext("Recommended"),
        ),
        table_rows=tuple(
            (Quarter.from_ordinal(q).label, str(a), str(b), str(c))
            for q, a, b, c in zip(quarters, in_seat, held, recommended, strict=True)
        ),
    )


def _ratio(roadmap_quarter: rules.RoadmapQuarter) -> Decimal | None:
    seated = roadmap_quarter.gap.in_seat_total
    if not seated:
        return None
    return Decimal(roadmap_quarter.headcount.total) / seated


def ratio_chart(roadmap: Sequence[rules.RoadmapQuarter]) -> Chart:
    """Customer-facing per enablement person in seat, on a logarithmic scale (1 to 1,000 and
    beyond), so that 1:50 and 1:500 are both readable."""
    quarters = [q.quarter for q in roadmap]
    ratios = [_ratio(q) for q in roadmap]
    xs = _x_positions(len(quarters))
    highest = max([r for r in ratios if r is not None] + [NO_BUY_IN_RATIO * 2])
    top_exponent = math.ceil(math.log10(highest))

    def y(value: Decimal | int) -> float:
        share = math.log10(max(float(value), 1)) / top_exponent
        return round(TOP + PLOT_H - PLOT_H * share, 1)

    ticks = tuple(Tick(y(10**e), f"1:{_whole(10**e)}") for e in range(top_exponent + 1))
    shown = [r for r in ratios if r is not None]
    if shown:
        latest = next(
            (q, r) for q, r in zip(reversed(quarters), reversed(ratios), strict=True) if r
        )
        said = gettext("In %(quarter)s it is 1:%(ratio)s.") % {
            "quarter": Quarter.from_ordinal(latest[0]),
            "ratio": f"{latest[1]:.0f}",
        }
    else:
        said = gettext("No one is in seat in any quarter, so there is no ratio yet.")
    typical, no_buy_in = gettext("1:50 typical"), gettext("1:500 no buy-in")
    return Chart(
        slug="ratio",
        title=gettext("Ratio in seat"),
        description=gettext(
            "Customer-facing people per enablement person in seat, by quarter, on a "
            "logarithmic scale, against the article’s typical 1:50 and the 1:500 beyond "
            "which enablement has no buy-in. %(said)s"
        )
        % {"said": said},
        x_ticks=_quarter_ticks(quarters, xs),
        y_ticks=ticks,
        lines=(
            _line("ratio", gettext("Ratio in seat"), xs, [y(r) if r else None for r in ratios]),
        ),
        guides=(
            Guide("typical", typical, y(TYPICAL_RATIO)),
            Guide("no-buy-in", no_buy_in, y(NO_BUY_IN_RATIO)),
        ),
        legend=(
            ("ratio", gettext("Ratio in seat")),
            ("typical", typical),
            ("no-buy-in", no_buy_in),
        ),
        table_head=(
            gettext("Quarter"),
            gettext("Customer-facing"),
            gettext("In seat"),
            gettext("Ratio"),
        ),
        table_rows=tuple(
            (
                Quarter.from_ordinal(q.quarter).label,
                _whole(q.headcount.total),
                str(q.gap.in_seat_total),
                f"1:{r:.0f}" if r is not None else gettext("no one in seat"),
            )
            for q, r in zip(roadmap, ratios, strict=True)
        ),
    )


def stage_chart(roadmap: Sequence[rules.RoadmapQuarter]) -> Chart:
    """The quarters as one bar, coloured by stage, each run of a stage labelled once."""
    quarters = [q.quarter for q in roadmap]
    slot = PLOT_W / max(len(quarters), 1)
    height = 120
    runs: list[tuple[int, int, int]] = []  # (stage, first index, count)
    for i, q in enumerate(roadmap):
        stage = q.gap.assessment.stage
        if runs and runs[-1][0] == stage:
            runs[-1] = (stage, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((stage, i, 1))
    bands = tuple(
        Band(
            stage,
            f"{stage} · {rules.STAGES[stage - 1].name}",
            round(LEFT + slot * start, 1),
            round(slot * count, 1),
        )
        for stage, start, count in runs
    )
    xs = _x_positions(len(quarters))
    words = "; ".join(
        gettext("stage %(number)s (%(name)s) from %(quarter)s")
        % {
            "number": stage,
            "name": rules.STAGES[stage - 1].name,
            "quarter": Quarter.from_ordinal(quarters[start]),
        }
        for stage, start, _count in runs
    )
    return Chart(
        slug="stages",
        title=gettext("Stage timeline"),
        description=gettext("The maturity stage quarter by quarter: %(stages)s.")
        % {"stages": words},
        x_ticks=_quarter_ticks(quarters, xs),
        bands=bands,
        table_head=(gettext("Stage"), gettext("From"), gettext("To")),
        table_rows=tuple(
            (
                f"{stage} · {rules.STAGES[stage - 1].name}",
                Quarter.from_ordinal(quarters[start]).label,
                Quarter.from_ordinal(quarters[start + count - 1]).label,
            )
            for stage, start, count in runs
        ),
        height=height,
        plot=(LEFT, TOP, PLOT_W, height - TOP - BOTTOM),
    )


COST_SERIES = (
    ("in-seat", _("In seat")),
    ("planned", _("Planned hires")),
    ("recommended", _("Recommended")),
)


def cost_chart(years: Sequence[FiscalYearCost], currency: str, amount) -> Chart:
    """Grouped bars per fiscal year. ``amount`` formats a Decimal for the reader's language."""
    top = nice_ceiling(max([max(y.in_seat, y.planned, y.recommended) for y in years], default=1))
    slot = PLOT_W / max(len(years), 1)
    bar_w = round(min(slot / 4, 48), 1)
    bars = []
    for i, year in enumerate(years):
        values = (year.in_seat, year.planned, year.recommended)
        start = LEFT + slot * i + (slot - bar_w * 3) / 2
        for j, ((key, label), value) in enumerate(zip(COST_SERIES, values, strict=True)):
            y = _y(value, top)
            bars.append(
                Bar(
                    key,
                    round(start + bar_w * j, 1),
                    y,
                    bar_w,
                    round(TOP + PLOT_H - y, 1),
                    gettext("%(year)s, %(series)s: %(amount)s")
                    % {"year": _year_label(year), "series": label.lower(), "amount": amount(value)},
                )
            )
    ticks = tuple(
        Tick(round(LEFT + slot * (i + 0.5), 1), year.label + ("" if year.complete else "*"))
        for i, year in enumerate(years)
    )
    described = "; ".join(
        gettext("%(year)s: %(in_seat)s in seat, %(planned)s planned, %(recommended)s recommended")
        % {
            "year": _year_label(y),
            "in_seat": amount(y.in_seat),
            "planned": amount(y.planned),
            "recommended": amount(y.recommended),
        }
        for y in years
    )
    return Chart(
        slug="cost",
        title=gettext("Cost per fiscal year (%(currency)s)") % {"currency": currency},
        description=gettext(
            "Cost of the enablement team per fiscal year, in %(currency)s; a year marked * is "
            "only partly on the roadmap. %(years)s."
        )
        % {"currency": currency, "years": described},
        x_ticks=ticks,
        y_ticks=_linear_ticks(
            top, lambda v: amount(v).replace(f"\N{NO-BREAK SPACE}{currency}", "")
        ),
        bars=tuple(bars),
        legend=tuple((key, str(label)) for key, label in COST_SERIES),
        table_head=(
            gettext("Fiscal year"),
            gettext("In seat"),
            gettext("Planned hires"),
            gettext("Recommended"),
        ),
        table_rows=tuple(
            (_year_label(y), amount(y.in_seat), amount(y.planned), amount(y.recommended))
            for y in years
        ),
        y_label=currency,
    )


def _year_label(year: FiscalYearCost) -> str:
    if year.complete:
        return year.label
    return gettext("%(year)s (%(count)s of 4 quarters)") % {
        "year": year.label,
        "count": len(year.quarters),
    }
