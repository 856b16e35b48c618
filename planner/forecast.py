"""Headcount for coming quarters from a growth rate or a target: the arithmetic alone.

Pure: no database, no HTTP. Each function (sales, customer success, other customer-facing)
is worked out on its own from the headcount of a start quarter S:

- **growth rate** r, in percent per quarter, compounding: quarter Q holds
  ``S × (1 + r / 100) ^ (Q − S)``, rounded to whole people. Each quarter is rounded from the
  exact value, never from the previous quarter's rounded one, so a small team still grows
  (3 people at 10% become 4 in the third quarter rather than staying 3 for ever);
- **target** t reached in quarter T, linear: quarter Q holds
  ``S + (t − S) × (Q − S) / (T − S)``, rounded, so T holds exactly t.

Rounding is half up (2.5 → 3), as the CSV rounds amounts. The numbers are computed with
fractions, so no floating-point error can move a rounding.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import floor

from planner import rules

FUNCTIONS = ("sales", "customer_success", "other")

# How many quarters one forecast fills: five years.
MAX_QUARTERS = 20
# A growth rate in percent per quarter: -100 is everyone gone; past +100 (doubling every
# quarter) a number is a typing error rather than a plan.
MIN_RATE = Decimal(-100)
MAX_RATE = Decimal(100)


def round_half_up(value: Fraction) -> int:
    return floor(value + Fraction(1, 2))


def grow(
    start: rules.Headcount,
    start_quarter: int,
    rates: Mapping[str, Decimal],
    quarters: Sequence[int],
) -> dict[int, rules.Headcount]:
    """Each of ``quarters`` (all after ``start_quarter``) from ``start`` at ``rates``
    (percent per quarter, per function; a function left out keeps 0%)."""
    factors = {}
    for function in FUNCTIONS:
        rate = Decimal(rates.get(function, 0))
        if not MIN_RATE <= rate <= MAX_RATE:
            raise ValueError(f"A growth rate is {MIN_RATE}% to {MAX_RATE}%, not {rate}%.")
        factors[function] = 1 + Fraction(rate) / 100

    def value(function: str, quarter: int) -> Fraction:
        return getattr(start, function) * factors[function] ** (quarter - start_quarter)

    return _fill(start_quarter, quarters, value)


def interpolate(
    start: rules.Headcount,
    start_quarter: int,
    target: rules.Headcount,
    target_quarter: int,
    quarters: Sequence[int],
) -> dict[int, rules.Headcount]:
    """Each of ``quarters`` on the straight line from ``start`` to ``target``, per function;
    ``target_quarter`` holds the target exactly."""
    if target_quarter <= start_quarter:
        raise ValueError("The target quarter comes after the start quarter.")
    span = target_quarter - start_quarter

    def value(function: str, quarter: int) -> Fraction:
        first, last = getattr(start, function), getattr(target, function)
        return first + Fraction((last - first) * (quarter - start_quarter), span)

    return _fill(start_quarter, quarters, value)


def _fill(start_quarter: int, quarters: Sequence[int], value) -> dict[int, rules.Headcount]:
    if not quarters:
        raise ValueError("A forecast fills at least one quarter.")
    if len(quarters) > MAX_QUARTERS:
        raise ValueError(f"A forecast fills at most {MAX_QUARTERS} quarters.")
    if min(quarters) <= start_quarter:
        raise ValueError("Every quarter of a forecast comes after its start quarter.")
    result = {}
    for quarter in sorted(quarters):
        counts = {function: round_half_up(value(function, quarter)) for function in FUNCTIONS}
        result[quarter] = rules.Headcount(**counts)
    return result
