"""Headcount from a spreadsheet: a CSV or Excel file's bytes → its quarters, or every error.

Pure: no database, no HTTP. The file has the columns ``quarter, sales, customer_success,
other`` in any order (names in any case, spaces around them ignored); each later line is one
quarter, written as the exports write it (``FY2027 Q1``, also ``FY2027Q1``) or as the day it
starts in the organization's fiscal calendar (``2026-02-01``). Nothing is guessed: an empty
cell, a formula or a date that starts no quarter is reported, with its line, beside every
other problem of the file, so that one round of corrections is enough.

Limits, against files made to exhaust the server: the upload's size is checked before it is
read (``settings.IMPORT_MAX_BYTES``); a workbook whose parts would unpack to more than
``MAX_UNPACKED_BYTES`` is refused before any is read ("zip bomb"), and its XML goes through
defusedxml; reading stops at ``MAX_LINES`` lines and ``MAX_COLUMNS`` columns; at most
``MAX_ROWS`` quarters. Formulas are never evaluated: a cell holding one is refused.
"""

import csv
import datetime
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from planner import rules
from planner.forms import MAX_HEADCOUNT
from planner.quarters import MAX_ORDINAL, MIN_ORDINAL, Quarter

COLUMNS = ("quarter", "sales", "customer_success", "other")
COUNTS = COLUMNS[1:]
MAX_ROWS = 400
MAX_LINES = 1000
MAX_COLUMNS = 10
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_PARTS = 200

ZIP_SIGNATURE = b"PK\x03\x04"
EXAMPLE = Quarter(2027, 1)


@dataclass(frozen=True)
class Problem:
    """What is wrong with the file: on a line (and in a column), or with the whole file."""

    message: str
    line: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        where = (
            gettext("Line %(line)s, %(column)s") % {"line": self.line, "column": self.column}
            if self.column
            else gettext("Line %(line)s") % {"line": self.line}
        )
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class HeadcountRow:
    """One quarter of the file, on the line it was read from."""

    line: int
    quarter: int
    headcount: rules.Headcount


