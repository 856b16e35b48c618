"""Fiscal quarters: one representation that sorts, compares and does arithmetic.

A quarter is stored as an integer *ordinal*, ``fiscal_year * 4 + (number - 1)``, so
"next quarter" is ``+ 1`` and a lead time of two quarters is ``- 2``. The ordinal knows
nothing of calendar months: the organization's fiscal-year start month turns it into a
start date. A fiscal year is named by the calendar year in which it ends (RULES.md B), so
with a February start FY2027 runs February 2026 – January 2027.
"""

import datetime
import re
from dataclasses import dataclass

# Quarters a person can enter and the database stores.
MIN_FISCAL_YEAR = 2000
MAX_FISCAL_YEAR = 2100
MIN_ORDINAL = MIN_FISCAL_YEAR * 4
MAX_ORDINAL = MAX_FISCAL_YEAR * 4 + 3
# Quarters that can be worked out from stored ones, such as a requisition deadline a lead
# time before the first stored quarter: a little wider, so those always have a label.
_COMPUTED_YEARS = (MIN_FISCAL_YEAR - 10, MAX_FISCAL_YEAR + 10)

_LABEL = re.compile(r"^\s*FY\s*(\d{4})\s*[-/ ]?\s*Q\s*([1-4])\s*$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Quarter:
    fiscal_year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError(f"A quarter number is 1 to 4, not {self.number}.")
        low, high = _COMPUTED_YEARS
        if not low <= self.fiscal_year <= high:
            raise ValueError(f"Fiscal years run from {low} to {high}, not {self.fiscal_year}.")

    @classmethod
    def from_ordinal(cls, ordinal: int) -> "Quarter":
        return cls(ordinal // 4, ordinal % 4 + 1)

    @classmethod
    def parse(cls, label: str) -> "Quarter":
        """Reads a label such as ``FY2027 Q1`` (also ``fy2027q1``, ``FY2027-Q1``)."""
        match = _LABEL.match(label or "")
        if not match:
            raise ValueError(f"{label!r} is not a quarter; write it like FY2027 Q1.")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def containing(cls, day: datetime.date, start_month: int) -> "Quarter":
        """The fiscal quarter of ``day`` when the fiscal year starts in ``start_month``."""
        _check_month(start_month)
        fiscal_year = day.year + 1 if start_month > 1 and day.month >= start_month else day.year
        number = (day.month - start_month) % 12 // 3 + 1
        return cls(fiscal_year, number)

    @property
    def ordinal(self) -> int:
        return self.fiscal_year * 4 + self.number - 1

    @property
    def label(self) -> str:
        return f"FY{self.fiscal_year} Q{self.number}"

    def __str__(self) -> str:
        return self.label

    def __add__(self, quarters: int) -> "Quarter":
        return Quarter.from_ordinal(self.ordinal + quarters)

    def __sub__(self, quarters: int) -> "Quarter":
        return Quarter.from_ordinal(self.ordinal - quarters)

    def start_date(self, start_month: int) -> datetime.date:
        _check_month(start_month)
        first_calendar_year = self.fiscal_year - 1 if start_month > 1 else self.fiscal_year
        months = first_calendar_year * 12 + (start_month - 1) + 3 * (self.number - 1)
        return datetime.date(months // 12, months % 12 + 1, 1)

    def end_date(self, start_month: int) -> datetime.date:
        start = self.start_date(start_month)
        months = start.year * 12 + start.month - 1 + 3
        return datetime.date(months // 12, months % 12 + 1, 1) - datetime.timedelta(days=1)


def quarter_range(first: int, last: int) -> list[Quarter]:
    """Every quarter from ordinal ``first`` to ``last``, both included."""
    return [Quarter.from_ordinal(ordinal) for ordinal in range(first, last + 1)]


def _check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"A fiscal year starts in month 1 to 12, not {month}.")