@dataclass(frozen=True)
class Reading:
    """The quarters of a file in the order it lists them, or the problems that stop it."""

    rows: tuple[HeadcountRow, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def headcounts(self) -> dict[int, rules.Headcount]:
        return {row.quarter: row.headcount for row in self.rows}


class _Refused(Exception):
    """The whole file cannot be read; the message says why."""


class _Bad(Exception):
    """One cell cannot be read; the message says why."""


class Formula(str):
    """The text of a workbook cell that holds a formula, which is never evaluated."""


class ErrorValue(str):
    """A workbook cell showing an error such as #REF!."""


def read_headcount(content: bytes, filename: str, *, fiscal_year_start_month: int) -> Reading:
    """The quarters of a .csv or .xlsx file, or every problem found in it."""
    try:
        if _kind(content, filename) == "xlsx":
            lines = _workbook_lines(content)
        else:
            lines = _csv_lines(content)
        return _read(lines, fiscal_year_start_month)
    except _Refused as refusal:
        return Reading(problems=(Problem(str(refusal)),))


# --- the file ------------------------------------------------------------------------------


def _kind(content: bytes, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        if not content.startswith(ZIP_SIGNATURE):
            raise _Refused(_("This is not an Excel workbook (.xlsx), whatever its name says."))
        return "xlsx"
    if suffix in (".csv", ".txt"):
        if content.startswith(ZIP_SIGNATURE) or b"\x00" in content[:4096]:
            raise _Refused(
                _(
                    "This is not a CSV text file, whatever its name says. Save the sheet as "
                    "CSV UTF-8, or upload the Excel workbook (.xlsx) itself."
                )
            )
        return "csv"
    if suffix == ".xls":
        raise _Refused(
            _(
                "Files from Excel 97–2003 (.xls) cannot be read: save it as an Excel workbook "
                "(.xlsx) or as CSV UTF-8."
            )
        )
    name = PurePath(filename).name[:80]
    raise _Refused(
        _("Choose a CSV (.csv) or Excel (.xlsx) file; “%(name)s” is neither.") % {"name": name}
    )


def _csv_lines(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _Refused(
            _("This file is not UTF-8 text: save it from your spreadsheet as CSV UTF-8.")
        ) from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ","
    if "," not in first:
        delimiter = next((d for d in (";", "\t") if d in first), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines = []
    try:
        for cells in reader:
            if reader.line_num > MAX_LINES:
                raise _Refused(_too_many_lines())
            lines.append((reader.line_num, list(cells)))
    except csv.Error as error:
        raise _Refused(
            _("Line %(line_num)s: this is not readable CSV (%(error)s).")
            % {"line_num": reader.line_num, "error": error}
        ) from None
    return lines


def _workbook_lines(content: bytes) -> list[tuple[int, list[Any]]]:
    """The first sheet's cells, row by row; formulas and error cells marked as such."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _Refused(_("This Excel workbook (.xlsx) is damaged and cannot be read.")) from None
    # zipfile stops each part at the size its directory declares, so this sum is a bound.
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _Refused(
            _(
                "This workbook is too large once unpacked: keep one sheet with the headcount "
                "and save it again."
            )
        )
    lines = []
    try:
        with warnings.catch_warnings():
            # Workbooks from other tools lack parts openpyxl warns about; none matters here.
            warnings.simplefilter("ignore")
            book = load_workbook(
                io.BytesIO(content), read_only=True, data_only=False, keep_links=False
            )
            try:
                rows = book.worksheets[0].iter_rows(max_row=MAX_LINES + 1, max_col=MAX_COLUMNS + 1)
                for number, row in enumerate(rows, start=1):
                    if number > MAX_LINES:
                        raise _Refused(_too_many_lines())
                    lines.append((number, [_cell_value(cell) for cell in row]))
            finally:
                book.close()
    except _Refused:
        raise
    except Exception:
        # The parser meets untrusted bytes and fails in many ways (bad XML, missing parts,
        # forbidden entities, odd values); every one of them means the same to the person.
        raise _Refused(_("This Excel workbook (.xlsx) is damaged and cannot be read.")) from None
    return lines


def _cell_value(cell) -> Any:
    if cell.data_type == "f":
        return Formula(str(cell.value))
    if cell.data_type == "e":
        return ErrorValue(str(cell.value))
    return cell.value


def _too_many_lines() -> str:
    return gettext(
        "The file has more than %(lines)s lines: import at most %(rows)s quarters at once."
    ) % {"lines": number_format(MAX_LINES, force_grouping=True), "rows": MAX_ROWS}


# --- the table -----------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (
        isinstance(value, str) and not isinstance(value, Formula) and not value.strip()
    )


def _trimmed(cells: list[Any]) -> list[Any]:
    end = len(cells)
    while end and _blank(cells[end - 1]):
        end -= 1
    return cells[:end]


def _column_name(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower()) if not _blank(value) else ""


def _read(lines: Iterable[tuple[int, list[Any]]], month: int) -> Reading:
    lines = [(number, _trimmed(cells)) for number, cells in lines]
    lines = [(number, cells) for number, cells in lines if cells]
    if not lines:
        raise _Refused(
            _(
                "The file is empty: download the template and write one quarter on each line "
                "under its header."
            )
        )
    for number, cells in lines:
        if len(cells) > MAX_COLUMNS:
            raise _Refused(
                _("Line %(number)s has more than %(max_columns)s columns: %(expected)s.")
                % {"number": number, "max_columns": MAX_COLUMNS, "expected": _expected()}
            )
    (header_line, header), *body = lines
    columns, problems = _header(header_line, header)
    # Values under an unknown column are covered by its problem; under none, they are not.
    unnamed = {i for i in range(MAX_COLUMNS) if i >= len(header) or not _column_name(header[i])}
    if any(column not in columns for column in COLUMNS):
        return Reading(problems=tuple(problems))
    if not body:
        raise _Refused(_("The file has a header but no quarters under it."))
    if len(body) > MAX_ROWS:
        raise _Refused(
            _("The file lists %(body)s quarters: import at most %(max_rows)s at once.")
            % {"body": len(body), "max_rows": MAX_ROWS}
        )
    rows, seen = [], {}
    for number, cells in body:
        row, row_problems = _row(number, cells, columns, unnamed, month)
        if row is not None and row.quarter in seen:
            label = Quarter.from_ordinal(row.quarter).label
            row_problems.append(
                Problem(
                    gettext("%(value)s is already on line %(quarter)s.")
                    % {"value": label, "quarter": seen[row.quarter]},
                    number,
                    "quarter",
                )
            )
        elif row is not None:
            seen[row.quarter] = number
            rows.append(row)
        problems.extend(row_problems)
    if problems:
        return Reading(problems=tuple(problems))
    return Reading(rows=tuple(rows))


def _header(line: int, cells: list[Any]) -> tuple[dict[str, int], list[Problem]]:
    """Where each known column is, and what is wrong with the header line."""
    columns: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(cells):
        name = _column_name(cell)
        if not name:
            continue
        if name not in COLUMNS:
            shown = _shown(cell)
            problems.append(
                Problem(
                    gettext("Unknown column %(shown)s: %(expected)s.")
                    % {"shown": shown, "expected": _expected()},
                    line,
                )
            )
        elif name in columns:
            problems.append(
                Problem(gettext("The column %(name)s appears twice.") % {"name": name}, line)
            )
        else:
            columns[name] = index
    for name in COLUMNS:
        if name not in columns:
            problems.append(
                Problem(
                    gettext("Missing column %(name)s: %(expected)s.")
                    % {"name": name, "expected": _expected()},
                    line,
                )
            )
    return columns, problems


def _expected() -> str:
    return gettext("the columns are %(columns)s and %(last)s") % {
        "columns": ", ".join(COLUMNS[:-1]),
        "last": COLUMNS[-1],
    }


def _row(
    line: int, cells: list[Any], columns: Mapping[str, int], unnamed: set[int], month: int
) -> tuple[HeadcountRow | None, list[Problem]]:
    problems = []
    values: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if index in unnamed and not _blank(cell):
            problems.append(
                Problem(
                    gettext("%(cell)s is in a column the file does not name.")
                    % {"cell": _shown(cell)},
                    line,
                )
            )
    for name, index in columns.items():
        cell = cells[index] if index < len(cells) else None
        try:
            values[name] = _quarter(cell, month) if name == "quarter" else _count(cell)
        except _Bad as bad:
            problems.append(Problem(str(bad), line, name))
    if problems:
        # The quarter, when it could be read, still counts towards duplicates.
        if "quarter" in values:
            return HeadcountRow(line, values["quarter"], rules.Headcount()), problems
        return None, problems
    headcount = rules.Headcount(**{name: values[name] for name in COUNTS})
    return HeadcountRow(line, values["quarter"], headcount), problems


# --- the cells -----------------------------------------------------------------------------

_LABEL = re.compile(r"^FY\s*(\d{1,6})\s*[-/ ]?\s*Q\s*(\d{1,3})$", re.IGNORECASE)
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def _shown(value: Any) -> str:
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        value = value.date()
    text = value.isoformat() if isinstance(value, datetime.date) else str(value).strip()
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def _quarter(value: Any, month: int) -> int:
    example = gettext("write it like %(example)s or as the day it starts, %(month)s") % {
        "example": EXAMPLE.label,
        "month": _start(EXAMPLE, month),
    }
    if isinstance(value, Formula):
        raise _Bad(
            gettext("%(value)s is a formula, not a quarter: %(example)s.")
            % {"value": _shown(value), "example": example}
        )
    if isinstance(value, ErrorValue):
        raise _Bad(
            gettext("%(value)s is an error, not a quarter: %(example)s.")
            % {"value": value, "example": example}
        )
    if _blank(value):
        raise _Bad(gettext("no quarter: %(example)s.") % {"example": example})
    if isinstance(value, datetime.date):
        # A workbook's date cell; openpyxl reads it as a datetime at midnight.
        day = value.date() if isinstance(value, datetime.datetime) else value
        return _quarter_starting(day, month)
    text = str(value).strip() if isinstance(value, str) else ""
    if _DAY.match(text):
        try:
            day = datetime.date.fromisoformat(_padded(text))
        except ValueError:
            raise _Bad(gettext("%(text)s is not a date.") % {"text": _shown(text)}) from None
        return _quarter_starting(day, month)
    match = _LABEL.match(text)
    if not match:
        raise _Bad(
            gettext("%(value)s is not a quarter: %(example)s.")
            % {"value": _shown(value), "example": example}
        )
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 4:
        raise _Bad(
            gettext("%(text)s is not a quarter: a fiscal year has Q1 to Q4.")
            % {"text": _shown(text)}
        )
    return _supported(year * 4 + number - 1, text)


def _padded(text: str) -> str:
    year, month, day = text.split("-")
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _start(quarter: Quarter, month: int) -> str:
    return quarter.start_date(month).isoformat()


def _supported(ordinal: int, written: str) -> int:
    if not MIN_ORDINAL <= ordinal <= MAX_ORDINAL:
        first, last = Quarter.from_ordinal(MIN_ORDINAL), Quarter.from_ordinal(MAX_ORDINAL)
        raise _Bad(
            gettext("%(written)s is outside the quarters the planner keeps, %(first)s to %(last)s.")
            % {"written": _shown(written), "first": first.label, "last": last.label}
        )
    return ordinal


def _quarter_starting(day: datetime.date, month: int) -> int:
    try:
        quarter = Quarter.containing(day, month)
    except ValueError:
        first, last = Quarter.from_ordinal(MIN_ORDINAL), Quarter.from_ordinal(MAX_ORDINAL)
        raise _Bad(
            gettext("%(day)s is outside the quarters the planner keeps, %(month)s to %(month2)s.")
            % {
                "day": day.isoformat(),
                "month": _start(first, month),
                "month2": last.end_date(month).isoformat(),
            }
        ) from None
    ordinal = _supported(quarter.ordinal, day.isoformat())
    if quarter.start_date(month) != day:
        raise _Bad(
            gettext(
                "%(day)s is not the first day of a quarter: it falls in "
                "%(quarter)s, which starts %(month)s."
            )
            % {"day": day.isoformat(), "quarter": quarter.label, "month": _start(quarter, month)}
        )
    return ordinal


def _count(value: Any) -> int:
    if isinstance(value, Formula):
        raise _Bad(
            gettext(
                "%(value)s is a formula, not a number: paste the values instead "
                "(Paste Special → Values)."
            )
            % {"value": _shown(value)}
        )
    if isinstance(value, ErrorValue):
        raise _Bad(gettext("%(value)s is an error, not a number.") % {"value": value})
    if _blank(value):
        raise _Bad(_("no number: write 0 if there is no one."))
    if isinstance(value, datetime.date | datetime.time):
        raise _Bad(
            gettext("%(value)s is a date, not a number of people.") % {"value": _shown(value)}
        )
    if isinstance(value, bool):
        raise _Bad(
            gettext("%(value)s is not a number: write a whole number of people, like 42.")
            % {"value": _shown(value)}
        )
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _Bad(
            gettext("%(value)s is not a number: write a whole number of people, like 42.")
            % {"value": _shown(value)}
        ) from None
    if not number.is_finite():
        raise _Bad(
            gettext("%(value)s is not a number: write a whole number of people, like 42.")
            % {"value": _shown(value)}
        )
    if number < 0:
        raise _Bad(
            gettext("%(value)s is negative: headcount cannot be below 0.")
            % {"value": _shown(value)}
        )
    # Compared before any conversion: turning 1e999999 into an integer would take forever.
    if number > MAX_HEADCOUNT:
        raise _Bad(f"{_shown(value)} is more than {MAX_HEADCOUNT:,} people: check the number.")
    if number != number.to_integral_value():
        raise _Bad(gettext("%(value)s is not a whole number of people.") % {"value": _shown(value)})
    return int(number)


# --- against what is stored ----------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    column: str
    before: int | None
    after: int

    @property
    def changed(self) -> bool:
        return self.before is not None and self.before != self.after


@dataclass(frozen=True)
class PreviewRow:
    """One quarter of the file beside what is stored for it (``before``; None if nothing)."""

    quarter: int
    after: rules.Headcount
    before: rules.Headcount | None

    @property
    def cells(self) -> tuple[Cell, ...]:
        columns = (*COUNTS, "total")
        return tuple(
            Cell(
                column,
                getattr(self.before, column) if self.before is not None else None,
                getattr(self.after, column),
            )
            for column in columns
        )


@dataclass(frozen=True)
class Preview:
    """The file's quarters in fiscal order: those it adds, changes and leaves as they are."""

    added: tuple[PreviewRow, ...]
    changed: tuple[PreviewRow, ...]
    unchanged: tuple[PreviewRow, ...]

    @property
    def writes(self) -> int:
        return len(self.added) + len(self.changed)


def compare(
    headcounts: Mapping[int, rules.Headcount], stored: Mapping[int, rules.Headcount]
) -> Preview:
    """Each quarter of ``headcounts`` (the file) against ``stored`` (the plan's quarters)."""
    added, changed, unchanged = [], [], []
    for quarter in sorted(headcounts):
        row = PreviewRow(quarter, headcounts[quarter], stored.get(quarter))
        if row.before is None:
            added.append(row)
        elif row.before != row.after:
            changed.append(row)
        else:
            unchanged.append(row)
    return Preview(tuple(added), tuple(changed), tuple(unchanged))


# --- the template --------------------------------------------------------------------------


def template_rows(first: Quarter) -> list[list[str | int]]:
    """Two example quarters from ``first``, as a person would fill in the template."""
    return [
        [first.label, 40, 12, 5],
        [(first + 1).label, 44, 12, 6],
    ]
